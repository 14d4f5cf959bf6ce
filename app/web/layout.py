"""What every page's layout needs: the signed-in member's wallet for the header."""
from flask import Flask, g
from flask_login import current_user

from app.loyalty import reads
from app.loyalty.models import utcnow
from app.loyalty.program import running_program


def current_wallet(*, never_expiring: bool = False) -> reads.Wallet | None:
    """The signed-in member's wallet, read once per request (with the points that never
    expire, for a page that shows them: ask before the page renders)."""
    if not current_user.is_authenticated:
        return None
    found = g.get("wallet")
    if found is None or (never_expiring and found.never_expiring is None):
        g.wallet = reads.wallet(current_user, utcnow(), running_program(),
                                never_expiring=never_expiring)
    return g.wallet


def register(app: Flask) -> None:
    @app.context_processor
    def layout_context():
        return {"wallet": current_wallet(), "program": running_program(),
                "mall_name": app.config["MALL_NAME"]}
