"""Requests no page can mean: refused before any view, CSRF check or query sees them.

The mall's pages are HTML forms, and a browser's form sends `application/x-www-form-urlencoded`.
A write to a page in any other shape (JSON, multipart, text, XML, a body without a content
type) is refused with 415: the forms would read it in ways they were never written for.
Routes whose callers are machines with rules of their own (the tills' JSON API, a payment
provider's notification) say so with `own_body_rules`; a form that takes files says so with
`takes_uploads`. A NUL character is refused with 400 wherever it comes: address, form, JSON.
"""
import re

from flask import Flask, Request, abort, current_app, request

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A body that is not a form is read whole to look for a NUL: none of the mall's routes takes
# one this big, so a bigger one is refused (413) rather than read.
MAX_OTHER_BODY = 1024 * 1024
# A NUL written as a JSON escape: \u0000 preceded by an even number of backslashes
# (an odd number makes the first of them part of an escaped backslash, `\\u0000`).
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def own_body_rules(target):
    """Mark a view or a blueprint whose callers are not browsers' forms: it reads and refuses
    its own bodies (the NUL guard still applies)."""
    target.own_body_rules = True
    return target


def takes_uploads(view):
    """Mark a form view that takes files: multipart bodies are accepted there too."""
    view.takes_uploads = True
    return view


def register(app: Flask) -> None:
    """Install the guards. Called before CSRFProtect binds, so they run before its check."""
    app.before_request(refuse_requests_no_page_means)


def refuse_requests_no_page_means():
    """Both guards, from one hook: a body no form sends, then a NUL character."""
    refuse_bodies_forms_do_not_send()
    refuse_nul_characters()


def refuse_bodies_forms_do_not_send():
    asked = request._get_current_object()
    if asked.method not in WRITES or asked.endpoint is None:
        return  # reads, and addresses routing refuses anyway (404, 405)
    view = current_app.view_functions.get(asked.endpoint)
    blueprint = current_app.blueprints.get(asked.blueprint or "")
    if getattr(view, "own_body_rules", False) or getattr(blueprint, "own_body_rules", False):
        return
    if asked.mimetype == FORM or (asked.mimetype == "" and not _has_body(asked)):
        return
    if asked.mimetype == MULTIPART and getattr(view, "takes_uploads", False):
        return
    abort(415)


def refuse_nul_characters():
    # No field or address of the mall holds a NUL; PostgreSQL cannot even store one, so
    # letting it through would turn a hostile request into a server error, or worse.
    asked = request._get_current_object()
    if "\x00" in asked.path or _any_nul(asked.args):
        abort(400)
    if asked.mimetype in (FORM, MULTIPART):
        if _any_nul(asked.form) or any("\x00" in (f.filename or "") or "\x00" in name
                                      for name, f in asked.files.items(multi=True)):
            abort(400)
    elif _has_body(asked):
        asked.max_content_length = min(asked.max_content_length or MAX_OTHER_BODY,
                                       MAX_OTHER_BODY)
        body = asked.get_data(cache=True)
        if b"\x00" in body or JSON_NUL.search(body):
            abort(400)


def _any_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def _has_body(asked: Request) -> bool:
    return bool(asked.content_length) or "chunked" in asked.headers.get(
        "Transfer-Encoding", "").lower()

