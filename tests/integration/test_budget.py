"""The redemption-cost budget and its forecast, against a known history; the budget set in
the console, every bad one refused with nothing changed, every change audited."""
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import accounts, audit_log, budget, redemption, report_months
from app.loyalty.models import ADJUST, CostBudget, utcnow
from app.loyalty.program import running_program
from app.loyalty.report_periods import Month
from tests.conftest import utc
from tests.integration.route_support import attrs, audits, by_testid, text
from tests.support import csrf_token

NOW = utc(2026, 6, 15, 4, 0)         # noon on 15 June in Shanghai: 15.5 of June's 30 days left


def order(member_id, item_id, key, at, quantity=1):
    return redemption.redeem(member_id, item_id, key, quantity=quantity, now=at)


@pytest.fixture
def history(make_member, make_item):
    """A year and more of a small program: points issued before and inside the last 12
    months, orders last year and this, one of them cancelled."""
    first = make_member(points=100, earned_at=utc(2025, 5, 20, 4, 0))     # before the window
    second = make_member(points=20_000, earned_at=utc(2025, 8, 1, 4, 0))
    accounts.award(first.id, 10_000, "gift", kind=ADJUST, now=utc(2025, 7, 1, 4, 0))
    item = make_item(points_price=1000, stock=None, cost_fen=500)
    order(first.id, item.id, "aug", utc(2025, 8, 10, 4, 0), quantity=2)
    order(second.id, item.id, "feb", utc(2026, 2, 10, 4, 0))
    march = order(second.id, item.id, "mar", utc(2026, 3, 10, 4, 0))
    redemption.cancel(second.id, march.code, now=utc(2026, 3, 10, 5, 0))
    order(first.id, item.id, "jun", utc(2026, 6, 1, 4, 0))
    return first, second


def test_the_plan_reads_the_years_cost_and_forecasts_it_from_a_known_history(app, history):
    budget.set_budget(2026, 3000, now=NOW)

    found = budget.plan(2026, NOW, running_program())

    costs = {str(m.month): m.cost_fen for m in found.months}
    assert costs["2026-02"] == 500 and costs["2026-03"] == 0 and costs["2026-06"] == 500
    assert sum(costs.values()) == found.cost_so_far_fen == 1000
    assert found.months[-1].cumulative_fen == 1000 and found.months[5].budget_to_date_fen == 1500
    assert found.rate == Fraction(3_000, 30_000) and not found.rate_is_default
    assert found.cost_per_point == Fraction(2_000, 4_000)
    assert found.outstanding == 7_100 + 19_000
    assert found.months_left == 6 + Fraction(31, 60)
    # 30,000 issued in 12 months: 2,500 a month x 6 31/60 months left.
    assert found.expected_issuance == 16_292
    # 1,000 + (26,100 + 48,875/3) x 10% x 0.5 fen = 1,000 + 2,119.58
    assert found.forecast_fen == 3_120
    assert found.budget_fen == 3000 and found.over_budget


def test_the_figures_are_the_same_once_the_report_job_keeps_the_ended_months(app, history):
    before = budget.plan(2026, NOW, running_program())
    assert report_months.close_months(NOW) > 0

    assert budget.plan(2026, NOW, running_program()) == before


def test_with_less_than_a_year_of_history_the_rate_is_twenty_percent(make_member, make_item):
    member = make_member(points=10_000, earned_at=utc(2026, 1, 10, 4, 0))
    item = make_item(points_price=1000, stock=None, cost_fen=800)
    order(member.id, item.id, "feb", utc(2026, 2, 1, 4, 0))

    found = budget.plan(2026, NOW, running_program())

    assert found.rate == Fraction(1, 5) and found.rate_is_default
    assert found.cost_per_point == Fraction(4, 5)
    # 10,000 issued over 5 months of history: 2,000 a month x 6 31/60 months left.
    assert found.expected_issuance == 13_033
    assert found.forecast_fen == 800 + 3_525
    assert found.budget_fen is None and not found.over_budget


def test_with_no_history_the_forecast_is_nothing_and_a_point_costs_its_worth(app):
    found = budget.plan(2026, NOW, running_program())

    assert (found.cost_so_far_fen, found.outstanding, found.forecast_fen) == (0, 0, 0)
    assert found.cost_per_point == 1 and found.cost_per_point_is_default  # 100 points = ¥1


def test_a_year_that_has_ended_forecasts_what_it_cost(app, history):
    found = budget.plan(2025, NOW, running_program())

    assert found.cost_so_far_fen == found.forecast_fen == 1000
    assert found.months_left == 0


def test_an_administrator_sees_the_budget_page_and_sets_a_budget_that_is_audited(
        admin, make_member, make_item):
    db.session.rollback()
    member = make_member(points=5000)
    item = make_item(points_price=1000, stock=None, cost_fen=1234)
    redemption.redeem(member.id, item.id, "now")
    year = Month.of(utcnow(), running_program().tz).year

    response = admin.post("/admin/budget", data={
        "csrf_token": csrf_token(admin, "/admin/budget"), "year": str(year), "budget": "0.10"})

    assert response.status_code == 302
    [entry] = audits(audit_log.BUDGET_SET)
    assert entry.after == {"budget_fen": 10} and entry.before == {"budget_fen": None}
    html = text(admin.get("/admin/budget"))
    found = budget.plan(year, utcnow(), running_program())
    assert by_testid(html, "budget-yuan") == ["¥0.10"]
    assert by_testid(html, "redemption-cost-yuan") == ["¥12.34"]
    assert by_testid(html, "forecast-yuan") == [f"¥{found.forecast_fen / 100:,.2f}"]
    assert "passes the budget" in by_testid(html, "budget-alert")[0]
    assert attrs(html, "budget-year-after")["href"].endswith(f"year={year + 1}")


@pytest.mark.parametrize("value, words", [
    ("-5", "Enter an amount in yuan"), ("", "Enter a budget in yuan above 0"),
    ("abc", "Enter an amount in yuan"), ("99999999999", "Enter an amount in yuan"),
    ("0", "Enter a budget in yuan above 0"), ("1.234", "Enter an amount in yuan"),
    ("<script>", "Enter an amount in yuan"),
])
def test_a_bad_budget_gets_a_message_and_changes_nothing(admin, value, words):
    response = admin.post("/admin/budget", data={
        "csrf_token": csrf_token(admin, "/admin/budget"), "year": "2026", "budget": value})

    assert response.status_code == 422
    assert words in text(response) and 'id="budget-error"' in text(response)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CostBudget)) == 0
    assert audits(audit_log.BUDGET_SET) == []


@pytest.mark.parametrize("year", ["abc", "1999", "3000", "99999999999"])
def test_a_year_out_of_range_is_refused_with_a_message(admin, year):
    assert admin.get(f"/admin/budget?year={year}").status_code == 422
    response = admin.post("/admin/budget", data={
        "csrf_token": csrf_token(admin, "/admin/budget"), "year": year, "budget": "100"})
    assert response.status_code == 422
    assert audits(audit_log.BUDGET_SET) == []


def test_the_budget_page_is_for_administrators_and_in_their_console_menu(admin, clerk):
    assert clerk.get("/admin/budget").status_code == 403
    html = text(admin.get("/admin/items"))
    links = html[html.index('class="console-nav'):].split("</nav>")[0]
    assert 'href="/admin/budget"' in links
