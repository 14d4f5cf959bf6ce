"""One staff decision on one thing of a list (an adjustment waiting, a review case, an entry
of the block list), as every console page that decides says it: done goes back to the list,
a thing that does not exist is not found, and one the core refuses stays on the page with
its reason."""
from collections.abc import Callable

from flask import abort, flash, redirect, url_for

from app.loyalty.errors import DomainError, NotFound
from app.web.messages import describe


def decide(act: Callable[[], object], *, done: str, page: Callable, back: str,
           forbidden: tuple[type[DomainError], ...] = ()):
    """Run `act`; then the list at `back` with `done` shown (303), 404 for a thing that does
    not exist, 403 for a refusal in `forbidden`, or `page()` with the refusal's words (409)."""
    try:
        act()
    except NotFound:
        abort(404)
    except forbidden:
        abort(403)
    except DomainError as error:
        flash(describe(error), "error")
        return page(), 409
    flash(done, "success")
    return redirect(url_for(back), 303)
