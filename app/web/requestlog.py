"""One structured log line per request, tied together by a request id that the response
also carries, so an operator can find what happened to a member's request."""
import json
import logging
import re
import time
import uuid

from flask import Flask, g, request
from flask_login import current_user

from .request_babel import request_globals

log = logging.getLogger("mall.requests")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
PHONE = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")
# One encoder for every line: `json.dumps` with any option builds a new one for each call.
LINE = json.JSONEncoder(ensure_ascii=False)


def mask_phones(text: str) -> str:
    """Mainland mobile numbers with the middle four digits hidden: 138****8000."""
    return PHONE.sub(r"\1****\2", text)


def event(name: str, **fields) -> None:
    """One JSON line about something a request did, tied to it by the request id."""
    log.info(LINE.encode({"request_id": g.get("request_id"), "event": name, **fields}))


def to_standard_error(logger: logging.Logger) -> None:
    """One JSON or text line per record on standard error, whatever else logging does."""
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    logger.disabled = False  # Alembic's logging.config.fileConfig switches other loggers off


def register(app: Flask) -> None:
    app.jinja_env.filters["masked"] = mask_phones
    to_standard_error(log)


def start() -> None:
    """Give the request its id and note when it started."""
    given = request.headers.get("X-Request-Id", "")
    kept = request_globals()
    # An id from the proxy in front is kept, so both logs tell the same story.
    kept.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    kept.request_started = time.perf_counter()


def finish(response):
    """The request id on the response, and the request's line in the log."""
    kept, asked = request_globals(), request._get_current_object()
    response.headers["X-Request-Id"] = kept.get("request_id", "")
    if asked.endpoint != "static":
        member = current_user._get_current_object()
        log.info(LINE.encode({
            "request_id": kept.get("request_id"),
            "method": asked.method,
            "path": mask_phones(asked.path),
            "status": response.status_code,
            "ms": round((time.perf_counter() - kept.get("request_started",
                                                        time.perf_counter())) * 1000, 1),
            "member": member.id if member.is_authenticated else None,
            "ip": asked.remote_addr,
        }))
    return response
