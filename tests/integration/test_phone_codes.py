"""The code services of the core: issuing (limits, replacement, nothing kept in plain text),
checking (single use, expiry, five wrong tries), joining, signing in and resetting."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import accounts, phone_codes, referrals
from app.loyalty.models import JOIN, RESET_PASSWORD, SIGN_IN, Member, PhoneCode
from app.loyalty.phones import InvalidPhone
from tests.conftest import PASSWORD, utc
from tests.support import race

NOW = utc(2026, 6, 10, 4, 0)
PHONE = "13700001234"
ADDRESS = "203.0.113.7"


def later(**delta):
    return NOW + timedelta(**delta)


def rows() -> list[PhoneCode]:
    db.session.rollback()
    return list(db.session.scalars(select(PhoneCode).order_by(PhoneCode.id)))


def members() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Member))


def test_a_code_is_six_digits_and_only_a_salted_hash_of_it_is_kept(app):
    issued = phone_codes.issue(PHONE, JOIN, ADDRESS, now=NOW)

    [row] = rows()
    assert len(issued.code) == 6 and issued.code.isascii() and issued.code.isdigit()
    assert issued.code not in row.code_hash
    assert phone_codes.code_matches(issued.code, row.code_hash)
    assert (row.phone, row.purpose, row.address, row.expires_at) == \
        (PHONE, JOIN, ADDRESS, later(minutes=5))


def test_the_same_code_hashes_differently_each_time():
    assert phone_codes.hash_code("123456") != phone_codes.hash_code("123456")


def test_issuing_does_the_same_for_a_members_phone_and_tells_the_caller_whose_it_is(
        app, make_member):
    member = make_member(phone="13800138000")

    known = phone_codes.issue(member.phone, JOIN, ADDRESS, now=NOW)
    unknown = phone_codes.issue(PHONE, JOIN, ADDRESS, now=NOW)

    assert (known.member_id, unknown.member_id) == (member.id, None)
    assert [r.phone for r in rows()] == [member.phone, PHONE]


@pytest.mark.parametrize("phone", ["13８00138000", "١٣٨٠٠١٣٨٠٠٠", "1380013800", ""],
                         ids=["full-width", "arabic-indic", "short", "empty"])
def test_no_code_is_issued_for_what_is_not_a_phone(app, phone):
    with pytest.raises(InvalidPhone):
        phone_codes.issue(phone, JOIN, ADDRESS, now=NOW)
    assert rows() == []


@pytest.mark.parametrize("phone", ["13８00138000", "١٣٨٠٠١٣٨٠٠٠", "13800138000\n"],
                         ids=["full-width", "arabic-indic", "line-break"])
def test_no_member_joins_with_what_is_not_a_phone(app, phone):
    with pytest.raises(InvalidPhone):
        accounts.join(phone, "测试会员", PASSWORD)
    assert members() == 0


def test_a_phone_waits_a_minute_between_codes_and_gets_five_an_hour(app):
    phone_codes.issue(PHONE, SIGN_IN, ADDRESS, now=NOW)
    with pytest.raises(phone_codes.TooSoon) as soon:
        phone_codes.issue(PHONE, RESET_PASSWORD, ADDRESS, now=later(seconds=15))
    for minutes in (2, 4, 6, 8):
        phone_codes.issue(PHONE, SIGN_IN, ADDRESS, now=later(minutes=minutes))
    with pytest.raises(phone_codes.TooSoon) as hourly:
        phone_codes.issue(PHONE, SIGN_IN, ADDRESS, now=later(minutes=10))

    assert soon.value.seconds == 45
    assert hourly.value.seconds == 50 * 60
    assert len(rows()) == 5
    phone_codes.issue(PHONE, SIGN_IN, ADDRESS, now=later(minutes=60, seconds=1))


def test_an_address_gets_twenty_codes_an_hour(app):
    for n in range(20):
        phone_codes.issue(f"1370000{n:04d}", JOIN, ADDRESS, now=later(seconds=n))
    with pytest.raises(phone_codes.TooSoon) as refused:
        phone_codes.issue("13799999999", JOIN, ADDRESS, now=later(minutes=30))

    assert refused.value.seconds == 30 * 60
    phone_codes.issue("13799999999", JOIN, "198.51.100.1", now=later(minutes=30))


def test_codes_asked_at_once_for_one_phone_are_one(app):
    results = race([lambda: phone_codes.issue(PHONE, SIGN_IN, ADDRESS, now=NOW)] * 8, app)

    assert sum(isinstance(r, phone_codes.IssuedCode) for r in results) == 1
    assert all(isinstance(r, (phone_codes.IssuedCode, phone_codes.TooSoon)) for r in results)
    assert len(rows()) == 1


def test_a_phones_codes_older_than_a_day_are_dropped_when_it_asks_again(app):
    phone_codes.issue(PHONE, JOIN, ADDRESS, now=NOW)
    phone_codes.issue(PHONE, JOIN, ADDRESS, now=later(days=1, seconds=1))

    assert len(rows()) == 1


def test_signing_in_with_the_code_gives_the_member_once(app, make_member):
    member = make_member(phone=PHONE)
    code = phone_codes.issue(PHONE, SIGN_IN, ADDRESS, now=NOW).code

    signed_in = phone_codes.sign_in(PHONE, code, now=later(minutes=4))
    with pytest.raises(phone_codes.CodeRefused) as again:
        phone_codes.sign_in(PHONE, code, now=later(minutes=4))

    assert signed_in.id == member.id
    assert again.value.reason == phone_codes.USED


def test_a_code_is_for_its_purpose_only(app, make_member):
    make_member(phone=PHONE)
    code = phone_codes.issue(PHONE, RESET_PASSWORD, ADDRESS, now=NOW).code

    with pytest.raises(phone_codes.CodeRefused):
        phone_codes.sign_in(PHONE, code, now=NOW)


def test_five_wrong_codes_kill_the_code_and_each_is_counted(app, make_member):
    make_member(phone=PHONE)
    code = phone_codes.issue(PHONE, SIGN_IN, ADDRESS, now=NOW).code
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    reasons = []
    for _ in range(5):
        with pytest.raises(phone_codes.CodeRefused) as refused:
            phone_codes.sign_in(PHONE, wrong, now=NOW)
        reasons.append((refused.value.reason, refused.value.details["tries_left"]))

    with pytest.raises(phone_codes.CodeRefused) as dead:
        phone_codes.sign_in(PHONE, code, now=NOW)

    assert reasons == [("wrong", 4), ("wrong", 3), ("wrong", 2), ("wrong", 1), ("dead", 0)]
    assert dead.value.reason == phone_codes.DEAD
    assert rows()[0].wrong_attempts == 5 and rows()[0].used_at is None


def test_a_code_expires_after_five_minutes(app, make_member):
    make_member(phone=PHONE)
    code = phone_codes.issue(PHONE, SIGN_IN, ADDRESS, now=NOW).code

    with pytest.raises(phone_codes.CodeRefused) as refused:
        phone_codes.sign_in(PHONE, code, now=later(minutes=5))

    assert refused.value.reason == phone_codes.EXPIRED


def test_a_new_code_replaces_the_last_one(app, make_member):
    make_member(phone=PHONE)
    first = phone_codes.issue(PHONE, SIGN_IN, ADDRESS, now=NOW).code
    second = phone_codes.issue(PHONE, SIGN_IN, ADDRESS, now=later(minutes=1)).code
    if first == second:
        pytest.skip("the two random codes happened to be the same")

    with pytest.raises(phone_codes.CodeRefused):
        phone_codes.sign_in(PHONE, first, now=later(minutes=2))
    assert phone_codes.sign_in(PHONE, second, now=later(minutes=2))


def test_joining_with_the_code_makes_the_member_and_uses_the_code(app, make_member):
    referrer = make_member()
    code = phone_codes.issue(PHONE, JOIN, ADDRESS, now=NOW).code

    joined = phone_codes.join(PHONE, code, phone_codes.NewMember(
        "新朋友", "plum-blossom-9", referrer.referral_code), now=NOW)

    assert joined.new and joined.member.phone == PHONE
    assert joined.member.referred_by_id == referrer.id
    assert rows()[0].used_at == NOW


def test_joining_without_details_keeps_the_code_and_makes_no_member(app):
    code = phone_codes.issue(PHONE, JOIN, ADDRESS, now=NOW).code

    with pytest.raises(phone_codes.DetailsNeeded):
        phone_codes.join(PHONE, code, None, now=NOW)

    assert members() == 0 and rows()[0].used_at is None and rows()[0].wrong_attempts == 0


def test_a_join_code_sent_to_a_members_phone_gives_the_member_and_makes_no_account(
        app, make_member):
    member = make_member(phone=PHONE)
    code = phone_codes.issue(PHONE, JOIN, ADDRESS, now=NOW).code

    joined = phone_codes.join(PHONE, code, phone_codes.NewMember("别人", "another-pw-1"),
                              now=NOW)

    assert not joined.new and joined.member.id == member.id
    assert members() == 1
    db.session.refresh(member)
    assert member.name == "测试会员" and member.check_password(PASSWORD)


def test_an_unknown_referral_code_changes_nothing_and_costs_no_try(app):
    code = phone_codes.issue(PHONE, JOIN, ADDRESS, now=NOW).code

    with pytest.raises(referrals.UnknownReferral):
        phone_codes.join(PHONE, code, phone_codes.NewMember("新朋友", "plum-blossom-9",
                                                            "NOSUCH99"), now=NOW)

    assert members() == 0 and rows()[0].used_at is None and rows()[0].wrong_attempts == 0


def test_resetting_the_password_with_the_code_ends_every_session(app, make_member):
    member = make_member(phone=PHONE)
    epoch = member.session_epoch
    code = phone_codes.issue(PHONE, RESET_PASSWORD, ADDRESS, now=NOW).code

    phone_codes.reset_password(PHONE, code, "winter-plum-77", now=NOW)

    db.session.rollback()
    changed = db.session.get(Member, member.id)
    db.session.refresh(changed)
    assert changed.check_password("winter-plum-77") and changed.session_epoch == epoch + 1


def test_a_wrong_reset_code_leaves_the_password(app, make_member):
    member = make_member(phone=PHONE)
    code = phone_codes.issue(PHONE, RESET_PASSWORD, ADDRESS, now=NOW).code

    with pytest.raises(phone_codes.CodeRefused):
        phone_codes.reset_password(PHONE, f"{(int(code) + 7) % 10 ** 6:06d}", "winter-plum-77",
                                   now=NOW)

    db.session.rollback()
    assert db.session.get(Member, member.id).check_password(PASSWORD)


def test_no_code_resets_the_password_of_a_phone_no_member_has(app):
    phone_codes.issue(PHONE, RESET_PASSWORD, ADDRESS, now=NOW)
    row = rows()[0]
    db.session.rollback()

    with pytest.raises(phone_codes.CodeRefused):
        phone_codes.reset_password(PHONE, "000000", "winter-plum-77", now=NOW)
    assert members() == 0 and row.id
