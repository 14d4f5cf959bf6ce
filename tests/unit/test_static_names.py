"""Static files are named by their content: the hash goes before the last extension."""
import hashlib

import pytest

from app.web.static_files import hashed_name

DIGEST = hashlib.sha256(b"body").hexdigest()[:12]


@pytest.mark.parametrize("name, hashed", [
    ("css/mall.css", f"css/mall.{DIGEST}.css"),
    ("js/htmx-2.0.11.min.js", f"js/htmx-2.0.11.min.{DIGEST}.js"),
    ("img/catalog/latte.svg", f"img/catalog/latte.{DIGEST}.svg"),
    ("LICENSE", f"LICENSE.{DIGEST}"),
    (".hidden", f".hidden.{DIGEST}"),
])
def test_a_static_name_takes_the_hash_of_its_content_before_its_extension(name, hashed):
    assert hashed_name(name, b"body") == hashed


def test_another_content_gives_another_name():
    assert hashed_name("css/mall.css", b"body") != hashed_name("css/mall.css", b"body 2")
