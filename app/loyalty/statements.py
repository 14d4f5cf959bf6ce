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
"""
from functools import cache

built_once = cache


def page_values(member_id: int, page: int, per_page: int) -> dict:
    """The values of a statement reading one page of a member's rows (`size`, `skip`): one
    row more than the page, to tell whether another follows."""
    return {"member_id": member_id, "size": per_page + 1, "skip": (page - 1) * per_page}
