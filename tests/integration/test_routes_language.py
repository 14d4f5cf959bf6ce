"""Switching the language: English on request, Chinese by default, never off the site."""
import re

import pytest

from tests.conftest import sign_in
from tests.integration.route_support import text
from tests.support import csrf_token


def html_lang(client, url: str = "/rules") -> str:
    return re.search(r'<html lang="([^"]+)"', text(client.get(url))).group(1)


def switch(client, code: str, next_path: str | None = "/rules"):
    data = {"csrf_token": csrf_token(client)}
    if next_path is not None:
        data["next"] = next_path
    return client.post(f"/lang/{code}", data=data)


def test_the_mall_is_in_chinese_by_default(client):
    assert html_lang(client) == "zh-CN"
    page = text(client.get("/rules"))
    assert "积分规则" in page and "Program rules" not in page


def test_switching_to_english_changes_the_page_language(client):
    response = switch(client, "en")

    assert response.status_code == 302
    assert response.headers["Location"] == "/rules"
    assert html_lang(client) == "en"
    assert "Program rules" in text(client.get("/rules"))


def test_switching_back_to_chinese(client):
    switch(client, "en")

    switch(client, "zh_CN")

    assert html_lang(client) == "zh-CN"
    assert "积分规则" in text(client.get("/rules"))


def test_an_unknown_language_is_ignored(client):
    switch(client, "en")

    response = switch(client, "fr")

    assert response.status_code == 302
    assert html_lang(client) == "en"


def test_the_language_survives_signing_in(client, member):
    switch(client, "en")

    sign_in(client, member.phone)

    assert html_lang(client, "/") == "en"


def test_switching_keeps_a_local_next_with_its_query(client):
    response = switch(client, "en", "/catalog?sort=-points")

    assert response.headers["Location"] == "/catalog?sort=-points"


@pytest.mark.parametrize("target", ["//evil.com", "http://evil.com", "https://evil.com/x",
                                    "/\\evil.com", "/\t/evil.com", "/\n/evil.com", "evil.com",
                                    "", None])
def test_switching_never_sends_the_visitor_off_the_site(client, target):
    response = switch(client, "en", target)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_switching_without_a_csrf_token_is_refused(client):
    response = client.post("/lang/en", data={"next": "/rules"})

    assert response.status_code == 400
    assert html_lang(client) == "zh-CN"


def test_switching_with_get_is_not_allowed(client):
    assert client.get("/lang/en").status_code == 405
