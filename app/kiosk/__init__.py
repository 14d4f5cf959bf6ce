"""Store kiosks at /kiosk: the blueprint and the device check are in blueprint.py, the
member's kiosk session in session.py, the pages in one module per area, which `register`
imports."""
from flask import Flask, request

from app.web.errors import answer_errors


def register(app: Flask) -> None:
    from . import member, pin, views  # noqa: F401  (the views on bp)
    from .blueprint import bp, error_page

    app.register_blueprint(bp)
    answer_errors(app, lambda: request.blueprint == "kiosk", error_page)
