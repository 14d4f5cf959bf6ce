"""Requests no page can mean: refused with a 400 before any view or query sees them."""
from flask import Flask, abort, request


def register(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        # No field or address of the mall holds a NUL; PostgreSQL cannot even store one, so
        # letting it through would turn a hostile address into a server error.
        values = [request.path, *request.args.values()]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += request.form.values()
        if any("\x00" in value for value in values):
            abort(400)
