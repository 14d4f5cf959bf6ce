"""Pages that show items' prices read the current ones: the price steps due by now are
written first (one indexed statement asks whether any is, when none is)."""
from functools import wraps

from app.loyalty import price_steps


def current_prices(view):
    """The view shows items' prices, or redeems at one: due price steps are written first."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        price_steps.bring_up_to_date()
        return view(*args, **kwargs)

    return wrapped
