"""flask jobs: every job runs, a failing one stops nothing, twice is the same as once, and
the long-running scheduler keeps to its intervals and stops cleanly on a signal."""
import logging
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import jobs
from app.extensions import db
from app.loyalty import ledger, redemption
from app.loyalty.lots import end_of_local_day
from app.loyalty.models import ADJUST, LAPSED, Notice, Order, OutboxEmail, Reminder, utcnow
from app.loyalty.program import running_program
from app.loyalty.transaction import lock_member, write_transaction
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
HERE = "tests.integration.test_jobs"
CALLS: list[tuple[str, object]] = []


# Job targets for these tests, named by dotted path as the schedule names real ones.
def count_a(now):
    CALLS.append(("a", now))
    return 1


def count_b(now):
    CALLS.append(("b", now))
    return 2


def explode(now):
    raise RuntimeError("the job broke")


def leave_a_transaction_open(now):
    db.session.add(Notice(member_id=1, kind="x", title="x", body="never committed"))
    db.session.flush()
    return 0


@pytest.fixture(autouse=True)
def no_calls(app):
    CALLS.clear()


@pytest.fixture
def work_due(app, make_member, make_item):
    """One overdue unpaid order, points due a reminder, one email waiting, with the
    SMTP server unreachable (the email job then records one failed attempt)."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    now = utcnow()
    member = make_member(points=3000)
    member.email = "li.na@example.cn"
    db.session.commit()
    with write_transaction():
        ledger.credit(lock_member(member.id), 500, kind=ADJUST, detail="test",
                      now=now - timedelta(days=300),
                      expires_at=end_of_local_day(
                          now.astimezone(running_program().tz).date() + timedelta(days=3),
                          running_program().tz))
    mug = make_item(points_price=600, cash_fen=990, stock=1)
    order = redemption.redeem(member.id, mug.id, "held-order-jobs", now=now - timedelta(hours=1))
    return order.code


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def state() -> tuple:
    db.session.rollback()
    return (db.session.scalar(select(Order.status)), count(Notice), count(Reminder),
            count(OutboxEmail), db.session.scalar(select(func.sum(OutboxEmail.attempts))))


EXISTING = ("lapse-unpaid", "remind", "send-email")


def existing_jobs():
    return tuple(j for j in jobs.SCHEDULE if j.name in EXISTING)


def test_the_schedule_names_every_job_with_its_interval():
    every = {j.name: j.every for j in jobs.SCHEDULE}

    assert every == {"expire": 300, "remind": 3600, "review-tiers": 3600, "lapse-unpaid": 60,
                     "release-pending": 300, "send-email": 60, "refund": 60,
                     "report-months": 3600, "purge-signals": 3600, "price-steps": 60}


def test_run_once_runs_each_job_with_the_same_now():
    now = utcnow()
    schedule = (jobs.Job("a", 60, f"{HERE}:count_a", ""), jobs.Job("b", 60, f"{HERE}:count_b", ""))

    assert jobs.run_once(schedule, now) == {"a": 1, "b": 2}
    assert CALLS == [("a", now), ("b", now)]


def test_the_jobs_that_exist_do_their_work_in_one_run(work_due):
    results = jobs.run_once(existing_jobs())

    assert results == {"lapse-unpaid": 1, "remind": 1, "send-email": 0}
    assert state() == (LAPSED, 1, 2, 1, 1)   # lapsed; notice; 2 reminder rows; email tried


def test_running_the_jobs_twice_is_the_same_as_once(work_due):
    jobs.run_once(existing_jobs())
    once = state()

    jobs.run_once(existing_jobs())

    assert state() == once


@pytest.mark.parametrize("broken", [f"{HERE}:explode", "app.loyalty.no_such_module:run",
                                    f"{HERE}:no_such_function"])
def test_a_failing_job_is_logged_and_does_not_stop_the_others(caplog, broken):
    schedule = (jobs.Job("a", 60, f"{HERE}:count_a", ""), jobs.Job("broken", 60, broken, ""),
                jobs.Job("b", 60, f"{HERE}:count_b", ""))

    logging.getLogger("app.jobs").disabled = False  # Alembic's logging setup disables it
    with caplog.at_level(logging.ERROR, logger="app.jobs"):
        results = jobs.run_once(schedule)

    assert results == {"a": 1, "broken": None, "b": 2}
    assert [name for name, _ in CALLS] == ["a", "b"]
    assert "job broken failed" in caplog.text


def test_nothing_a_job_left_uncommitted_survives_the_run(member):
    jobs.run_job(jobs.Job("messy", 60, f"{HERE}:leave_a_transaction_open", ""))

    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


class FakeTime:
    """A clock and a stop event in one: waiting moves the clock on; stops at `until`."""

    def __init__(self, until: float):
        self.now, self.until, self.waits = 0.0, until, []

    def clock(self) -> float:
        return self.now

    def is_set(self) -> bool:
        return self.now >= self.until

    def wait(self, timeout: float) -> None:
        self.waits.append(timeout)
        self.now += timeout


def test_the_scheduler_runs_each_job_on_its_own_interval_until_stopped():
    fake = FakeTime(until=10)
    schedule = (jobs.Job("a", 1, f"{HERE}:count_a", ""), jobs.Job("b", 3, f"{HERE}:count_b", ""),
                jobs.Job("broken", 5, f"{HERE}:explode", ""))

    jobs.run_forever(fake, schedule, clock=fake.clock)

    runs = [name for name, _ in CALLS]
    assert runs.count("a") == 10          # at 0, 1, ..., 9
    assert runs.count("b") == 4           # at 0, 3, 6, 9
    assert max(fake.waits) <= 1


def test_each_job_is_its_own_command_for_cron(app, work_due):
    runner = app.test_cli_runner()

    lapsed = runner.invoke(args=["jobs", "lapse-unpaid"])   # the held points come back
    result = runner.invoke(args=["jobs", "remind"])

    assert lapsed.exit_code == 0 and "lapse-unpaid: 1" in lapsed.output
    assert result.exit_code == 0, result.output
    assert "remind: 1" in result.output
    assert runner.invoke(args=["jobs", "remind"]).output.strip() == "remind: 0"


def test_flask_jobs_run_once_reports_each_job_and_fails_if_one_did(app, monkeypatch):
    schedule = (jobs.Job("a", 60, f"{HERE}:count_a", ""),
                jobs.Job("broken", 60, f"{HERE}:explode", ""))
    monkeypatch.setattr(jobs, "SCHEDULE", schedule)

    result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])

    assert result.exit_code == 1
    assert "a: 1" in result.output and "broken: failed" in result.output


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_flask_jobs_run_stops_cleanly_on_a_signal(app, sig):
    env = {**os.environ, "FLASK_APP": "wsgi", "SMTP_HOST": "127.0.0.1",
           "SMTP_PORT": str(free_port()), "PYTHONUNBUFFERED": "1",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    process = subprocess.Popen([sys.executable, "-m", "flask", "jobs", "run"], cwd=ROOT,
                               env=env, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in process.stderr:      # wait until the first round of jobs is done
            lines.append(line)
            if "jobs running" in line:
                break
        process.send_signal(sig)
        _, rest = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 0, "".join(lines) + rest
    assert "jobs stopped" in rest
