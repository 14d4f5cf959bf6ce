"""One URL, a page or the fragment htmx swaps in: which one a request gets."""
from app.extensions import htmx


def wants_fragment() -> bool:
    """True when htmx asks for a part of a page to swap in. A boosted link and a restore of
    history (the back button when htmx's history cache has no copy of the page) replace the
    whole body, so they get the whole page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request
