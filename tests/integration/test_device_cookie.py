"""The device cookie: set on a first visit, signed and HttpOnly; a forged one is replaced."""
from flask import g

from app.loyalty.risk import signals
from app.web import devices


def _device_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("device="))


def test_a_first_visit_gets_a_signed_http_only_device_cookie(client):
    cookie = _device_cookie(client.get("/rules"))

    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age" in cookie
    assert not any(h.startswith("device=")
                   for h in client.get("/rules").headers.getlist("Set-Cookie"))


def test_a_forged_device_cookie_is_ignored_and_replaced(client):
    client.set_cookie("device", "forged-value")

    assert "forged-value" not in _device_cookie(client.get("/rules"))


def test_a_forged_device_cookie_is_replaced_however_often_it_comes(client):
    for _ in range(3):
        client.set_cookie("device", "forged.value")
        assert "forged.value" not in _device_cookie(client.get("/rules"))


def test_a_device_cookie_names_the_same_device_on_every_visit(app, client):
    client.get("/rules")
    cookie = client.get_cookie("device").value

    for _ in range(2):
        with app.test_request_context("/rules", headers={"Cookie": f"device={cookie}"}):
            assert devices.device_id() == devices._serializer_for(app.secret_key).loads(cookie)
            assert not g.get("device_new")


def test_the_api_sets_no_device_cookie(client):
    response = client.get("/api/v1/openapi.json")

    assert not any(h.startswith("device=") for h in response.headers.getlist("Set-Cookie"))
    assert signals.NOWHERE.device is None
