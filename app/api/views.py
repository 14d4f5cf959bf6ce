"""/api/v1: purchases and refunds from the tills, members and purchases for them to read.

Every request carries `Authorization: Bearer <store key>`; every POST an Idempotency-Key.
Views parse, call one service and answer JSON; errors are problem responses (problems.py).
"""
from flask import Blueprint, Response, abort, current_app, g, jsonify, request

from app.extensions import csrf, limiter
from app.loyalty import idempotency, member_numbers, purchases, stores
from app.loyalty.models import utcnow
from app.web import requestlog
from app.web.guards import own_body_rules
from . import problems, validation
from .bodies import member_body, purchase_answer, purchase_body, refund_answer

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer keys, never cookies
own_body_rules(bp)  # JSON bodies, refused here with problems of their own
problems.register(bp)

MAX_BODY = 64 * 1024
PUBLIC = {"api.openapi_json", "api.openapi_yaml"}


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC:
        return None
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    store = stores.authenticate(key.strip()) if scheme.lower() == "bearer" else None
    if store is None:
        return problems.problem(401, "Unauthorized", "Send a valid store API key as "
                                "'Authorization: Bearer <key>'.",
                                headers={"WWW-Authenticate": 'Bearer realm="points-mall"'})
    g.store_id, g.store_code = store.id, store.code
    g.key_prefix = stores.KEY_PATTERN.fullmatch(key.strip()).group(1)
    return None


def _store_key() -> str:
    """What the till limits count by: the API key (a store's tills may each have one)."""
    return f"key:{g.key_prefix}"


@bp.after_request
def log_member_lookup(response: Response) -> Response:
    """One line per look-up of a member by number, answered or refused, with the store and
    the number masked, so a key reading through the membership shows in the log."""
    if request.endpoint == "api.show_member" and "store_code" in g:
        requestlog.event("member_lookup", store=g.store_code, key=g.key_prefix,
                         member_no=member_numbers.masked(request.view_args.get("member_no")),
                         status=response.status_code)
    return response


@bp.errorhandler(validation.Invalid)
def invalid(error: validation.Invalid):
    return problems.problem(422, "Invalid request", "Some fields are missing or wrong.",
                            code="invalid_request", errors=error.errors)


def _json_body() -> dict:
    """The request's JSON object: 415 when it is not JSON, 413 when too big, 400 when broken
    or nested deeper than any request of the API."""
    if not request.is_json:
        abort(415, "Send the body as application/json.")
    request.max_content_length = MAX_BODY
    if request.content_length is not None and request.content_length > MAX_BODY:
        abort(413, f"The body may be at most {MAX_BODY} bytes.")
    if validation.nesting_depth(request.get_data(cache=True)) > validation.max_depth():
        abort(400, f"The body may nest objects and lists at most {validation.max_depth()} deep.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "The body must be a JSON object.")
    return body


def _request_key(body: dict) -> idempotency.RequestKey:
    key = request.headers.get("Idempotency-Key")
    if not validation.is_idempotency_key(key):
        return abort(problems.problem(
            400, "Idempotency-Key required", "Send an Idempotency-Key header of 1 to 64 "
            "printable characters, new for each request and the same for its retries.",
            code="idempotency_key_required",
            errors={"Idempotency-Key": "1 to 64 printable ASCII characters, no spaces"}))
    return idempotency.RequestKey(g.store_id, key, idempotency.fingerprint(
        request.method, request.path, body))


def _answer(answer: idempotency.Answer, replayed: bool) -> Response:
    response = jsonify(answer.body)
    response.status_code = answer.status
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.post("/purchases")
def create_purchase():
    body = _json_body()
    key = _request_key(body)
    data = validation.purchase(body, utcnow())
    return _answer(*purchases.record(g.store_id, data, key=key, answer=purchase_answer))


@bp.post("/purchases/<reference>/refunds")
def create_refund(reference: str):
    body = _json_body()
    key = _request_key(body)
    refund_reference, amount = validation.refund(body)
    return _answer(*purchases.refund(g.store_id, reference, refund_reference, amount, key=key,
                                     answer=refund_answer))


@bp.get("/purchases/<reference>")
def show_purchase(reference: str):
    found = purchases.find(g.store_id, reference)
    return jsonify(purchase_body(found, purchases.member_of(found)))


@bp.get("/members/<member_no>")
@limiter.limit(lambda: current_app.config["MEMBER_LOOKUP_LIMITS"], key_func=_store_key,
               scope="member-lookup",
               error_message="Too many member look-ups with this API key; wait and try again.")
def show_member(member_no: str):
    errors: dict[str, str] = {}
    if validation.member_no(member_no, errors) is None:
        raise validation.Invalid(errors)
    return jsonify(member_body(purchases.member_by_no(member_no)))


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())


@bp.get("/openapi.yaml")
def openapi_yaml():
    return Response(validation.OPENAPI.read_text(encoding="utf-8"), mimetype="application/yaml")


def openapi_document() -> dict:
    """The API's OpenAPI 3.1 description."""
    return validation.document()
