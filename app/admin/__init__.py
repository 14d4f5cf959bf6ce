"""The staff console at /admin: the blueprint and its rules are in console.py, the pages in
one module per area (sign_in, home, audit, account), which `register` imports."""
from flask import Flask, request

from app.web.errors import answer_errors


def register(app: Flask) -> None:
    from . import (  # noqa: F401  (the views on bp)
        account,
        approvals,
        audit,
        budget,
        campaigns,
        catalog,
        catalog_stock,
        counter,
        home,
        kiosks,
        members,
        price_steps,
        reports,
        risk_blocks,
        risk_review,
        risk_rules,
        settings,
        sign_in,
        stores,
    )
    from .console import bp, error_page

    app.register_blueprint(bp)
    answer_errors(app, lambda: request.blueprint == "admin", error_page)
