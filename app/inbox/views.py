"""The inbox: a member's notices, newest first. Reading a page changes nothing; a notice is
marked read by a POST (sent by htmx as soon as the notice opens, or by its button)."""
from flask import Blueprint, Flask, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.loyalty import inbox
from app.loyalty.errors import NotFound
from app.web.fragments import wants_fragment
from app.web.layout import current_wallet, forget_wallet
from app.web.paging import page_number
from app.web.redirects import local_path
from .forms import MarkAllReadForm, NoticeForm

bp = Blueprint("inbox", __name__)


@bp.get("/inbox")
@login_required
def notices():
    page = page_number()
    rows, more = inbox.notices(current_user.id, page)
    return render_template("inbox/inbox.html", notices=rows, page=page, more=more,
                           form=MarkAllReadForm(), notice_form=NoticeForm())


@bp.get("/inbox/<int:notice_id>")
@login_required
def notice(notice_id: int):
    found = inbox.notice(current_user.id, notice_id)
    if found is None:
        abort(404)
    return render_template("inbox/notice.html", notice=found, link=local_path(found.link),
                           form=NoticeForm())


@bp.post("/inbox/<int:notice_id>/read")
@login_required
def read(notice_id: int):
    """Mark a notice read: htmx gets the header bell out of band, a form goes back to it."""
    _read(notice_id)
    if wants_fragment():
        return render_template("inbox/_read.html")
    return redirect(url_for("inbox.notice", notice_id=notice_id), 303)


@bp.post("/inbox/<int:notice_id>/go")
@login_required
def follow(notice_id: int):
    """The notice's link, in one tap: mark it read and go where it points (on this site)."""
    found = _read(notice_id)
    return redirect(local_path(found.link) or url_for("inbox.notice", notice_id=found.id), 303)


@bp.post("/inbox/read")
@login_required
def read_all():
    if not MarkAllReadForm().validate():
        abort(400)
    inbox.mark_all_read(current_user.id)
    return redirect(url_for("inbox.notices"))


def _read(notice_id: int):
    """Mark one of the member's own notices read, after the CSRF check; else 400 or 404."""
    if not NoticeForm().validate():
        abort(400)
    try:
        found = inbox.mark_read(current_user.id, notice_id)
    except NotFound:
        abort(404)
    forget_wallet()   # the bell counts one fewer
    return found


def unread_notices() -> int:
    """The signed-in member's unread count for the header bell, read with the header's
    wallet once per request."""
    wallet = current_wallet()
    return 0 if wallet is None else wallet.unread_notices


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["unread_notices"] = unread_notices
