"""The signed-in member as each request reads them: one statement of columns, no model
object, and nothing a page shows goes stale for it after a write in the same request."""
from sqlalchemy import event, inspect

from app.extensions import db
from app.loyalty import accounts
from app.loyalty.models import Member, Tier
from app.loyalty.signed_in import MemberTier, SignedInMember, signed_in
from tests.conftest import PASSWORD, sign_in


def test_the_signed_in_member_names_the_models_own_columns():
    columns = {prop.key for prop in inspect(Member).column_attrs}
    assert set(SignedInMember._fields[:-1]) <= columns
    assert set(MemberTier._fields) == {prop.key for prop in inspect(Tier).column_attrs}
    assert {"pin_hash", "pin_failures"}.isdisjoint(SignedInMember._fields)


def test_member_pages_load_no_member_object_yet_show_the_member(member_client, member):
    loaded = []

    def record(loaded_member, _context):
        loaded.append(loaded_member.id)

    event.listen(Member, "load", record)
    try:
        pages = {url: member_client.get(url) for url in ("/", "/catalog", "/points", "/earn",
                                                         "/profile")}
    finally:
        event.remove(Member, "load", record)

    assert loaded == []
    assert all(page.status_code == 200 for page in pages.values())
    assert member.name in pages["/"].get_data(as_text=True)
    assert member.phone in pages["/profile"].get_data(as_text=True)


def test_a_signed_in_member_holds_their_row_and_tier_as_read(member):
    found = signed_in(member.id, member.session_epoch)

    assert found.id == member.id and found.phone == member.phone
    assert found.tier == MemberTier(*(getattr(member.tier, name) for name in MemberTier._fields))
    assert found.get_id() == member.get_id() and found.is_authenticated
    assert found.check_password(PASSWORD) and not found.check_password(PASSWORD + "x")
    assert not found.frozen


def test_a_session_of_an_earlier_epoch_or_of_no_member_finds_nobody(member):
    assert signed_in(member.id, member.session_epoch + 1) is None
    assert signed_in(member.id + 10_000, 0) is None


def test_a_member_signed_out_everywhere_is_signed_out_of_this_session_too(app, member):
    visitor = app.test_client()
    sign_in(visitor, member.phone)
    assert visitor.get("/").status_code == 200

    accounts.end_sessions(member.id)
    db.session.rollback()

    assert visitor.get("/").status_code == 302
