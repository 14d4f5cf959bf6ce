"""Statements built once per process, their values bound at each call.

Building a SQLAlchemy statement from Python expressions, and the key it is cached under,
costs far more than running it: a member page's dozen reads spent most of their time there.
A statement that reads the same shape every time is therefore written once, with a
`bindparam` for every value that changes, and run with those values:

    @built_once
    def _unread():
        return select(func.count()).where(Notice.member_id == bindparam("member_id"), ...)

    db.session.scalar(_unread(), {"member_id": member_id})

Built on first use rather than at import, when the mappers are configured. A statement whose
shape depends on its arguments (optional filters) is built once per shape: pass the shape
as the built function's argument.

A row written once and never changed afterwards (a ledger entry, a risk signal) goes in the
same way, with `insert_row`: one built INSERT instead of the session's flush, which costs more
than the insert itself. A new row that the transaction goes on using (an order whose code is
taken next, or which is changed later) goes in with `insert_attached`, and stays in the
session as though it had been read.
"""
from functools import cache

from sqlalchemy import insert, inspect
from sqlalchemy.orm import make_transient_to_detached

from app.extensions import db

built_once = cache


def page_values(member_id: int, page: int, per_page: int) -> dict:
    """The values of a statement reading one page of a member's rows (`size`, `skip`): one
    row more than the page, to tell whether another follows."""
    return {"member_id": member_id, "size": per_page + 1, "skip": (page - 1) * per_page}


@built_once
def _insert_returning_id(model: type):
    table = model.__table__
    return insert(table).returning(table.c.id)


@built_once
def _always_null(model: type) -> tuple[str, ...]:
    """The attributes of a model's nullable columns with no default of either kind: NULL
    whenever an insert does not name them."""
    return tuple(prop.key for prop in inspect(model).column_attrs
                 if (column := prop.columns[0]).nullable and not column.primary_key
                 and column.default is None and column.server_default is None)


@built_once
def _columns(model: type) -> tuple[tuple[str, str], ...]:
    """A model's (attribute, column) names, the primary key left out."""
    return tuple((prop.key, prop.columns[0].key) for prop in inspect(model).column_attrs
                 if not prop.columns[0].primary_key)


def insert_row(row):
    """Insert a new row that is written once and not changed afterwards, given as a model
    object, with one built statement and without the session's unit of work (whose flush
    costs more than the insert itself); the object gets its id and stays out of the session.
    The values set on it are written, the columns' defaults for those that are not."""
    given = row.__dict__
    values = {column: given[attribute] for attribute, column in _columns(type(row))
              if attribute in given}
    row.id = db.session.connection().execute(_insert_returning_id(type(row)),
                                             values).scalar_one()
    return row


def insert_attached(row):
    """As `insert_row`, and the object then joins the session as though it had been read:
    a change to it is flushed as an update, its relationships load, the session's rollback
    expires it. The columns it was not given are NULL on it when they have no default, and
    are read back on first use when they have one."""
    given = row.__dict__
    for attribute in _always_null(type(row)):
        given.setdefault(attribute, None)
    insert_row(row)
    make_transient_to_detached(row)
    db.session.add(row)
    return row
