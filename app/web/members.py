"""Flask-Login's view of members."""
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, inspect, select

from app.extensions import db
from app.loyalty.models import Member
from app.loyalty.statements import built_once


@built_once
def _member():
    """The member with `member_id`, their tier joined. Not flushed first, like `Session.get`:
    nothing is pending when a request begins."""
    return (select(Member).where(Member.id == bindparam("member_id"))
            .execution_options(autoflush=False))


def signed_in_id() -> int:
    """The signed-in member's id, from the session's identity map rather than the member's
    row: a commit in the request expires the row, and reading any column of it, the id too,
    would read the whole row again."""
    return member_id_of(current_user._get_current_object())


def member_id_of(member: Member) -> int:
    """signed_in_id() for the signed-in member already in hand (`current_user` resolved)."""
    return inspect(member).identity[0]


def setup(login_manager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see your points.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_member(session_id: str) -> Member | None:
        """The member of a session, unless they signed out (or changed their password)
        since it began."""
        member_id, _, epoch = session_id.partition(":")
        if not (member_id.isdigit() and epoch.isdigit()):
            return None
        member = db.session.scalars(_member(), {"member_id": int(member_id)}).one_or_none()
        return member if member and member.session_epoch == int(epoch) else None
