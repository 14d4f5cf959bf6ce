"""Member numbers that cannot be guessed, with a check digit; tills look members up by them
within a limit per API key, and every look-up is logged with the number masked."""
import json
import logging
from itertools import pairwise

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.loyalty import accounts, member_numbers
from app.loyalty.models import Member
from tests.conftest import PASSWORD
from tests.integration.api_support import Api, new_store, purchase_body, snapshot


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


@pytest.fixture
def statements(app):
    """The SQL statements run while the test reads it."""
    seen: list[str] = []
    engine = db.engine

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def lookups(caplog):
    """The member look-up lines of the request log."""
    logger = logging.getLogger("mall.requests")
    logger.addHandler(caplog.handler)
    yield lambda: [line for line in (json.loads(r.getMessage()) for r in caplog.records
                                     if r.name == "mall.requests")
                   if line.get("event") == "member_lookup"]
    logger.removeHandler(caplog.handler)


def test_member_numbers_are_random_fifteen_digits_that_pass_their_check_digit(make_member):
    numbers = [make_member().member_no for _ in range(12)]

    assert all(member_numbers.is_valid(n) and len(n) == 15 and n.startswith("88")
               for n in numbers)
    assert len(set(numbers)) == len(numbers)
    steps = {int(b) - int(a) for a, b in pairwise(numbers)}
    assert len(steps) == len(numbers) - 1      # no common step from one member to the next
    assert numbers != sorted(numbers)          # not handed out in order (1 in 12! by chance)


def test_the_luhn_check_digit_is_the_textbook_one():
    assert member_numbers.check_digit("7992739871") == "3"
    assert member_numbers.is_valid("880000000000005")
    assert not member_numbers.is_valid("880000000000006")


@pytest.mark.parametrize("number", ["8800000001", "880000000000006", "88000000000000５",
                                    "880000000000005 ", "", "x" * 15, None, 880000000000005])
def test_the_model_refuses_a_number_not_in_the_form(app, number):
    with pytest.raises(ValueError):
        Member(member_no=number)


def test_a_number_drawn_twice_is_drawn_again(make_member, monkeypatch):
    taken = make_member().member_no
    fresh = "880000000000005"
    draws = iter([taken, taken, fresh])
    monkeypatch.setattr(member_numbers, "new", lambda: next(draws))

    member = accounts.join("13911112222", "新会员", PASSWORD)

    assert member.member_no == fresh


def test_a_phone_already_a_members_is_not_retried_as_a_number_clash(make_member):
    member = make_member()
    with pytest.raises(IntegrityError):
        accounts.join(member.phone, "同号", PASSWORD)


def test_a_wrong_check_digit_is_refused_as_malformed_before_any_look_up(till, make_member,
                                                                        statements):
    member = make_member(points=300)
    statements.clear()

    response = till.get(f"/members/{wrong_check_digit(member.member_no)}")

    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "invalid_request" and "member_no" in problem["errors"]
    assert not [s for s in statements if "FROM members" in s], statements


@pytest.mark.parametrize("number", ["8800000001", "99999999", "88" + "0" * 30, "１２３",
                                    "880000000000005x"])
def test_a_number_in_any_other_form_is_refused_as_malformed(till, number):
    response = till.get(f"/members/{number}")

    assert response.status_code == 422 and "member_no" in response.get_json()["errors"]


def test_a_purchase_for_a_number_with_a_wrong_check_digit_is_refused_and_nothing_written(
        till, make_member, statements):
    member = make_member()
    body = purchase_body(member)
    del body["member_phone"]
    body["member_no"] = wrong_check_digit(member.member_no)
    before = snapshot()
    statements.clear()

    response = till.post("/purchases", body)

    assert response.status_code == 422 and "member_no" in response.get_json()["errors"]
    assert not [s for s in statements if "FROM members" in s]
    assert snapshot() == before


def test_a_purchase_by_member_number_credits_that_member(till, make_member):
    member = make_member()
    body = purchase_body(member, amount_fen=2_500)
    del body["member_phone"]
    body["member_no"] = member.member_no

    response = till.post("/purchases", body)

    assert response.status_code == 201
    assert response.get_json()["member_no"] == member.member_no
    assert response.get_json()["points"] == 25


def test_the_61st_look_up_in_a_minute_by_one_key_is_refused_and_another_key_is_not(
        client, make_member):
    member = make_member(points=300)
    _, first_key = new_store("SH001", "上海南京西路店")
    _, second_key = new_store("HZ001", "杭州湖滨银泰店")
    first, second = Api(client, first_key), Api(client, second_key)

    answers = [first.get(f"/members/{member.member_no}").status_code for _ in range(60)]
    refused = first.get(f"/members/{member.member_no}")
    other = second.get(f"/members/{member.member_no}")

    assert answers == [200] * 60
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["status"] == 429 and "look-ups" in refused.get_json()["detail"]
    assert int(refused.headers["Retry-After"]) > 0
    assert other.status_code == 200 and other.get_json()["balance"] == 300


def test_malformed_and_unknown_numbers_count_against_the_limit_too(client, make_member):
    _, key = new_store()
    api = Api(client, key)
    guesses = [member_numbers.new() for _ in range(30)]

    for guess in guesses:
        api.get(f"/members/{guess}")
        api.get(f"/members/{wrong_check_digit(guess)}")

    assert api.get(f"/members/{make_member().member_no}").status_code == 429


def test_the_limit_is_a_setting(app, client, make_member):
    app.config["MEMBER_LOOKUP_LIMITS"] = "2 per minute"
    member = make_member()
    _, key = new_store()
    api = Api(client, key)

    statuses = [api.get(f"/members/{member.member_no}").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_every_look_up_logs_one_line_with_the_store_and_the_number_masked(
        till, make_member, lookups):
    member = make_member()
    unknown = member_numbers.new()

    till.get(f"/members/{member.member_no}")
    till.get(f"/members/{unknown}")
    till.get(f"/members/{wrong_check_digit(member.member_no)}")

    lines = lookups()
    assert [(line["store"], line["status"]) for line in lines] == [
        ("SH001", 200), ("SH001", 404), ("SH001", 422)]
    assert lines[0]["member_no"] == member.member_no[:2] + "*" * 9 + member.member_no[-4:]
    logged = json.dumps(lines)
    assert member.member_no not in logged and unknown not in logged
    assert wrong_check_digit(member.member_no) not in logged
    assert all(line["request_id"] and line["key"] for line in lines)


def test_a_refused_look_up_is_logged_too(app, till, make_member, lookups):
    app.config["MEMBER_LOOKUP_LIMITS"] = "1 per minute"
    member = make_member()

    till.get(f"/members/{member.member_no}")
    till.get(f"/members/{member.member_no}")

    assert [line["status"] for line in lookups()] == [200, 429]


def test_the_migration_gives_existing_members_new_numbers_and_takes_them_back(app,
                                                                              make_member):
    ids = [make_member().id for _ in range(3)]
    db.session.rollback()  # no read transaction may hold the table while its schema changes
    downgrade(revision="0005")
    old = dict(db.session.execute(text("SELECT id, member_no FROM members")).all())
    db.session.rollback()
    assert old == {i: f"88{i:08d}" for i in ids}

    upgrade()

    new = dict(db.session.execute(text("SELECT id, member_no FROM members")).all())
    db.session.rollback()
    assert set(new) == set(ids)
    assert all(member_numbers.is_valid(n) for n in new.values())
    assert len(set(new.values())) == len(ids) and not set(new.values()) & set(old.values())
