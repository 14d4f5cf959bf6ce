"""Links a page writes once per item (a catalog of 24 cards writes 72): each route's URL is
built through url_for once per request, with a stand-in id (or file name), and the id filled
in after."""
import re

from flask import Flask, request, url_for

from .routing import ID_MAX

STAND_IN = str(ID_MAX)   # an id url_for accepts, written nowhere else in a URL
STAND_IN_NAME = "page-link-stand-in"   # a file name, likewise
PLAIN_NAME = re.compile(r"[A-Za-z0-9_.-]+")   # a name a URL writes as it is


class PageLinks:
    """One request's links by route and id, and its static files' URLs by name."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._static: dict[str, str] = {}

    def to(self, endpoint: str, item_id: int, key: str = "item_id") -> str:
        """url_for(endpoint, **{key: item_id}), built once for the request."""
        parts = self._parts(endpoint, key, int(STAND_IN), STAND_IN)
        if parts is None:
            return url_for(endpoint, **{key: item_id})
        return f"{parts[0]}{int(item_id)}{parts[1]}"

    def named(self, endpoint: str, name: str, key: str = "name") -> str:
        """url_for(endpoint, **{key: name}), built once for the request for names of letters,
        digits, '.', '-' and '_' (an uploaded image's files)."""
        parts = self._parts(endpoint, key, STAND_IN_NAME, STAND_IN_NAME)
        if parts is None or not PLAIN_NAME.fullmatch(name):
            return url_for(endpoint, **{key: name})
        return f"{parts[0]}{name}{parts[1]}"

    def _parts(self, endpoint: str, key: str, value, stand_in: str) -> tuple[str, str] | None:
        """The URL of the route around its value, or None if it cannot be cut around it."""
        parts = self._routes.get((endpoint, key), False)
        if parts is False:
            head, found, tail = url_for(endpoint, **{key: value}).partition(stand_in)
            parts = (head, tail) if found and stand_in not in tail and "?" not in head else None
            self._routes[(endpoint, key)] = parts
        return parts

    def static(self, filename: str) -> str:
        """url_for('static', filename=filename), built once for the request."""
        url = self._static.get(filename)
        if url is None:
            url = self._static[filename] = url_for("static", filename=filename)
        return url


def page_links() -> PageLinks:
    """This request's links (kept on the request, so never shared by two)."""
    links = getattr(request, "mall_page_links", None)
    if links is None:
        links = request.mall_page_links = PageLinks()
    return links


def register(app: Flask) -> None:
    app.jinja_env.globals["page_links"] = page_links
