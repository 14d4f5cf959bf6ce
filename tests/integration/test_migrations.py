"""The schema comes from the migrations, and they agree with the models."""
from flask_migrate import check, downgrade, upgrade

from app.extensions import db
from app.loyalty import accounts
from app.loyalty.models import ADJUST, EARN, RETURN, ExpiringPointsRow, LedgerDayTotal, LedgerEntry
from tests.conftest import utc


def test_the_migrations_build_exactly_the_schema_the_models_describe(app):
    check()  # raises when autogenerate would find a difference


def test_the_migrations_go_down_and_up_again(app):
    downgrade(revision="base")
    upgrade()
    check()


def test_points_returned_from_orders_are_stored_as_return_and_go_back_to_refund_below_0011(
        app, make_member):
    member = make_member()
    accounts.award(member.id, 100, "returned order", kind=RETURN)
    stored = db.select(LedgerEntry.kind).where(LedgerEntry.member_id == member.id)
    db.session.remove()
    downgrade(revision="0010")
    assert db.session.scalars(stored).all() == ["refund"]
    db.session.remove()
    upgrade()
    assert db.session.scalars(stored).all() == ["return"]


def test_0030_keeps_the_expiring_points_of_the_live_lots_there_already(app, make_member):
    member = make_member()
    accounts.award(member.id, 300, "purchase", now=utc(2026, 3, 15, 2, 0))
    accounts.award(member.id, 200, "purchase", now=utc(2026, 3, 20, 2, 0))
    accounts.award(member.id, 500, "purchase", now=utc(2026, 5, 10, 2, 0))
    kept = db.select(ExpiringPointsRow.expires_at, ExpiringPointsRow.points).where(
        ExpiringPointsRow.member_id == member.id).order_by(ExpiringPointsRow.expires_at)
    before = db.session.execute(kept).all()
    db.session.remove()
    downgrade(revision="0029")
    upgrade()
    assert db.session.execute(kept).all() == before == [
        (utc(2027, 3, 31, 16, 0), 500), (utc(2027, 5, 31, 16, 0), 500)]


def test_0031_sums_the_entries_there_already_by_member_utc_day_and_kind(app, make_member):
    member = make_member()
    for points, kind, at in ((300, EARN, utc(2026, 3, 15, 23, 59, 59)),
                             (200, EARN, utc(2026, 3, 15, 16, 0)),   # Shanghai's 16 March
                             (50, ADJUST, utc(2026, 3, 15, 2, 0)),
                             (500, EARN, utc(2026, 3, 16, 0, 0))):
        accounts.award(member.id, points, "purchase", kind=kind, now=at)
    kept = db.select(LedgerDayTotal.day, LedgerDayTotal.kind, LedgerDayTotal.points).where(
        LedgerDayTotal.member_id == member.id).order_by(LedgerDayTotal.day, LedgerDayTotal.kind)
    before = db.session.execute(kept).all()
    db.session.remove()
    downgrade(revision="0030")
    upgrade()
    assert [(day.isoformat(), kind, points) for day, kind, points
            in db.session.execute(kept).all()] == [
        ("2026-03-15", ADJUST, 50), ("2026-03-15", EARN, 500), ("2026-03-16", EARN, 500)]
    assert db.session.execute(kept).all() == before
