"""A request the quick check finds valid is one the full check finds valid, and the other way
round: the quick check decides alone only when nothing is wrong."""
from hypothesis import given, settings
from hypothesis import strategies as st

from app.api import validation

PURCHASE = "/components/schemas/PurchaseRequest"
MEMBER_NO = "/components/schemas/MemberNo"
KEY = "/components/parameters/IdempotencyKey/schema"
GOOD = {"member_phone": "13600000100", "reference": "R-1", "amount_fen": 8800,
        "lines": [{"category": "coffee", "amount_fen": 8800, "quantity": 1, "sku": "C1",
                   "name": "拿铁"}],
        "occurred_at": "2026-01-01T08:00:00+08:00", "till": "T1"}
ODD = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2 ** 63 - 2),
    st.integers(max_value=-2 ** 63 + 2), st.floats(allow_nan=False), st.just(100.0),
    st.text(), st.text(alphabet="0123456789+８\n\x00 -_aZ:T.", max_size=25),
    st.sampled_from(["2026-01-01T00:00:00Z", "2026-01-01t00:00:00z", "2026-01-01 00:00",
                     "2026-02-30T00:00:00Z", "2026-01-01T23:59:60Z", "8800000000003",
                     "88000000000000", "８８00000000000", "coffee\n", "x" * 65, ""]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(),
                                                         max_size=2))


def full_check_finds_nothing(pointer: str, instance) -> bool:
    return next(validation._validator(pointer).iter_errors(instance), None) is None


def agree(pointer: str, instance) -> None:
    assert validation._quick(pointer).is_valid(instance) == \
        full_check_finds_nothing(pointer, instance), instance


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from([*GOOD, "member_no", "extra", "x\x00"]), value=ODD,
       in_line=st.booleans())
def test_a_purchase_with_any_one_field_changed_is_found_valid_by_both_checks_or_neither(
        field, value, in_line):
    body = {**GOOD, "lines": [dict(GOOD["lines"][0])]}
    (body["lines"][0] if in_line else body)[field] = value
    agree(PURCHASE, body)


@settings(max_examples=200, deadline=None)
@given(value=ODD)
def test_member_numbers_and_idempotency_keys_are_found_valid_by_both_checks_or_neither(value):
    agree(MEMBER_NO, value)
    agree(KEY, value)


def test_a_valid_purchase_and_a_member_number_with_its_right_check_digit_pass_both_checks():
    agree(PURCHASE, GOOD)
    assert validation._errors(PURCHASE, GOOD) == {}
    number = "88" + "0" * 12
    number += validation.member_numbers.check_digit(number)
    assert validation._quick(MEMBER_NO).is_valid(number)
    assert validation._errors(MEMBER_NO, number) == {}
    assert validation._errors(MEMBER_NO, number[:-1] + str(9 - int(number[-1]))) != {}
