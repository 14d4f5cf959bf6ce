"""Flask-Login's view of members."""
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.loyalty.models import Member


def setup(login_manager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see your points.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_member(member_id: str) -> Member | None:
        return db.session.get(Member, int(member_id)) if member_id.isdigit() else None
