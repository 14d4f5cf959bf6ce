"""Error pages in the mall's own style, and domain errors turned into messages."""
from flask import Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.api import problems
from app.extensions import htmx


TITLES = {
    400: _l("Something was wrong with that request"),
    403: _l("You don't have access to this page"),
    404: _l("We could not find that page"),
    405: _l("That action is not allowed here"),
    413: _l("That request was too big"),
    415: _l("That request was not sent the way this page's form sends it"),
    500: _l("Something went wrong on our side"),
}


def register(app: Flask) -> None:
    def page(status: int, message: str | None = None):
        return render_template("errors/error.html", status=status, title=TITLES[status],
                               message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        body, status = page(400, _("This form has expired. Go back, reload the page and try again."))
        # htmx does not swap a 400 in; reloading gives the page a fresh token (or a sign-in).
        return body, status, {"HX-Refresh": "true"} if htmx else {}

    def http_error(error: HTTPException, status: int):
        if problems.is_api_request():
            return problems.from_http(error)
        body, status = page(status)
        return body, status, headers_of(error)

    for status in TITLES:
        app.register_error_handler(status, lambda e, s=status: http_error(e, s))


def headers_of(error: HTTPException) -> list[tuple[str, str]]:
    """The headers the error itself carries (a 405's Allow), but its content type: the page
    is the mall's own HTML."""
    return [(name, value) for name, value in error.get_headers()
            if name.lower() != "content-type"]
