"""The kiosk PIN: chosen on the member's phone with their password, never an easy one; signing
in with phone and PIN gives one answer whatever is wrong, and five wrong PINs lock it a while."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import accounts, pins
from app.loyalty.models import Member, utcnow
from tests.conftest import PASSWORD

PIN = "246801"


def pin_state(member_id: int) -> tuple:
    """The member's PIN hash, wrong-PIN count and lock as the database has them."""
    db.session.rollback()
    return tuple(db.session.execute(
        select(Member.pin_hash, Member.pin_failures, Member.pin_locked_until)
        .where(Member.id == member_id)).one())


@pytest.fixture
def pinned(make_member):
    """A member with the PIN `PIN`."""
    member = make_member(phone="13912345678")
    pins.set_pin(member.id, PIN, PASSWORD)
    return member


def refused(phone: str, pin: str) -> bool:
    try:
        pins.sign_in_with_pin(phone, pin, kiosk_id=1)
    except pins.PinRefused:
        return True
    return False


def test_a_member_signs_in_with_their_phone_and_the_pin_they_set(pinned):
    member = pins.sign_in_with_pin(pinned.phone, PIN, kiosk_id=1)

    assert member.id == pinned.id


def test_the_pin_is_kept_hashed_with_the_password_hashing_method(pinned):
    stored = pin_state(pinned.id)[0]

    assert PIN not in stored
    assert stored.startswith(accounts.password_hash_method() + "$")


@pytest.mark.parametrize("pin, reason", [
    ("000000", pins.REPEATED), ("777777", pins.REPEATED),
    ("123456", pins.RUN), ("654321", pins.RUN), ("012345", pins.RUN), ("789012", pins.RUN),
    ("210987", pins.RUN),
    ("12345", pins.FORMAT), ("1234567", pins.FORMAT), ("", pins.FORMAT), ("abcdef", pins.FORMAT),
    ("１３５７９２", pins.FORMAT), ("١٣٥٧٩٢", pins.FORMAT), ("13579 ", pins.FORMAT),
    ("135792\n", pins.FORMAT), ("-13579", pins.FORMAT), ("9" * 10_000, pins.FORMAT),
    ("<script>", pins.FORMAT), (None, pins.FORMAT), (135792, pins.FORMAT),
])
def test_an_easy_or_malformed_pin_is_refused_and_changes_nothing(make_member, pin, reason):
    member = make_member()
    before = pin_state(member.id)

    with pytest.raises(pins.WeakPin) as refusal:
        pins.set_pin(member.id, pin, PASSWORD)

    assert refusal.value.reason == reason
    assert pin_state(member.id) == before


def test_the_end_of_the_members_phone_number_is_refused_as_a_pin(make_member):
    member = make_member(phone="13800246813")

    with pytest.raises(pins.WeakPin) as refusal:
        pins.set_pin(member.id, "246813", PASSWORD)

    assert refusal.value.reason == pins.PHONE
    assert pin_state(member.id)[0] is None


def test_a_wrong_password_sets_no_pin(make_member):
    member = make_member()

    with pytest.raises(accounts.WrongPassword):
        pins.set_pin(member.id, PIN, "not-the-password")

    assert pin_state(member.id)[0] is None


def test_a_new_pin_replaces_the_old_one(pinned):
    pins.set_pin(pinned.id, "975310", PASSWORD)

    assert refused(pinned.phone, PIN)
    assert pins.sign_in_with_pin(pinned.phone, "975310", kiosk_id=1).id == pinned.id


@pytest.fixture
def hash_checks(monkeypatch):
    """How many PIN hashes each sign-in checks."""
    calls = []
    real = pins.check_password_hash

    def counted(stored, pin):
        calls.append(stored)
        return real(stored, pin)

    monkeypatch.setattr(pins, "check_password_hash", counted)
    return calls


def test_unknown_phone_no_pin_wrong_pin_and_locked_get_one_answer_after_one_hash_check(
        pinned, make_member, hash_checks):
    no_pin = make_member(phone="13911112222")
    locked = make_member(phone="13933334444")
    pins.set_pin(locked.id, PIN, PASSWORD)
    for _ in range(pins.MAX_WRONG_PINS):
        refused(locked.phone, "975310")
    hash_checks.clear()
    answers = []

    for phone, pin in [("13700000000", PIN), (no_pin.phone, PIN), (pinned.phone, "975310"),
                       (locked.phone, PIN)]:
        with pytest.raises(pins.PinRefused) as refusal:
            pins.sign_in_with_pin(phone, pin, kiosk_id=1)
        answers.append((type(refusal.value), refusal.value.code, repr(refusal.value.details)))

    assert len(set(answers)) == 1
    assert len(hash_checks) == 4
    methods = {stored.split("$")[0] for stored in hash_checks}
    assert methods == {accounts.password_hash_method()}


@pytest.mark.parametrize("phone, pin", [
    ("", PIN), ("1391234567", PIN), ("139123456789", PIN), ("１３９１２３４５６７８", PIN),
    ("' OR 1=1 --", PIN), ("13912345678", ""), ("13912345678", "24680"),
    ("13912345678", "２４６８０１"), ("13912345678", "x" * 10_000), (None, PIN),
    ("13912345678", None),
])
def test_garbage_phone_or_pin_is_refused_alike_and_counts_nothing(pinned, phone, pin):
    with pytest.raises(pins.PinRefused):
        pins.sign_in_with_pin(phone, pin, kiosk_id=1)

    assert pin_state(pinned.id)[1] == 0


def test_a_right_pin_resets_the_count_of_wrong_ones(pinned):
    for _ in range(pins.MAX_WRONG_PINS - 1):
        assert refused(pinned.phone, "975310")
    assert pin_state(pinned.id)[1] == pins.MAX_WRONG_PINS - 1

    pins.sign_in_with_pin(pinned.phone, PIN, kiosk_id=1)

    assert pin_state(pinned.id)[1] == 0
    for _ in range(pins.MAX_WRONG_PINS - 1):
        assert refused(pinned.phone, "975310")
    assert not refused(pinned.phone, PIN)


def test_five_wrong_pins_lock_pin_sign_in_for_fifteen_minutes(pinned, clock):
    for _ in range(pins.MAX_WRONG_PINS):
        assert refused(pinned.phone, "975310")

    assert pin_state(pinned.id)[2] == utcnow() + timedelta(minutes=15)
    assert refused(pinned.phone, PIN)
    clock.shift(timedelta(minutes=14, seconds=59))
    assert refused(pinned.phone, PIN)
    clock.shift(timedelta(seconds=1))
    assert pins.sign_in_with_pin(pinned.phone, PIN, kiosk_id=1).id == pinned.id
    assert pin_state(pinned.id)[1:] == (0, None)


def test_tries_while_locked_do_not_make_the_lock_longer(pinned, clock):
    for _ in range(pins.MAX_WRONG_PINS):
        refused(pinned.phone, "975310")
    until = pin_state(pinned.id)[2]

    clock.shift(timedelta(minutes=10))
    for _ in range(pins.MAX_WRONG_PINS + 1):
        refused(pinned.phone, "975310")

    assert pin_state(pinned.id)[1:] == (0, until)


def test_after_a_lock_ends_five_more_wrong_pins_lock_it_again(pinned, clock):
    for _ in range(pins.MAX_WRONG_PINS):
        refused(pinned.phone, "975310")
    clock.shift(timedelta(minutes=15))

    for _ in range(pins.MAX_WRONG_PINS):
        refused(pinned.phone, "975310")

    assert refused(pinned.phone, PIN)
    assert pin_state(pinned.id)[2] == utcnow() + timedelta(minutes=15)


def test_setting_a_new_pin_with_the_password_ends_the_lock(pinned):
    for _ in range(pins.MAX_WRONG_PINS):
        refused(pinned.phone, "975310")

    pins.set_pin(pinned.id, "975310", PASSWORD)

    assert pins.sign_in_with_pin(pinned.phone, "975310", kiosk_id=1).id == pinned.id


def test_wrong_pins_for_one_member_never_lock_another(pinned, make_member):
    other = make_member(phone="13955556666")
    pins.set_pin(other.id, PIN, PASSWORD)
    for _ in range(pins.MAX_WRONG_PINS):
        refused(other.phone, "975310")

    assert not refused(pinned.phone, PIN)
