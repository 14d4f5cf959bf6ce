"""Kiosks for tests: one made at a store and enrolled in a test client, and member card
codes issued as the phone would."""
from sqlalchemy import select

from app.extensions import db
from app.loyalty import card_tokens, kiosks, stores
from app.loyalty.models import Store
from tests.support import csrf_token


def make_kiosk(store_code: str = "SH001", name: str = "Entrance") -> kiosks.Issued:
    """A kiosk at the store (made if missing) and its enrolment code."""
    if db.session.scalar(select(Store.id).where(Store.code == store_code)) is None:
        stores.create_store(store_code, "测试门店")
    return kiosks.create(name, store_code)


def enrol(client, code: str):
    return client.post("/kiosk/enrol", data={"code": code,
                                             "csrf_token": csrf_token(client, "/kiosk/enrol")})


def enrolled(client, store_code: str = "SH001", name: str = "Entrance"):
    """The client, enrolled as a new kiosk of the store; and the kiosk's id."""
    issued = make_kiosk(store_code, name)
    assert enrol(client, issued.code).status_code == 302
    return client, issued.kiosk.id


def card_code(member_id: int) -> str:
    return card_tokens.issue(member_id).code


def scan(client, code: str):
    return client.post("/kiosk/scan", data={"code": code,
                                            "csrf_token": csrf_token(client, "/kiosk/enrol")})
