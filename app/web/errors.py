"""Error pages in the mall's own style, and the statuses refusals are answered with."""
from collections.abc import Callable

from flask import Flask, Response, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import htmx
from app.loyalty.errors import DomainError

OTHER_ANSWERS = "error_answers"   # app.extensions: (applies, answer) pairs features add


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
        body, status = page(
            400, _("This form has expired. Go back, reload the page and try again."))
        # htmx does not swap a 400 in; reloading gives the page a fresh token (or a sign-in).
        return body, status, {"HX-Refresh": "true"} if htmx else {}

    def http_error(error: HTTPException, status: int):
        for applies, answer in app.extensions.get(OTHER_ANSWERS, ()):
            if applies():
                return answer(error)
        body, status = page(status)
        return body, status, headers_of(error)

    for status in TITLES:
        app.register_error_handler(status, lambda e, s=status: http_error(e, s))


def answer_errors(app: Flask, applies: Callable[[], bool],
                  answer: Callable[[HTTPException], Response]) -> None:
    """Requests for which `applies()` holds get `answer(error)` for an HTTP error instead of
    the mall's page (the API answers in JSON, even for a URL it has no route for)."""
    app.extensions.setdefault(OTHER_ANSWERS, []).append((applies, answer))


# A refusal of what the member entered is 422; one of what the program's state allows, 409.
REFUSAL_STATUS = {
    "invalid_quantity": 422, "invalid_phone": 422, "wrong_password": 422, "same_phone": 422,
    "birthday_locked": 422, "unknown_referral": 422, "code_refused": 422, "details_needed": 422,
    "invalid_campaign": 422, "invalid_store": 422, "unknown_member": 422,
    "idempotency_key_reused": 422, "payment_rejected": 400, "not_found": 404, "too_soon": 429,
}


def refusal_status(error: DomainError) -> int:
    """The HTTP status a page or a provider's notification answers a refusal with."""
    return REFUSAL_STATUS.get(error.code, 409)


def headers_of(error: HTTPException) -> list[tuple[str, str]]:
    """The headers the error itself carries (a 405's Allow), but its content type: the page
    is the mall's own HTML."""
    return [(name, value) for name, value in error.get_headers()
            if name.lower() != "content-type"]
