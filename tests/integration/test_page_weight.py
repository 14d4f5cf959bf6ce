"""What a phone downloads for the home page and the catalog: the page compressed as the
reverse proxy sends it, and every stylesheet, script and picture it names, compressed as the
mall serves them; static files under hashed names kept for a year."""
import gzip
import re
from html.parser import HTMLParser

import pytest

from app.demo.catalog import ITEMS
from tests.conftest import sign_in

KB = 1024
MOST_BYTES = 100 * KB       # the page and all it names, compressed
MOST_SCRIPT_BYTES = 20 * KB
HASHED = re.compile(r"^/static/.+\.[0-9a-f]{12}(\.[a-z0-9]+)?$")
YEAR = "max-age=31536000, public, immutable"


class Referenced(HTMLParser):
    """The files a page makes a browser fetch: stylesheets, icons, scripts and pictures.
    A picture counts at its `src` (an uploaded one's middle width, more than a phone's
    `srcset` choice of a card's width)."""

    def __init__(self):
        super().__init__()
        self.scripts: set[str] = set()
        self.others: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.add(attrs["src"])
        elif tag == "link" and attrs.get("rel") in ("stylesheet", "icon"):
            self.others.add(attrs["href"])
        elif tag == "img" and attrs.get("src"):
            self.others.add(attrs["src"])


def referenced(client, page: str) -> tuple[bytes, Referenced]:
    """A page's body, and the files it names."""
    response = client.get(page)
    assert response.status_code == 200
    found = Referenced()
    found.feed(response.get_data(as_text=True))
    return response.data, found


def served_size(client, url: str) -> int:
    """Bytes on the wire for a file as a browser accepting gzip fetches it."""
    with client.get(url, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.status_code == 200, url
        return len(response.data)


def fetched(client, url: str, encoding: str = "identity"):
    """A file's response, read whole and closed."""
    with client.get(url, headers={"Accept-Encoding": encoding}) as response:
        response.get_data()
        return response


@pytest.fixture
def phone(client, make_member, make_item):
    """A member's client, with the demo catalog's items and their pictures."""
    for spec in ITEMS:
        make_item(name=spec["name"], name_en=spec["name_en"], points_price=spec["points_price"],
                  cash_fen=spec["cash_fen"], image=spec["image"], stock=None)
    member = make_member(points=20_000)
    assert sign_in(client, member.phone).status_code == 302
    return client


@pytest.mark.parametrize("page", ["/", "/catalog"])
def test_a_page_and_all_it_names_weigh_at_most_100_kb_compressed_with_20_kb_of_script(
        phone, page):
    body, found = referenced(phone, page)

    script = sum(served_size(phone, url) for url in found.scripts)
    total = (len(gzip.compress(body, 6)) + script
             + sum(served_size(phone, url) for url in found.others))

    assert found.scripts and len(found.others) > 2
    assert script <= MOST_SCRIPT_BYTES
    assert total <= MOST_BYTES


def test_pages_name_static_files_by_their_content_and_each_is_kept_a_year(phone):
    _, found = referenced(phone, "/catalog")
    static = {url for url in found.scripts | found.others if url.startswith("/static/")}

    assert static and all(HASHED.match(url) for url in static)
    for url in static:
        with phone.get(url, headers={"Accept-Encoding": "gzip"}) as response:
            assert response.headers["Cache-Control"] == YEAR
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "Set-Cookie" not in response.headers


def test_a_static_file_comes_compressed_to_a_browser_that_accepts_it_and_whole_otherwise(
        client):
    _, found = referenced(client, "/login")
    url = next(url for url in found.others if url.endswith(".css"))

    plain, squeezed, smallest = (fetched(client, url, encoding)
                                 for encoding in ("identity", "gzip", "gzip, br"))

    assert "Content-Encoding" not in plain.headers
    assert squeezed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(squeezed.data) == plain.data
    assert smallest.headers["Content-Encoding"] == "br"
    assert len(smallest.data) < len(squeezed.data) < len(plain.data)
    assert "Accept-Encoding" in plain.headers["Vary"]


def test_a_static_name_with_a_wrong_hash_is_no_file_and_the_plain_name_still_is(client):
    assert fetched(client, "/static/css/mall.000000000000.css").status_code == 404
    assert fetched(client, "/static/css/mall.css").status_code == 200
