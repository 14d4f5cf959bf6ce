"""The demo data keeps its promises, whatever day it is loaded on."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.demo import DEMO_PASSWORD, DEMO_PHONE, load
from app.extensions import db
from app.loyalty import reads
from app.loyalty.eligibility import member_refusal
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import Category, Item, LedgerEntry, Member, Order, Tier
from app.loyalty.program import running_program


@pytest.mark.parametrize("today", [
    "2026-11-23T04:00",   # the month ends within two weeks
    "2026-06-10T12:00",   # it does not
    "2028-02-29T15:30",   # a leap day
])
def test_the_demo_member_has_the_promised_points_expiry_and_tier(app, today):
    now = datetime.fromisoformat(today).replace(tzinfo=timezone.utc)
    load(now=now)

    member = db.session.scalar(select(Member).where(Member.phone == DEMO_PHONE))
    wallet = reads.wallet(member.id, now, running_program())
    expiring_soon = sum(e.points for e in wallet.expiring if e.expires_at <= now + timedelta(14))
    standing = reads.standing(member, now, running_program())

    assert member.check_password(DEMO_PASSWORD)
    assert 11_000 <= wallet.balance <= 13_000
    assert 1_000 <= expiring_soon <= 1_400
    assert standing.tier.code == "silver" and standing.next_tier.code == "gold"
    assert 0 < standing.progress.to_next < 2000
    entries = db.session.scalar(select(func.count()).where(LedgerEntry.member_id == member.id))
    orders = db.session.scalar(select(func.count()).where(Order.member_id == member.id))
    assert entries >= 24 and orders >= 3
    assert check_ledger() == []


def test_the_demo_catalog_shows_every_kind_of_item(app):
    now = datetime(2026, 11, 23, 4, tzinfo=timezone.utc)
    load(now=now)
    member = db.session.scalar(select(Member).where(Member.phone == DEMO_PHONE))
    items = db.session.scalars(select(Item)).all()
    gold = db.session.scalar(select(Tier).where(Tier.code == "gold"))

    def reason(item):
        problem = member_refusal(item, member, balance=member.points_balance,
                                 already_bought=0, now=now)
        return problem.code if problem else None

    assert len(items) >= 24
    assert db.session.scalar(select(func.count()).select_from(Category)) >= 4
    prices = [i.points_price for i in items]
    assert min(prices) <= 150 and max(prices) >= 25_000
    assert all(i.image and not i.image.startswith(("http:", "https:", "//")) for i in items)
    reasons = [reason(i) for i in items]
    assert reasons.count(None) >= 5
    assert {"insufficient_points", "sold_out", "tier_too_low", "not_on_sale"} <= set(reasons)
    assert sum(1 for i in items if i.cash_fen and reason(i) is None) >= 1
    assert any(i.stock == 1 for i in items)
    assert any(i.min_tier_id == gold.id for i in items)


def test_flask_demo_load_prints_the_sign_in_and_loads_only_into_an_empty_database(app):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])

    assert first.exit_code == 0 and DEMO_PHONE in first.output and DEMO_PASSWORD in first.output
    assert "already" in second.output
    assert db.session.scalar(select(func.count()).select_from(Member)) == 3
