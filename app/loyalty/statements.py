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

A read of columns rather than objects goes through `read`: on the session's connection, after
the session's pending changes are flushed as its own execute would flush them, but without
the ORM's work around each statement (about half the cost of a small read).
"""
from functools import cache

from sqlalchemy import bindparam, insert, inspect, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db

built_once = cache


def page_values(member_id: int, page: int, per_page: int) -> dict:
    """The values of a statement reading one page of a member's rows (`size`, `skip`): one
    row more than the page, to tell whether another follows."""
    return {"member_id": member_id, "size": per_page + 1, "skip": (page - 1) * per_page}


def read(statement, values: dict | None = None):
    """Run a statement that reads columns (not model objects) and give its result: the
    session's pending changes are flushed first, as the session's own execute would, and the
    statement then runs on the transaction's connection, past the ORM's per-statement work.
    Objects are read with the session's `execute`, which puts them in the identity map."""
    db.session.flush()   # nothing to do, and nearly free, when nothing is pending
    return db.session.connection().execute(statement, values)


@built_once
def _insert_returning_id(model: type):
    table = model.__table__
    return insert(table).returning(table.c.id)


@built_once
def _known_when_missing(model: type) -> tuple[tuple[str, object], ...]:
    """What a model's columns hold after an insert that does not name them, where that is
    known without reading the row back: a fixed default's value, or NULL for a nullable
    column with no default of either kind."""
    known = []
    for prop in inspect(model).column_attrs:
        column = prop.columns[0]
        if column.primary_key:
            continue
        if column.default is not None:
            if column.default.is_scalar and isinstance(column.default.arg, (int, str, bool)):
                known.append((prop.key, column.default.arg))
        elif column.server_default is None and column.nullable:
            known.append((prop.key, None))
    return tuple(known)


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
    expires it. A column it was not given holds its fixed default or NULL, as written; one
    with a computed default is read back on first use."""
    given = row.__dict__
    for attribute, value in _known_when_missing(type(row)):
        given.setdefault(attribute, value)
    insert_row(row)
    make_transient_to_detached(row)
    db.session.add(row)
    return row


def as_written(row) -> dict:
    """The column values a row the session holds has now, to hold it with after the commit
    (`hold_as_written`); taken last thing in the transaction, when nothing more will change."""
    given = row.__dict__
    return {attribute: given[attribute] for attribute, _column in _columns(type(row))
            if attribute in given} | {"id": row.id}


def hold_as_written(row, written: dict) -> None:
    """After the commit that wrote them: the row holds `written` as though read again, rather
    than being read again on first use (the commit expires every object in the session)."""
    for attribute, value in written.items():
        set_committed_value(row, attribute, value)


@built_once
def _update_by_id(model: type, columns: tuple[str, ...]):
    table = model.__table__
    return (update(table).where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(name) for name in columns}))


def update_attached(row, **values) -> None:
    """Write columns of a row the session holds, at once, with one built UPDATE by its id,
    and hold the values on the object as written rather than pending for a flush (whose
    unit of work costs more than the update). Attributes are named as their columns."""
    db.session.connection().execute(_update_by_id(type(row), tuple(sorted(values))),
                                    {"row_id": row.id, **values})
    for attribute, value in values.items():
        set_committed_value(row, attribute, value)
