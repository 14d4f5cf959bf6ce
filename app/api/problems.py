"""Errors as JSON problem responses (RFC 9457) for every /api/ path."""
from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from app.loyalty.errors import DomainError
from app.web.errors import answer_errors

PROBLEM_JSON = "application/problem+json"

DOMAIN_STATUS = {   # the rest are 409: the request was right, the state refuses it
    "unknown_member": 422, "idempotency_key_reused": 422, "not_found": 404,
}
DOMAIN_TITLES = {
    "unknown_member": "Unknown member",
    "refund_exceeds_purchase": "Refund exceeds the purchase",
    "not_found": "Not found",
    "idempotency_key_reused": "Idempotency-Key already used for another request",
    "risk_blocked": "Refused by risk control",
}
DOMAIN_DETAILS = {
    "unknown_member": "No member has this phone number or member number.",
    "refund_exceeds_purchase": "Refunds would add up to more than the purchase's amount.",
    "not_found": "Nothing with this reference is visible to your store.",
    "idempotency_key_reused": "This Idempotency-Key was first sent with a different request; "
                              "use a new key for a new request.",
    "risk_blocked": "The member's phone is on the block list, or a rule that blocks was "
                    "tripped; ask the store's manager.",
}


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def problem(status: int, title: str, detail: str, code: str | None = None,
            errors: dict[str, str] | None = None, headers: dict | None = None) -> Response:
    body = {"type": f"urn:points-mall:problem:{code}" if code else "about:blank",
            "title": title, "status": status, "detail": detail}
    if code:
        body["code"] = code
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers.update(headers or {})
    return response


def from_http(error: HTTPException) -> Response:
    """A werkzeug HTTP error as a problem; 405 keeps its Allow header."""
    status = error.code or 500
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    detail = error.description if status < 500 else "Something went wrong on our side."
    return problem(status, error.name, detail, headers=headers)


def from_domain(error: DomainError) -> Response:
    errors = None
    if error.code == "unknown_member":
        errors = {error.details.get("field", "member"): "no member with this value"}
    detail = DOMAIN_DETAILS.get(error.code, "The request was refused.")
    if error.code == "refund_exceeds_purchase":
        detail += f" At most {error.details['refundable_fen']} fen can still be refunded."
    return problem(DOMAIN_STATUS.get(error.code, 409), DOMAIN_TITLES.get(error.code, "Refused"),
                   detail,
                   code=error.code, errors=errors)


def register(bp) -> None:
    """JSON problems for errors raised while the API handles a request, and, once the
    blueprint is on an app, for errors under /api that no API view handles (a URL without
    a route, a method a route does not take) instead of the mall's pages."""
    bp.register_error_handler(HTTPException, from_http)
    bp.register_error_handler(429, from_http)  # before the mall's own 429 page
    bp.register_error_handler(DomainError, from_domain)
    bp.record_once(lambda state: answer_errors(state.app, is_api_request, from_http))
