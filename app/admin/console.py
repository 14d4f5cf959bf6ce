"""The staff console at /admin: its blueprint, who may open which page, and the staff
session.

Every view is for administrators unless it says otherwise:

    @bp.get("/example")
    @for_roles(ADMIN, CLERK)
    def example(): ...

`@public` marks the few pages for staff who have not signed in yet (the sign-in itself).
The blueprint's before_request loads the signed-in staff into `g.staff` and turns away
everyone else: signed out -> /admin/login?next=..., a clerk on an administrator's page ->
403. The staff session lives beside a member's in the cookie under keys of its own
(`staff_id`, `staff_epoch`, `staff_seen`), so neither ever acts as the other.

A new page adds a line to NAV (shown to the roles it names) and its module to the import
in `register(app)` (app/admin/__init__.py).
"""
import time
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.loyalty import staff as staff_accounts
from app.loyalty.models import ADMIN, CLERK, Staff
from app.web.errors import TITLES
from app.web.redirects import local_path

bp = Blueprint("admin", __name__, url_prefix="/admin")

STAFF_KEYS = ("staff_id", "staff_epoch", "staff_seen", "staff_pending", "staff_enrol_secret")


def for_roles(*roles: str):
    """Open a view to these roles (the default is administrators only)."""

    def mark(view):
        view.staff_roles = frozenset(roles)
        return view

    return mark


def public(view):
    """A console page for staff who have not signed in (the sign-in pages)."""
    view.staff_public = True
    return view


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: object            # a lazy gettext string
    roles: frozenset


ADMINS, EVERYONE = frozenset({ADMIN}), frozenset({ADMIN, CLERK})
# The console's navigation, in order: a page that exists adds its line here.
NAV = (
    NavLink("admin.home", _l("Overview"), EVERYONE),
    NavLink("admin.counter_page", _l("Counter"), EVERYONE),
    NavLink("admin.members_page", _l("Members"), EVERYONE),
    NavLink("admin.approvals", _l("Approvals"), ADMINS),
    NavLink("admin.items", _l("Catalog"), ADMINS),
    NavLink("admin.reports", _l("Reports"), ADMINS),
    NavLink("admin.campaigns", _l("Campaigns"), ADMINS),
    NavLink("admin.program_settings", _l("Program settings"), ADMINS),
    NavLink("admin.tiers", _l("Tiers"), ADMINS),
    NavLink("admin.stores", _l("Stores and till keys"), ADMINS),
    NavLink("admin.kiosks", _l("Kiosks"), ADMINS),
    NavLink("admin.audit_log", _l("Audit log"), ADMINS),
    NavLink("admin.account", _l("Two-step sign-in"), EVERYONE),
    NavLink("admin.budget_page", _l("Cost budget"), ADMINS),
    NavLink("admin.risk_queue", _l("Review queue"), ADMINS),
    NavLink("admin.risk_rules", _l("Risk rules"), ADMINS),
    NavLink("admin.risk_blocklist", _l("Block list"), ADMINS),
)


def start_staff_session(staff: Staff) -> None:
    """Signed in: the staff keys of the cookie, and nothing of a sign-in half done."""
    end_staff_session()
    session["staff_id"], session["staff_epoch"] = staff.id, staff.session_epoch
    session["staff_seen"] = int(time.time())


def end_staff_session() -> None:
    for key in STAFF_KEYS:
        session.pop(key, None)


def address() -> str:
    return request.remote_addr or ""


def _current_staff() -> Staff | None:
    """The staff of this session: signed in, active, same epoch, not idle too long."""
    if "staff_id" not in session:
        return None
    now, seen = int(time.time()), session.get("staff_seen", 0)
    idle_limit = current_app.config["STAFF_IDLE_MINUTES"] * 60
    staff = None
    if isinstance(seen, int) and now - seen <= idle_limit:
        staff = staff_accounts.active_in_session(session.get("staff_id"),
                                                 session.get("staff_epoch"))
    if staff is None:
        end_staff_session()
        flash(_("Your console session has ended. Please sign in again."), "info")
        return None
    session["staff_seen"] = now
    return staff


@bp.before_request
def admit_staff():
    view = current_app.view_functions.get(request.endpoint)
    g.staff = _current_staff()
    if getattr(view, "staff_public", False):
        return None
    if g.staff is None:
        here = request.full_path if request.query_string else request.path
        return redirect(url_for("admin.login", next=here))
    if g.staff.role not in getattr(view, "staff_roles", ADMINS):
        abort(403)
    return None


@bp.after_request
def never_cached(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def console_context():
    if request.blueprint != "admin":
        return {}
    staff = g.get("staff")
    links = [link for link in NAV if staff is not None and staff.role in link.roles]
    return {"staff": staff, "nav_links": links}


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a console page named by `next`, else the start page."""
    target = local_path(target)
    if target and (target == "/admin" or target.startswith("/admin/")):
        return target
    return url_for("admin.home")


def error_page(error):
    """An HTTP error under /admin, in the console's layout."""
    status = getattr(error, "code", 500) or 500
    title = TITLES.get(status, TITLES[500])
    return render_template("admin/error.html", status=status, title=title), status
