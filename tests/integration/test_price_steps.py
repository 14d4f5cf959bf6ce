"""Scheduled price steps: an item's price steps down on set dates, members see and pay the
current price, an order keeps the price it was placed at, and staff add and remove steps
in the console, each bad one refused with nothing changed, each change audited."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.jobs import run_once
from app.loyalty import audit_log, price_steps, redemption
from app.loyalty.models import Item, ItemPriceStep, utcnow
from tests.conftest import utc
from tests.integration.route_support import attrs, audits, card, text
from tests.support import csrf_token

NOW = utc(2026, 6, 10, 4, 0)
DAY = timedelta(days=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(at) -> str:
    """A moment as the console's date and time field takes it."""
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def steps_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(ItemPriceStep))


def price(item_id: int) -> tuple[int, int]:
    db.session.rollback()
    item = db.session.get(Item, item_id, populate_existing=True)
    return item.points_price, item.cash_fen


def test_the_job_writes_a_step_onto_the_item_when_its_time_comes_and_members_see_it(
        shopper, make_item):
    item_id = make_item(points_price=1000, stock=None).id
    price_steps.add_step(item_id, utcnow() - DAY + timedelta(hours=1), 800, now=utcnow() - DAY)
    price_steps.add_step(item_id, utcnow() + DAY, 600, 500, now=utcnow())

    assert run_once(now=utcnow())["price-steps"] == 1
    assert run_once(now=utcnow())["price-steps"] == 0           # run twice = once
    assert price(item_id) == (800, 0)
    html = text(shopper.get("/catalog"))
    assert attrs(card(html, item_id), "catalog-item")["data-points"] == "800"

    run_once(now=utcnow() + DAY)
    assert price(item_id) == (600, 500)


def test_a_redemption_pays_a_due_step_at_once_and_the_order_keeps_its_price(make_member,
                                                                          make_item):
    member_id = make_member(points=5000, earned_at=NOW - 30 * DAY).id
    item = make_item(points_price=1000, stock=None)
    price_steps.add_step(item.id, NOW + DAY, 700, now=NOW)
    price_steps.add_step(item.id, NOW + 2 * DAY, 400, now=NOW)

    first = redemption.redeem(member_id, item.id, "a", now=NOW + DAY + timedelta(seconds=1))
    price_steps.apply_due(NOW + 3 * DAY)

    assert price(item.id) == (400, 0)
    assert db.session.get(type(first), first.id).points == 700
    later = redemption.redeem(member_id, item.id, "b", now=NOW + 3 * DAY)
    assert later.points == 400


def test_an_administrator_adds_and_removes_a_step_and_both_are_audited(admin, make_item):
    db.session.rollback()  # the sign-in wrote since this session last read
    item = make_item(points_price=1000)
    url = f"/admin/items/{item.id}/prices"
    starts = utcnow() + DAY

    response = admin.post(url, data={"csrf_token": csrf_token(admin, url),
                                     "starts_at": local(starts), "points_price": "800",
                                     "cash_fen": "9.90"})

    assert response.status_code == 302
    db.session.rollback()
    [step] = price_steps.steps(item.id)
    assert (step.points_price, step.cash_fen) == (800, 990)
    assert step.starts_at == starts.replace(second=0, microsecond=0)
    [added] = audits(audit_log.PRICE_STEP_ADDED)
    assert added.actor_id == admin.staff.id and added.after["points_price"] == 800
    assert 'data-testid="price-step-row"' in text(admin.get(url))

    removed = admin.post(f"{url}/{step.id}/removed", data={"csrf_token": csrf_token(admin, url)})
    assert removed.status_code == 302 and steps_count() == 0
    [entry] = audits(audit_log.PRICE_STEP_REMOVED)
    assert entry.before["points_price"] == 800
    assert price(item.id) == (1000, 0)


@pytest.mark.parametrize("when, points, cash, field, words", [
    (-DAY, "800", "", "starts_at", "A price step starts in the future"),
    (DAY, "0", "", "points_price", "The points price must be more than 0."),
    (DAY, "-5", "", "points_price", "Enter a whole number"),
    (DAY, "800", "-1", "cash_fen", "Enter an amount in yuan"),
    (DAY, "9999999999", "", "points_price", "Enter a whole number"),
    (DAY, "", "", "points_price", "Enter the points price."),
    (None, "800", "", "starts_at", "Enter a date and time"),
    (2 * DAY, "800", "", "starts_at", "already has a price step at this time"),
])
def test_a_bad_step_is_refused_beside_its_field_and_nothing_changes(admin, make_item, when,
                                                                     points, cash, field,
                                                                     words):
    db.session.rollback()
    item = make_item(points_price=1000)
    url = f"/admin/items/{item.id}/prices"
    taken = (utcnow() + 2 * DAY).replace(second=0, microsecond=0)
    price_steps.add_step(item.id, taken, 900)
    before = steps_count()

    response = admin.post(url, data={"csrf_token": csrf_token(admin, url),
                                     "starts_at": local(utcnow() + when) if when else "x",
                                     "points_price": points, "cash_fen": cash})

    assert response.status_code == 422
    html = text(response)
    assert f'id="{field}-error"' in html and words in html
    assert steps_count() == before and audits(audit_log.PRICE_STEP_ADDED) == []
    assert price(item.id) == (1000, 0)


def test_a_step_already_in_effect_stays_as_history(admin, make_item):
    db.session.rollback()
    item = make_item(points_price=1000)
    price_steps.add_step(item.id, utcnow() + timedelta(minutes=1), 800, now=utcnow())
    [step] = price_steps.steps(item.id)
    url = f"/admin/items/{item.id}/prices"
    price_steps.apply_due(utcnow() + timedelta(minutes=2))

    with pytest.raises(Exception) as refused:
        price_steps.remove_step(item.id, step.id, now=utcnow() + timedelta(minutes=2))
    assert refused.value.details["problems"] == {"starts_at": price_steps.APPLIED}
    assert steps_count() == 1 and audits(audit_log.PRICE_STEP_REMOVED) == []
    assert "In effect since" in text(admin.get(url))
