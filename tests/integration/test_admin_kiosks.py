"""Kiosks in the console: administrators make one at a store and get its enrolment code once,
give it a fresh code and revoke it (the kiosk stops working at its next request); every change
is audited, bad input changes nothing, and clerks are refused."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import audit_log, kiosks, stores
from app.loyalty.models import AuditEntry, Kiosk
from tests.kiosk_support import enrol, make_kiosk
from tests.support import csrf_token


def token(client) -> str:
    return csrf_token(client, "/admin/kiosks")


def entries(action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


def all_kiosks() -> list[Kiosk]:
    db.session.rollback()
    return list(db.session.scalars(select(Kiosk).order_by(Kiosk.id)))


def shown_code(response) -> str:
    match = re.search(r'data-testid="kiosk-code">([A-Z0-9]{8})<', response.get_data(as_text=True))
    assert match, "no enrolment code on the page"
    return match.group(1)


def create(client, name: str = "Entrance", store: str = "SH001"):
    return client.post("/admin/kiosks", data={"name": name, "store": store,
                                              "csrf_token": token(client)})


def test_an_administrator_makes_a_kiosk_and_its_code_enrols_a_screen_once(staff_client, app):
    stores.create_store("SH001", "上海南京西路店")
    admin = staff_client("admin")

    response = create(admin, " 入口 ")

    assert response.status_code == 200
    code = shown_code(response)
    [kiosk] = all_kiosks()
    assert kiosk.name == "入口" and kiosk.store.code == "SH001" and kiosk.enrolled_at is None
    assert code not in admin.get("/admin/kiosks").get_data(as_text=True)  # shown once
    [entry] = entries(audit_log.KIOSK_CREATED)
    assert entry.actor_id == admin.staff.id and entry.subject == f"kiosk {kiosk.id}"
    assert entry.after == {"name": "入口", "store": "SH001"}

    screen = app.test_client()
    assert enrol(screen, code).status_code == 302
    assert screen.get("/kiosk").status_code == 200
    assert enrol(app.test_client(), code).status_code == 422
    page = admin.get("/admin/kiosks").get_data(as_text=True)
    assert f'data-kiosk-id="{kiosk.id}"' in page and "入口" in page and "SH001" in page


@pytest.mark.parametrize("name, store, field", [
    ("", "SH001", "kiosk-name"),
    ("   ", "SH001", "kiosk-name"),
    ("口" * 61, "SH001", "kiosk-name"),
    ("Entr\tance\x1b", "SH001", "kiosk-name"),
    ("Entrance", "", "kiosk-store"),
    ("Entrance", "XX999", "kiosk-store"),
    ("Entrance", "<script>alert(1)</script>", "kiosk-store"),
    ("Entrance", "S" * 5000, "kiosk-store"),
])
def test_a_bad_kiosk_is_refused_beside_the_field_and_nothing_is_saved(staff_client, name,
                                                                      store, field):
    stores.create_store("SH001", "上海南京西路店")
    admin = staff_client("admin")

    response = create(admin, name, store)

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="{field}-error" data-testid="error-message"' in body
    assert "<script>alert(1)</script>" not in body
    assert all_kiosks() == [] and entries(audit_log.KIOSK_CREATED) == []


def test_a_fresh_code_enrols_the_kiosk_again_and_the_old_screen_stops_working(staff_client,
                                                                              app):
    issued = make_kiosk()
    old_screen = app.test_client()
    assert enrol(old_screen, issued.code).status_code == 302
    admin = staff_client("admin")

    response = admin.post(f"/admin/kiosks/{issued.kiosk.id}/code",
                          data={"csrf_token": token(admin)})
    again = admin.post(f"/admin/kiosks/{issued.kiosk.id}/code",
                       data={"csrf_token": token(admin)})

    assert response.status_code == again.status_code == 200
    assert enrol(app.test_client(), shown_code(response)).status_code == 422  # replaced
    new_screen = app.test_client()
    assert enrol(new_screen, shown_code(again)).status_code == 302
    assert new_screen.get("/kiosk").status_code == 200
    assert old_screen.get("/kiosk").status_code == 403
    assert len(entries(audit_log.KIOSK_CODE_ISSUED)) == 2


def test_a_revoked_kiosk_stops_working_at_once_and_gets_no_new_code(staff_client, app):
    issued = make_kiosk()
    screen = app.test_client()
    assert enrol(screen, issued.code).status_code == 302
    admin = staff_client("admin")

    response = admin.post(f"/admin/kiosks/{issued.kiosk.id}/revoke",
                          data={"csrf_token": token(admin)})
    twice = admin.post(f"/admin/kiosks/{issued.kiosk.id}/revoke",
                       data={"csrf_token": token(admin)})

    assert response.status_code == twice.status_code == 303
    assert screen.get("/kiosk").status_code == 403
    [entry] = entries(audit_log.KIOSK_REVOKED)
    assert entry.actor_id == admin.staff.id and entry.subject == f"kiosk {issued.kiosk.id}"
    refused = admin.post(f"/admin/kiosks/{issued.kiosk.id}/code",
                         data={"csrf_token": token(admin)})
    assert refused.status_code == 409
    assert 'data-testid="kiosk-code"' not in refused.get_data(as_text=True)
    assert entries(audit_log.KIOSK_CODE_ISSUED) == []
    page = admin.get("/admin/kiosks").get_data(as_text=True)
    assert 'data-testid="kiosk-revoke"' not in page


@pytest.mark.parametrize("path", ["/admin/kiosks/999999/code", "/admin/kiosks/999999/revoke",
                                  "/admin/kiosks/-1/revoke", "/admin/kiosks/abc/revoke",
                                  "/admin/kiosks/99999999999999999999999/code"])
def test_an_unknown_kiosk_is_not_found_and_nothing_changes(staff_client, path):
    admin = staff_client("admin")

    response = admin.post(path, data={"csrf_token": token(admin)})

    assert response.status_code == 404
    assert entries(audit_log.KIOSK_REVOKED) == entries(audit_log.KIOSK_CODE_ISSUED) == []


def test_a_write_without_its_csrf_token_changes_nothing(staff_client):
    issued = make_kiosk()
    admin = staff_client("admin")

    assert admin.post(f"/admin/kiosks/{issued.kiosk.id}/revoke").status_code == 400
    assert admin.post("/admin/kiosks", data={"name": "x", "store": "SH001"}).status_code == 400
    assert [k.revoked_at for k in all_kiosks()] == [None]


def test_a_clerk_gets_403_on_the_kiosks_page_and_cannot_revoke(staff_client):
    issued = make_kiosk()
    clerk = staff_client("clerk")

    assert clerk.get("/admin/kiosks").status_code == 403
    response = clerk.post(f"/admin/kiosks/{issued.kiosk.id}/revoke",
                          data={"csrf_token": csrf_token(clerk, "/admin/")})
    assert response.status_code == 403
    assert [k.revoked_at for k in all_kiosks()] == [None]
    assert 'href="/admin/kiosks"' not in clerk.get("/admin/").get_data(as_text=True)


def test_the_consoles_navigation_lists_kiosks_after_the_stores(staff_client):
    page = staff_client("admin").get("/admin/").get_data(as_text=True)

    assert page.index('href="/admin/stores"') < page.index('href="/admin/kiosks"')
    assert kiosks.listing() == []
