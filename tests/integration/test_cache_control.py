"""A response that sets a cookie is never kept by a cache, signed in or not: a shared cache
must not hand one visitor's session to the next."""
import pytest

from tests.conftest import sign_in
from tests.support import csrf_token


def _kept_out_of_caches(response) -> bool:
    directives = {d.strip().split("=")[0] for d in
                  response.headers.get("Cache-Control", "").lower().split(",")}
    return "no-store" in directives or {"private", "no-cache"} <= directives


@pytest.mark.parametrize("path", ["/login", "/join", "/rules", "/no-such-page"])
def test_an_anonymous_page_that_starts_a_session_is_not_kept_by_caches(client, path):
    response = client.get(path)

    assert "Set-Cookie" in response.headers, f"{path} set no cookie: nothing to check"
    assert _kept_out_of_caches(response), (path, response.headers.get("Cache-Control"))


def test_switching_the_language_sets_a_cookie_that_no_cache_keeps(client):
    response = client.post("/lang/en", data={"csrf_token": csrf_token(client), "next": "/rules"})

    assert response.status_code == 302 and "Set-Cookie" in response.headers
    assert _kept_out_of_caches(response)


def test_a_failed_sign_in_that_sets_a_cookie_is_not_kept_by_caches(client):
    response = client.post("/login", data={"phone": "13900000000", "password": "wrong-guess",
                                           "csrf_token": csrf_token(client)})

    assert response.status_code == 422
    assert "Set-Cookie" not in response.headers or _kept_out_of_caches(response)


def test_signing_in_with_keep_me_signed_in_sets_cookies_no_cache_keeps(client, member):
    response = client.post("/login", data={"phone": member.phone, "password": "correct-horse-42",
                                           "remember": "y", "csrf_token": csrf_token(client)})

    assert response.status_code == 302
    assert len(response.headers.getlist("Set-Cookie")) >= 2  # the session and remember-me
    assert _kept_out_of_caches(response)


def test_signing_out_clears_the_cookie_with_an_answer_no_cache_keeps(client, member):
    assert sign_in(client, member.phone).status_code == 302
    response = client.post("/logout", data={"csrf_token": csrf_token(client)})

    assert "Set-Cookie" in response.headers and _kept_out_of_caches(response)


def test_a_static_file_that_sets_no_cookie_stays_cacheable(client):
    with client.get("/static/css/mall.css") as response:
        assert response.status_code == 200 and "Set-Cookie" not in response.headers
        assert "no-store" not in response.headers.get("Cache-Control", "")
