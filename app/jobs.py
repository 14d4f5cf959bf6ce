"""The jobs that keep the program running, and the scheduler that runs them.

`flask jobs run` is one long-running process: each job runs on its own interval, a job
that fails is logged and tried again at its next turn without stopping the others, the
database session is dropped between runs, and SIGTERM or SIGINT stops it after the job
in hand. `flask jobs run --once` runs every job once (for cron and for tests). Every job
is safe to run twice, or on two hosts at once.
"""
import importlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from app.extensions import db
from app.loyalty.models import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: int      # seconds between runs
    target: str     # "package.module:function", called with the current time
    about: str


# In the order a round runs them: what changes points and cash first, then reminders, then email.
# Resolved when a job runs, so a job whose code is missing fails alone, loudly.
SCHEDULE: tuple[Job, ...] = (
    Job("price-steps", 60, "app.loyalty.price_steps:apply_due",
        "Write the items' price steps whose time has come onto the items."),
    Job("lapse-unpaid", 60, "app.loyalty.redemption:lapse_unpaid",
        "Lapse points-plus-cash orders unpaid after the payment window."),
    Job("refund", 60, "app.payments.refunds:send_pending",
        "Send the refunds of cash the payment provider has not confirmed yet."),
    Job("expire", 300, "app.loyalty.expiry:expire_all",
        "Expire the points whose lots have lapsed."),
    Job("release-pending", 300, "app.loyalty.purchases:release_pending",
        "Credit purchase points whose holding period is over."),
    Job("review-tiers", 3600, "app.loyalty.tier_reviews:review_due",
        "Review the tiers of members whose review date has come."),
    Job("remind", 3600, "app.notify.expiry:remind",
        "Write the expiry reminders now due, in the inbox and by email."),
    Job("send-email", 60, "app.notify.outbox:send_pending",
        "Send the unsent emails in the outbox over SMTP."),
    Job("report-months", 3600, "app.loyalty.report_months:close_months",
        "Keep the points of each month that has ended, for the reports."),
    Job("purge-signals", 3600, "app.loyalty.risk.signals:purge",
        "Delete risk signals older than the program keeps them."),
)


def resolve(target: str) -> Callable:
    """The function a job's target names."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def run_job(job: Job, now: datetime | None = None) -> int | None:
    """Run one job; its result, or None if it failed (the error is logged, not raised)."""
    started = time.monotonic()
    try:
        result = resolve(job.target)(now or utcnow())
    except Exception:
        log.exception("job %s failed", job.name)
        return None
    finally:
        db.session.remove()  # no session, transaction or stale object outlives a run
    level = logging.INFO if result else logging.DEBUG
    log.log(level, "job %s: %s (%.2fs)", job.name, result, time.monotonic() - started)
    return result


def run_once(jobs: tuple[Job, ...] | None = None,
             now: datetime | None = None) -> dict[str, int | None]:
    """Run every job once, in order, whatever happens to the others."""
    return {job.name: run_job(job, now) for job in (jobs or SCHEDULE)}


def run_forever(stop: threading.Event, jobs: tuple[Job, ...] | None = None,
                clock: Callable[[], float] = time.monotonic) -> None:
    """Run each job when its interval comes round, until `stop` is set."""
    jobs = jobs or SCHEDULE
    next_run = {job.name: clock() for job in jobs}
    log.info("jobs running: %s", ", ".join(f"{j.name} every {j.every}s" for j in jobs))
    while not stop.is_set():
        for job in jobs:
            if stop.is_set():
                break
            if clock() >= next_run[job.name]:
                run_job(job)
                next_run[job.name] = clock() + job.every
        stop.wait(max(0.0, min(next_run.values()) - clock()))
    log.info("jobs stopped")
