"""The unit of work: a write transaction begins afresh over a read, and refuses to begin
over changes nobody committed instead of throwing them away."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import accounts
from app.loyalty.models import Category, LedgerEntry, Member
from app.loyalty.transaction import UncommittedChanges, lock_member, write_transaction


def categories() -> int:
    return db.session.scalar(select(func.count()).select_from(Category))


def test_a_write_transaction_refuses_to_begin_over_an_added_object_and_keeps_it(app):
    category = Category(slug="tea", name="茶", name_en="Tea")
    db.session.add(category)

    with pytest.raises(UncommittedChanges, match="new Category"):
        with write_transaction():
            pass

    assert category in db.session.new
    db.session.commit()
    assert categories() == 1


def test_a_write_transaction_refuses_to_begin_over_an_added_object_already_flushed(app):
    db.session.add(Category(slug="tea", name="茶", name_en="Tea"))
    db.session.flush()

    with pytest.raises(UncommittedChanges, match="new Category"):
        with write_transaction():
            pass

    assert categories() == 1  # still there, in the caller's transaction


def test_a_write_transaction_refuses_to_begin_over_a_changed_row_and_names_it(make_member):
    member = make_member()
    member.name = "改过的名字"

    with pytest.raises(UncommittedChanges, match=f"changed Member {member.id}"):
        with write_transaction():
            pass

    assert member.name == "改过的名字"


def test_a_write_transaction_refuses_to_begin_over_a_deleted_row(make_item):
    item = make_item()
    item_id = item.id
    db.session.delete(item)

    with pytest.raises(UncommittedChanges, match=f"deleted Item {item_id}"):
        with write_transaction():
            pass


def test_a_service_refuses_to_run_over_a_callers_uncommitted_work(make_member):
    member = make_member(points=100)
    db.session.add(Category(slug="tea", name="茶", name_en="Tea"))

    with pytest.raises(UncommittedChanges):
        accounts.award(member.id, 50, "gift")

    db.session.rollback()
    assert db.session.get(Member, member.id).points_balance == 100


def test_a_write_transaction_begins_over_a_read_and_commits_its_writes(make_member):
    member = make_member(points=100)
    db.session.rollback()
    db.session.scalars(select(LedgerEntry)).all()  # a read transaction is open
    assert db.session().in_transaction()

    with write_transaction():
        lock_member(member.id).name = "新名字"

    db.session.rollback()
    assert db.session.get(Member, member.id).name == "新名字"


def test_setting_a_value_it_already_has_is_no_change(make_member):
    member = make_member()
    member.name = member.name

    with write_transaction():
        pass


@pytest.mark.parametrize("ending", ["commit", "rollback"])
def test_changes_committed_or_rolled_back_are_no_longer_pending(app, ending):
    db.session.add(Category(slug="tea", name="茶", name_en="Tea"))
    db.session.flush()
    getattr(db.session, ending)()

    with write_transaction():
        pass

    assert categories() == (1 if ending == "commit" else 0)


def test_a_failed_write_transaction_leaves_nothing_pending(make_member):
    member = make_member()

    with pytest.raises(ZeroDivisionError):
        with write_transaction():
            lock_member(member.id).name = "不会保存"
            db.session.flush()
            raise ZeroDivisionError("the write fails after its flush")

    with write_transaction():
        pass
    assert db.session.get(Member, member.id).name == "测试会员"
