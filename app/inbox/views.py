"""The inbox: a member's notices, newest first; reading one marks it read."""
from flask import Blueprint, Flask, abort, g, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.loyalty import inbox
from app.loyalty.errors import NotFound
from app.web.redirects import local_path
from .forms import MarkAllReadForm

bp = Blueprint("inbox", __name__)


@bp.get("/inbox")
@login_required
def notices():
    return render_template("inbox/inbox.html", notices=inbox.notices(current_user.id),
                           form=MarkAllReadForm())


@bp.get("/inbox/<int:notice_id>")
@login_required
def notice(notice_id: int):
    found = _read(notice_id)
    return render_template("inbox/notice.html", notice=found, link=local_path(found.link))


@bp.get("/inbox/<int:notice_id>/go")
@login_required
def follow(notice_id: int):
    """The notice's link, in one tap from the list: read it and go where it points."""
    found = _read(notice_id)
    return redirect(local_path(found.link) or url_for("inbox.notice", notice_id=found.id))


@bp.post("/inbox/read")
@login_required
def read_all():
    if not MarkAllReadForm().validate():
        abort(400)
    inbox.mark_all_read(current_user.id)
    return redirect(url_for("inbox.notices"))


def _read(notice_id: int):
    try:
        return inbox.mark_read(current_user.id, notice_id)
    except NotFound:
        abort(404)


def unread_notices() -> int:
    """The signed-in member's unread count for the header bell, read once per request."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notices" not in g:
        g.unread_notices = inbox.unread_count(current_user.id)
    return g.unread_notices


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["unread_notices"] = unread_notices
