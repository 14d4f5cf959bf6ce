"""What every page's layout needs: the signed-in member's wallet for the header."""
from flask import Flask, g
from flask_login import current_user

from app.loyalty import reads
from app.loyalty.models import utcnow
from app.loyalty.program import running_program


def current_wallet() -> reads.Wallet | None:
    """The signed-in member's wallet, read once per request."""
    if not current_user.is_authenticated:
        return None
    if "wallet" not in g:
        g.wallet = reads.wallet(current_user, utcnow(), running_program())
    return g.wallet


def register(app: Flask) -> None:
    @app.context_processor
    def layout_context():
        return {"wallet": current_wallet(), "program": running_program(),
                "mall_name": app.config["MALL_NAME"]}
