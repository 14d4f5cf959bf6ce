"""The dry run over recorded signals: what a rule with given values would have caught in
the last 30 days, saving nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import tasks
from app.loyalty.models import utcnow
from app.loyalty.models.risk import RiskCase, RiskRule
from app.loyalty.risk import settings
from app.loyalty.risk.rules import DAY, Rule
from app.loyalty.risk.signals import Origin
from tests.integration.risk_support import ledger_holds


@pytest.fixture(autouse=True)
def ledger_checked(app):
    yield
    ledger_holds()


def _check_ins_from_one_device(make_member, count: int, now):
    members = [make_member() for _ in range(count)]
    for member in members:
        tasks.check_in(member.id, now=now, origin=Origin(device="one-tablet"))
    return [m.id for m in members]


def test_a_dry_run_counts_what_the_values_would_have_caught_in_stored_signals(
        app, make_member):
    now = utcnow()
    ids = _check_ins_from_one_device(make_member, 4, now - timedelta(days=2))
    db.session.commit()
    cases_before = db.session.scalar(select(func.count(RiskCase.id)))

    lower = settings.dry_run(Rule("check_in_per_device", 1, DAY, "hold"), now=now)
    usual = settings.dry_run(Rule("check_in_per_device", 3, DAY, "hold"), now=now)
    higher = settings.dry_run(Rule("check_in_per_device", 4, DAY, "hold"), now=now)

    assert (lower.cases, lower.members) == (3, tuple(ids[1:]))
    assert (usual.cases, usual.members) == (1, (ids[3],))
    assert (higher.cases, higher.members) == (0, ())
    assert db.session.scalar(select(func.count(RiskCase.id))) == cases_before
    stored = db.session.scalar(select(RiskRule).where(RiskRule.code == "check_in_per_device"))
    assert stored.threshold == 3


def test_a_dry_run_reads_only_the_last_30_days(app, make_member):
    now = utcnow()
    _check_ins_from_one_device(make_member, 4, now - timedelta(days=31))

    result = settings.dry_run(Rule("check_in_per_device", 1, DAY, "hold"), now=now)

    assert (result.cases, result.members) == (0, ())


def test_a_shorter_window_catches_less(app, make_member):
    now = utcnow()
    members = [make_member() for _ in range(3)]
    for hours, member in zip((30, 20, 1), members, strict=True):
        tasks.check_in(member.id, now=now - timedelta(hours=hours),
                       origin=Origin(device="one-tablet"))

    a_day = settings.dry_run(Rule("check_in_per_device", 1, DAY, "flag"), now=now)
    an_hour = settings.dry_run(Rule("check_in_per_device", 1, 3600, "flag"), now=now)

    assert a_day.cases == 2 and an_hour.cases == 0
