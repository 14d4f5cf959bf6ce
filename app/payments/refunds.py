"""Sending refunds to the payment provider this mall is set up with, after the
transaction that wrote them has committed."""
import logging
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from app.loyalty import cash
from .providers import provider

log = logging.getLogger(__name__)


def send_pending(now: datetime | None = None, limit: int = cash.BATCH) -> int:
    """Send every refund now due; returns how many the provider confirmed."""
    return cash.send_refunds(provider(), now, limit=limit)


def send_for(order_id: int) -> None:
    """Send an order's new refunds at once, so the member sees them done. A failure here
    leaves them to the `refund` job; it never undoes what was committed before."""
    try:
        cash.send_refunds(provider(), order_id=order_id)
    except SQLAlchemyError:
        log.exception("refunds of order %s left to the refund job", order_id)
