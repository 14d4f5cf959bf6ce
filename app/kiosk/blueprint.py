"""The kiosk blueprint: every page is no-store, and only an enrolled, unrevoked kiosk opens
any page but the enrolment (`@kiosk_required`)."""
from functools import wraps

from flask import Blueprint, render_template
from flask_babel import gettext as _

from app.web.errors import TITLES
from .session import current_kiosk, end_member_session

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")


def kiosk_required(view):
    """The view opens only on an enrolled kiosk; any other browser gets the "this page is for
    store kiosks" page (403), and a member session of a kiosk since revoked ends."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_kiosk() is None:
            end_member_session()
            return render_template("kiosk/not_kiosk.html"), 403
        return view(*args, **kwargs)

    return wrapped


@bp.after_request
def never_stored(response):
    # Nothing of a member may be shown again from a cache or the back button.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(429)
def too_many_codes(error):
    retry = getattr(error, "retry_after", None)
    body = render_template("kiosk/error.html", status=429, title=_("Too many tries"),
                           message=_("Too many codes were tried on this kiosk. Please wait a "
                                     "minute and try again."))
    return body, 429, {"Retry-After": str(retry)} if retry else {}


def error_page(error):
    """An HTTP error under /kiosk, in the kiosk's layout."""
    status = getattr(error, "code", 500) or 500
    title = TITLES.get(status, TITLES[500])
    response = render_template("kiosk/error.html", status=status, title=title, message=None)
    return response, status, {"Cache-Control": "no-store"}
