"""The page of a long list a request asks for (`?page=N`), read one way on every page."""
from flask import request

LAST_PAGE = 99_999


def page_number() -> int:
    """The `page` argument: 1 unless it is plain ASCII digits from 1 to LAST_PAGE."""
    page = request.args.get("page", "1")
    # isdigit() alone accepts "²", which int() refuses: a page number is plain ASCII digits.
    if page.isascii() and page.isdigit() and 0 < int(page) <= LAST_PAGE:
        return int(page)
    return 1
