"""Signing in and out, and what a signed-out visitor may open."""
import pytest

from tests.conftest import PASSWORD, sign_in
from tests.integration.route_support import by_testid, english, text
from tests.support import csrf_token

MEMBER_PAGES = ["/", "/catalog", "/catalog/1", "/catalog/1/redeem", "/orders",
                "/orders/ABCDEFGHJK", "/orders/ABCDEFGHJK/pickup.svg", "/points",
                "/pay/sandbox/ABCDEFGHJK"]


def signed_in(client) -> bool:
    """Whether the client's session opens the home page."""
    return client.get("/").status_code == 200


def test_the_sign_in_page_opens(client):
    response = client.get("/login")

    assert response.status_code == 200
    assert 'name="phone"' in text(response) and 'name="password"' in text(response)


def test_signing_in_with_the_right_password_goes_home(client, member):
    response = sign_in(client, member.phone)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in(client)


def test_a_signed_in_member_who_opens_the_sign_in_page_goes_home(member_client):
    response = member_client.get("/login")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_wrong_password_is_refused_with_a_message(client, member):
    english(client)
    response = sign_in(client, member.phone, "not-the-password")

    assert response.status_code == 422
    assert by_testid(text(response), "error-message") == ["Phone number or password is incorrect."]
    assert not signed_in(client)


def test_a_wrong_password_and_an_unknown_phone_get_the_same_message(client, member):
    wrong_password = sign_in(client, member.phone, "not-the-password")
    unknown_phone = sign_in(client, "13700000000", PASSWORD)

    assert wrong_password.status_code == unknown_phone.status_code == 422
    assert by_testid(text(wrong_password), "error-message") == \
        by_testid(text(unknown_phone), "error-message")
    assert len(by_testid(text(unknown_phone), "error-message")) == 1
    assert not signed_in(client)


@pytest.mark.parametrize("phone", ["1390000abcd", "1390000000", "", "1" * 500, "139 0000 0000",
                                   "+8613900000000", "139０0000000", "١٣٩٠٠٠٠٠٠٠٠",
                                   "13900000000\n"],
                         ids=["letters", "ten-digits", "empty", "500-chars", "spaces",
                              "country-code", "full-width-digit", "arabic-indic-digits",
                              "line-break"])
def test_a_malformed_phone_is_refused_with_a_message(client, member, phone):
    english(client)
    response = sign_in(client, phone)

    assert response.status_code == 422
    messages = by_testid(text(response), "error-message")
    assert messages and all(messages)
    assert "Phone number or password is incorrect." not in messages
    assert not signed_in(client)


def test_an_empty_password_is_refused_with_a_message(client, member):
    english(client)
    response = sign_in(client, member.phone, "")

    assert response.status_code == 422
    assert by_testid(text(response), "error-message") == ["Enter your password."]
    assert not signed_in(client)


def test_signing_in_without_a_csrf_token_is_refused(client, member):
    response = client.post("/login", data={"phone": member.phone, "password": PASSWORD})

    assert response.status_code in (400, 422)
    assert not signed_in(client)


def test_signing_in_follows_a_local_next_path(client, member):
    response = client.post("/login?next=/orders", data={
        "phone": member.phone, "password": PASSWORD, "csrf_token": csrf_token(client)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/orders"


def test_a_member_sent_to_sign_in_comes_back_to_the_page_they_wanted(client, member):
    bounced = client.get("/points")
    login_url = bounced.headers["Location"]
    response = client.post(login_url, data={
        "phone": member.phone, "password": PASSWORD, "csrf_token": csrf_token(client)})

    assert response.headers["Location"] == "/points"


@pytest.mark.parametrize("target", ["//evil.com", "http://evil.com", "https://evil.com/x",
                                    "/\\evil.com", "/\t/evil.com", "evil.com",
                                    "javascript:alert(1)"])
def test_signing_in_ignores_a_next_that_leaves_the_mall(client, member, target):
    response = client.post("/login", query_string={"next": target}, data={
        "phone": member.phone, "password": PASSWORD, "csrf_token": csrf_token(client)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_signing_out_ends_the_session(member_client):
    response = member_client.post("/logout", data={"csrf_token": csrf_token(member_client)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    home = member_client.get("/")
    assert home.status_code == 302
    assert home.headers["Location"].startswith("/login")


def test_signing_out_with_get_is_not_allowed(member_client):
    response = member_client.get("/logout")

    assert response.status_code == 405
    assert signed_in(member_client)


def test_signing_out_without_a_csrf_token_keeps_the_member_signed_in(member_client):
    response = member_client.post("/logout")

    assert response.status_code == 400
    assert signed_in(member_client)


@pytest.mark.parametrize("url", MEMBER_PAGES)
def test_a_signed_out_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_rules_are_public(client):
    response = client.get("/rules")

    assert response.status_code == 200
    assert 'class="table"' in text(response)
