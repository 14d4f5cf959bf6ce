"""Requests carrying a NUL character, and writes to pages in a shape no form sends, are
refused before they reach a view or a query."""
import io
import json

import pytest
from flask import request

from app.extensions import db
from app.loyalty.models import ApiRequest, Purchase
from app.web.guards import takes_uploads
from tests.conftest import PASSWORD, fresh, own_app
from tests.integration.api_support import count, new_store, purchase_body
from tests.integration.route_support import english
from tests.integration.test_security import wrong_password
from tests.support import csrf_token


@pytest.mark.parametrize("path", ["/orders/%00", "/orders/AB%00CD/pickup.svg", "/points?page=%00",
                                  "/catalog?category=%00", "/catalog/1%00"])
def test_an_address_with_a_nul_character_is_refused(member_client, path):
    response = member_client.get(path)

    assert response.status_code in (400, 404)
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_form_with_a_nul_character_is_refused_and_signs_no_one_in(client, member):
    response = client.post("/login", data={"phone": member.phone + "\x00", "password": "x",
                                           "csrf_token": csrf_token(client)})

    assert response.status_code == 400
    assert client.get("/").status_code == 302  # still signed out


# Pages take the bodies their forms send, and nothing else ---------------------------------

def test_a_json_sign_in_without_a_csrf_token_gets_415_before_the_token_is_checked(client,
                                                                                  member):
    response = client.post("/login", json={"phone": member.phone, "password": PASSWORD})

    assert response.status_code == 415
    assert "Traceback" not in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_json_sign_in_is_refused_while_the_phone_is_locked_and_after(client, member):
    for _ in range(5):
        assert wrong_password(client, member.phone).status_code == 422
    assert wrong_password(client, member.phone).status_code == 429

    response = client.post("/login", environ_base={"REMOTE_ADDR": "203.0.113.5"},
                           json={"phone": member.phone, "password": PASSWORD,
                                 "csrf_token": csrf_token(client)})

    assert response.status_code == 415
    assert client.get("/").status_code == 302


def test_the_refusal_is_a_page_in_the_malls_style(client):
    english(client)

    response = client.post("/login", data="<phone>1</phone>", content_type="application/xml")

    assert response.status_code == 415 and response.mimetype == "text/html"
    assert "not sent the way this page's form sends it" in response.get_data(as_text=True)


def test_a_write_with_no_body_and_no_content_type_still_works(member_client):
    response = member_client.post("/logout", headers={"X-CSRFToken": csrf_token(member_client)})

    assert response.status_code == 302
    assert member_client.get("/").status_code == 302


def test_a_nul_in_a_json_name_is_refused_and_never_stored(member_client, member):
    response = member_client.post("/profile", data='{"name": "Li\\u0000Lei"}',
                                  content_type="application/json",
                                  headers={"X-CSRFToken": csrf_token(member_client)})

    assert response.status_code == 415
    assert fresh(member).name == "测试会员"


def test_a_nul_escaped_in_json_reaches_no_api_route(client, member):
    _, key = new_store()
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "k-1"}
    for body in ('{"reference": "A\\u0000B"}', '{"reference": "A\\\\\\u0000B"}',
                 '{"reference": "A\x00B"}'):
        response = client.post("/api/v1/purchases", data=body, headers=headers,
                               content_type="application/json")

        assert response.status_code == 400, body
        assert response.mimetype == "application/problem+json"
    assert count(Purchase) == 0 and count(ApiRequest) == 0


def test_an_escaped_backslash_before_u0000_is_no_nul(client, member):
    _, key = new_store()
    body = json.dumps(purchase_body(member, reference="A\\u0000B"))
    assert "\\\\u0000" in body

    response = client.post("/api/v1/purchases", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "k-2"})

    assert response.status_code == 422  # the API's own rule for references, not the guard


def test_a_nul_in_an_uploaded_file_name_is_refused(upload_app):
    client = upload_app.test_client()

    response = client.post("/upload", data={"csrf_token": csrf_token(client),
                                            "image": (io.BytesIO(b"\x89PNG\x00"), "a\x00.png")},
                           content_type="multipart/form-data")

    assert response.status_code == 400


@pytest.fixture
def upload_app(database):
    """An app of its own with two forms: one that declares it takes files, one that does
    not."""
    app = own_app(database)

    def upload():
        return {"files": len(request.files)}

    app.add_url_rule("/upload", "upload", takes_uploads(upload), methods=["POST"])
    app.add_url_rule("/no-upload", "no_upload", lambda: "", methods=["POST"])
    yield app
    with app.app_context():
        db.engine.dispose()


def test_only_a_form_that_declares_it_takes_files_accepts_multipart(upload_app):
    client = upload_app.test_client()

    def send(path):
        return client.post(path, data={"csrf_token": csrf_token(client),
                                       "image": (io.BytesIO(b"\x89PNG\x00\x01"), "a.png")},
                           content_type="multipart/form-data")

    assert send("/upload").get_json() == {"files": 1}  # a NUL inside a file is its content
    assert send("/no-upload").status_code == 415
