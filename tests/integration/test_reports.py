"""The liability reports agree exactly with a history built through the services: every
source of points, redemptions, a cancellation, expiry (written and still waiting), a
negative adjustment, a refund's clawback, a purchase just after a local midnight, and a
purchase with one line under a campaign and one not."""
import re
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.loyalty import (
    accounts,
    campaigns,
    expiry,
    ledger,
    purchases,
    redemption,
    report_months,
    reports,
    stores,
    tasks,
)
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import (
    ADJUST,
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    FULFILLED,
    LAPSED,
    Member,
    ReportMonth,
)
from app.loyalty.program import running_program
from app.loyalty.report_periods import Month, Period
from app.loyalty.reports import ExpiryBucket, Flow, Issued, StatusCount, TierCount
from app.loyalty.transaction import lock_member, write_transaction

NOW = datetime(2026, 4, 15, 4, 0, tzinfo=timezone.utc)
WHOLE = Period(Month(2025, 1), Month(2026, 4))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def adjust(member_id: int, points: int, at: datetime, expires: bool = True) -> None:
    """An adjustment up (in a lot that expires by the program, or never) or down."""
    with write_transaction():
        member = lock_member(member_id)
        if points < 0:
            ledger.debit(member, -points, kind=ADJUST, detail="correction", now=at)
        elif expires:
            accounts.credit_locked(member, points, detail="goodwill", kind=ADJUST, now=at)
        else:
            ledger.credit(member, points, kind=ADJUST, detail="card migration", now=at,
                          expires_at=None)


def buy(store_id: int, member, reference: str, amount_fen: int, at: datetime) -> None:
    purchases.record(store_id, purchases.PurchaseInput(
        reference=reference, amount_fen=amount_fen, occurred_at=at, member_phone=member.phone,
        lines=[{"category": "food", "amount_fen": amount_fen}]), now=at)


@pytest.fixture
def history(make_member, make_item):
    """Five members' history from February 2025 to April 2026 (Shanghai is UTC+8)."""
    a, b, c, d, e = (make_member() for _ in range(5))
    x = make_item(points_price=100, stock=None, name_en="X").id
    y = make_item(points_price=40, stock=None, name_en="Y").id
    z = make_item(points_price=60, stock=None, name_en="Z").id
    store = stores.create_store("SH001", "南京西路店")
    campaigns.create(name="双倍", name_en="Double", multiplier_pct=200,
                     starts_at=utc(2026, 3, 1), ends_at=utc(2026, 3, 20), now=utc(2026, 2, 1))

    adjust(a.id, 300, utc(2025, 2, 10, 2))          # lapses at the end of February 2026
    adjust(e.id, 100, utc(2025, 2, 20, 2))          # likewise
    redemption.redeem(a.id, x, "a-x", now=utc(2025, 3, 5, 2))
    adjust(d.id, 80, utc(2025, 3, 20, 2))           # lapses at the end of March 2026
    adjust(c.id, 500, utc(2026, 1, 15, 2))
    # Tea earns double in January 2026: D's tea line earns 20, the food line 10. The bonus is
    # the 10 the tea line earned beyond its base, not 30 - 30 x 100 / 200 = 15.
    campaigns.create(name="茶饮双倍", name_en="Tea double", multiplier_pct=200, category="tea",
                     starts_at=utc(2026, 1, 10), ends_at=utc(2026, 1, 31), now=utc(2026, 1, 1))
    purchases.record(store.id, purchases.PurchaseInput(
        reference="d-tea", amount_fen=2000, occurred_at=utc(2026, 1, 20, 2),
        member_phone=d.phone, lines=[{"category": "tea", "amount_fen": 1000},
                                     {"category": "food", "amount_fen": 1000}]),
        now=utc(2026, 1, 20, 2))
    # E spends 60 an hour before the lot's last local day ends and cancels after it: 40
    # expire, the 60 come back in a lot that lives 30 days (and lapses before NOW).
    order = redemption.redeem(e.id, z, "e-z", now=utc(2026, 2, 28, 15))
    redemption.cancel(e.id, order.code, now=utc(2026, 2, 28, 17))
    expiry.expire_all(utc(2026, 3, 5))              # A's 200 left expire
    adjust(c.id, -20, utc(2026, 3, 1, 2))
    buy(store.id, b, "b-campaign", 3333, utc(2026, 3, 15, 2))   # 66: 33 + 33 bonus
    tasks.check_in(b.id, now=utc(2026, 3, 20, 2))               # 3
    buy(store.id, b, "b-march", 5000, utc(2026, 3, 31, 15, 59))  # 50, 23:59 on 31 March
    buy(store.id, b, "b-april", 12345, utc(2026, 3, 31, 17))     # 123, 01:00 on 1 April
    order = redemption.redeem(b.id, y, "b-y", now=utc(2026, 4, 2, 2))
    redemption.cancel(b.id, order.code, now=utc(2026, 4, 2, 3))
    redemption.redeem(b.id, x, "b-x", now=utc(2026, 4, 3, 2))
    purchases.refund(store.id, "b-april", "r1", 12345, now=utc(2026, 4, 5, 2))  # 123 back
    adjust(c.id, 1000, utc(2026, 4, 10, 2), expires=False)
    db.session.commit()
    return {"x": x, "c": c.id}


def flow(month, **figures) -> Flow:
    issued = Issued(**{k: figures.pop(k) for k in list(figures)
                       if k in ("purchases", "tasks", "adjustments", "campaigns")})
    return Flow(month, issued, **figures)


@pytest.fixture(params=["ledger", "kept"])
def kept(request, history):
    """The history read from the ledger alone, or with its ended months kept."""
    if request.param == "kept":
        assert report_months.close_months(NOW) == 14     # February 2025 to March 2026
    return history


def test_every_monthly_figure_agrees_with_the_history(kept):
    found = reports.flows(WHOLE, running_program())

    expected = {m: flow(m) for m in WHOLE.months}
    expected[Month(2025, 2)] = flow(Month(2025, 2), adjustments=400)
    expected[Month(2025, 3)] = flow(Month(2025, 3), adjustments=80, redeemed=100)
    expected[Month(2026, 1)] = flow(Month(2026, 1), purchases=20, campaigns=10, adjustments=500)
    expected[Month(2026, 2)] = flow(Month(2026, 2), redeemed=60, expired=240)
    expected[Month(2026, 3)] = flow(Month(2026, 3), purchases=83, campaigns=33, tasks=3,
                                    returned=60, adjusted_down=20)
    expected[Month(2026, 4)] = flow(Month(2026, 4), purchases=123, adjustments=1000,
                                    redeemed=140, returned=40, clawed_back=123)
    assert found.months == [expected[m] for m in WHOLE.months]
    assert found.total == flow(None, purchases=226, campaigns=43, tasks=3, adjustments=1980,
                               redeemed=300, returned=100, expired=240, clawed_back=123,
                               adjusted_down=20)
    assert found.total.issued.total == 2252
    assert found.total.net == 1669
    assert found.total.redemption_rate == Fraction(200, 2252)
    assert found.months[-1].redemption_rate == Fraction(100, 1123)
    assert found.months[13].redemption_rate is None   # February 2026: nothing issued


def test_a_purchase_at_17_00_utc_on_31_march_belongs_to_april_in_shanghai(kept):
    april = reports.flows(Period(Month(2026, 4), Month(2026, 4)), running_program())
    march = reports.flows(Period(Month(2026, 3), Month(2026, 3)), running_program())
    assert april.total.issued.purchases == 123
    assert march.total.issued.purchases == 83


def test_outstanding_points_by_month_of_expiry_equal_the_sum_of_balances(history):
    found = reports.liability(NOW, running_program())

    assert found.buckets == [
        ExpiryBucket(Month(2026, 3), 140, 140, lapsed=True),
        ExpiryBucket(Month(2027, 1), 510, 510),
        ExpiryBucket(Month(2027, 4), 19, 19),
        ExpiryBucket(None, 1000, 1000),
    ]
    balances = db.session.scalar(select(func.sum(Member.points_balance)))
    assert found.points == balances == 1669
    assert found.value_fen == 1669
    assert check_ledger() == []


def test_breakage_counts_lapsed_lots_once_and_prices_the_live_points(history):
    found = reports.liability(NOW, running_program())
    # Lapsed lots: A 300, E 100, D 80 (E's 60 came back into a lot of their own, not issued
    # again). Expired: 200 + 40 written, 80 + 60 waiting for the job.
    assert (found.breakage.issued, found.breakage.expired) == (480, 380)
    assert found.breakage.rate == Fraction(19, 24)
    # 1000 never expire; 529 live at 5/24 of their worth (110.21 fen); 140 lapsed cost nothing.
    assert found.expected_cost_fen == 1000 + 110



def test_the_liability_reads_lots_from_indexes_alone_none_keeping_a_spent_lots_remainder(app):
    """Spending or expiring a lot never moves it within an index the liability reads: the
    only ones with `remaining` in them hold live lots, which a spent lot simply leaves
    (SQLite's plans)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plans read here are SQLite's")
    statements = []

    def remember(_connection, _cursor, statement, parameters, _context, _many):
        if "point_lots" in statement:
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        reports.liability(NOW, running_program())
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert statements
    with db.engine.connect() as connection:
        made = dict(connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'point_lots'").all())
        for statement, parameters in statements:
            plan = " ".join(row[3] for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters))
            assert not re.search(r"\bSCAN point_lots(?! USING)", plan), (statement, plan)
            for covering, index in re.findall(r"point_lots USING (COVERING )?INDEX (\w+)", plan):
                assert covering, (statement, plan)
                assert "remaining" not in made[index] or made[index].endswith(
                    "WHERE remaining > 0"), (index, made[index])

def test_point_value_prices_the_liability_in_fen(history, app):
    app.config["POINTS_PER_YUAN"] = 200
    half = reports.liability(NOW, running_program())
    assert half.value_fen == 1669 * 100 // 200
    assert [b.value_fen for b in half.buckets] == [70, 255, 9, 500]


def test_orders_items_and_tiers(history):
    assert reports.orders_by_status(WHOLE, running_program()) == [
        StatusCount(AWAITING_PAYMENT, 0, 0, 0), StatusCount(CONFIRMED, 2, 200, 0),
        StatusCount(FULFILLED, 0, 0, 0), StatusCount(CANCELLED, 2, 100, 0),
        StatusCount(LAPSED, 0, 0, 0)]
    top = reports.top_items(WHOLE, running_program())
    assert [(i.item_id, i.name_en, i.orders, i.quantity, i.points) for i in top] == \
        [(history["x"], "X", 2, 2, 200)]
    april = reports.top_items(Period(Month(2026, 4), Month(2026, 4)), running_program(),
                              by="orders")
    assert [(i.orders, i.points) for i in april] == [(1, 100)]
    assert reports.members_by_tier() == [
        TierCount("silver", "银卡", "Silver", 5, 1669), TierCount("gold", "金卡", "Gold", 0, 0),
        TierCount("platinum", "白金卡", "Platinum", 0, 0)]


def test_an_empty_program_reports_zeros_and_no_rates(app):
    found = reports.report(WHOLE, NOW, running_program())
    assert found.flows.months == [Flow(m) for m in WHOLE.months]
    assert found.flows.total == Flow(None)
    assert found.flows.total.redemption_rate is None
    assert found.liability == reports.Liability([], 0, 0, reports.Breakage(0, 0), 0)
    assert found.liability.breakage.rate is None
    assert found.top_items == []
    assert all(s.orders == 0 for s in found.orders_by_status)
    assert [t.members for t in found.members_by_tier] == [0, 0, 0]


def test_kept_months_and_entries_written_after_them_still_agree_with_the_ledger(history):
    settings = running_program()
    report_months.close_months(NOW)
    # After the months were kept: the open month moves, and the expiry job writes D's 80
    # and E's 60, which lapsed in March, into that kept month.
    redemption.redeem(history["c"], history["x"], "c-x", now=utc(2026, 4, 14, 2))
    adjust(history["c"], 7, utc(2026, 4, 14, 3))
    expiry.expire_all(NOW)
    db.session.commit()

    with_kept = reports.flows(WHOLE, settings)
    db.session.execute(db.delete(ReportMonth))
    db.session.commit()
    from_ledger = reports.flows(WHOLE, settings)

    assert with_kept == from_ledger
    assert with_kept.months[-2].expired == 140          # March 2026
    assert with_kept.months[-1].redeemed == 240 and with_kept.months[-1].issued.adjustments == 1007
    assert with_kept.total.net == reports.liability(NOW, settings).points


def test_a_month_is_kept_once_and_only_a_day_after_it_ends(history):
    settings = running_program()
    april_ends = Month(2026, 4).plus(1).starts_at(settings.tz)
    assert report_months.close_months(april_ends + timedelta(hours=23)) == 14   # not April
    assert report_months.close_months(NOW) == 0
    assert report_months.close_months(april_ends + timedelta(days=1)) == 1
    assert report_months.close_months(april_ends + timedelta(days=1)) == 0
    kept = db.session.scalars(select(ReportMonth.month).order_by(ReportMonth.month)).all()
    assert (kept[0], kept[-1], len(kept)) == ("2025-02", "2026-04", 15)


def test_months_kept_in_another_time_zone_are_not_read(history, app):
    report_months.close_months(NOW)
    shanghai = reports.flows(WHOLE, running_program())
    app.config["MALL_TIMEZONE"] = "UTC"
    in_utc = reports.flows(WHOLE, running_program())
    # 23:59 on 31 March in Shanghai is 15:59 UTC: March either way; 01:00 on 1 April in
    # Shanghai is 17:00 UTC on 31 March: March in UTC.
    assert shanghai.months[-2].issued.purchases == 83
    assert in_utc.months[-2].issued.purchases == 83 + 123
    db.session.execute(db.delete(ReportMonth).where(ReportMonth.timezone == "Asia/Shanghai"))
    db.session.commit()
    assert reports.flows(WHOLE, running_program()) == in_utc


def test_the_report_job_and_command_keep_the_ended_months(history, app):
    from app import jobs
    job = next(j for j in jobs.SCHEDULE if j.name == "report-months")
    assert jobs.run_job(job, NOW) == 14
    result = app.test_cli_runner().invoke(
        args=["reports", "close-months", "--now", "2026-05-02T00:00:00+08:00"])
    assert result.exit_code == 0, result.output
    assert "1 months kept." in result.output
    assert report_months.close_months(utc(2026, 5, 3)) == 0
