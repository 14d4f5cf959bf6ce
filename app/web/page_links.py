"""Links a page writes once per item (a catalog of 24 cards writes 72): each route's URL is
built through url_for once per request, with a stand-in id (or file name), and the id filled
in after. A static file's URL depends only on the app, the request's script root and the
file's name (url_for names its hashed copy), so it is built once for the process."""
import re

from flask import Flask, current_app, request, url_for

from .routing import ID_MAX

STAND_IN = str(ID_MAX)   # an id url_for accepts, written nowhere else in a URL
STAND_IN_NAME = "page-link-stand-in"   # a file name, likewise
PLAIN_NAME = re.compile(r"[A-Za-z0-9_.-]+")   # a name a URL writes as it is
KEPT_ROOTS, KEPT_NAMES = 8, 4096   # bounds on the static URLs kept for the process


class PageLinks:
    """One request's links by route and id, and its static files' URLs by name."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._static: dict[str, str] | None = None   # found at the first static file

    def to(self, endpoint: str, item_id: int, key: str = "item_id") -> str:
        """url_for(endpoint, **{key: item_id}), built once for the request."""
        parts = self.around(endpoint, key)
        if parts is None:
            return url_for(endpoint, **{key: item_id})
        return f"{parts[0]}{int(item_id)}{parts[1]}"

    def around(self, endpoint: str, key: str = "item_id") -> tuple[str, str] | None:
        """The URL of url_for(endpoint, **{key: id}) before and after the id, found once for
        the request, for a page that writes the link of many ids: f"{head}{id}{tail}" is
        `to(endpoint, id)`. None when the URL cannot be cut around its id (then use `to`)."""
        return self._parts(endpoint, key, int(STAND_IN), STAND_IN)

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
        """url_for('static', filename=filename), built once for the process (for the app and
        script root this request has)."""
        kept = self._static
        if kept is None:
            kept = self._static = _static_urls()
        url = kept.get(filename)
        if url is None:
            url = url_for("static", filename=filename)
            if len(kept) < KEPT_NAMES:
                kept[filename] = url
        return url


def _static_urls() -> dict[str, str]:
    """The app's static URLs for this request's script root (the request's own past the
    bound on script roots)."""
    by_root = current_app.extensions["page_links_static"]
    root = request.script_root
    urls = by_root.get(root)
    if urls is None:
        urls = by_root.setdefault(root, {}) if len(by_root) < KEPT_ROOTS else {}
    return urls


def page_links() -> PageLinks:
    """This request's links (kept on the request, so never shared by two; the static
    files' URLs are the app's, for the request's script root)."""
    links = getattr(request, "mall_page_links", None)
    if links is None:
        links = request.mall_page_links = PageLinks()
    return links


def register(app: Flask) -> None:
    app.extensions["page_links_static"] = {}
    app.jinja_env.globals["page_links"] = page_links
