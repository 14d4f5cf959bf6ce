"""Flask-Login's view of members."""
from flask_babel import lazy_gettext as _l

from app.loyalty.signed_in import SignedInMember, signed_in


def setup(login_manager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see your points.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_member(session_id: str) -> SignedInMember | None:
        """The member of a session, unless they signed out (or changed their password)
        since it began."""
        member_id, _, epoch = session_id.partition(":")
        if not (member_id.isdigit() and epoch.isdigit()):
            return None
        return signed_in(int(member_id), int(epoch))
