"""Stores and till keys in the console: administrators add stores, issue a key (shown in full
once, kept only as a hash) and revoke one (the API refuses it at once); every change is
audited, and `flask stores` sees the same stores and keys."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import audit_log, stores
from app.loyalty.models import ApiKey, Store
from tests.integration.api_support import Api, purchase_body
from tests.integration.route_support import audits
from tests.support import csrf_token


def token(client) -> str:
    return csrf_token(client, "/admin/stores")


def store_codes() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(Store.code).order_by(Store.code)))


def issue(client, code: str = "SH001"):
    return client.post(f"/admin/stores/{code}/keys", data={"csrf_token": token(client)})


def shown_key(response) -> str:
    match = re.search(r'data-testid="till-key">(pm_live_[a-z0-9]{8}_[A-Za-z0-9]{40})<',
                      response.get_data(as_text=True))
    assert match, "no key on the page"
    return match.group(1)


def test_an_administrator_adds_a_store_and_it_is_audited(staff_client):
    admin = staff_client("admin")

    response = admin.post("/admin/stores", data={"code": "HZ001", "name": " 杭州湖滨银泰店 ",
                                                  "csrf_token": token(admin)})

    assert response.status_code == 303
    assert store_codes() == ["HZ001"]
    [entry] = audits(audit_log.STORE_CHANGE)
    assert entry.actor_id == admin.staff.id and entry.subject == "store HZ001"
    assert entry.after == {"code": "HZ001", "name": "杭州湖滨银泰店"}
    page = admin.get("/admin/stores").get_data(as_text=True)
    assert 'data-store-code="HZ001"' in page and "杭州湖滨银泰店" in page


@pytest.mark.parametrize("code, name, field", [
    ("", "门店", "store-code"),
    ("SH 001", "门店", "store-code"),
    ("S" * 21, "门店", "store-code"),
    ("<b>x</b>", "门店", "store-code"),
    ("SH009", "", "name"),
    ("SH009", "   ", "name"),
    ("SH009", "店" * 81, "name"),
    ("SH001", "又一家", "store-code"),   # taken
])
def test_a_bad_store_is_refused_beside_the_field_and_nothing_is_saved(staff_client, code,
                                                                      name, field):
    stores.create_store("SH001", "上海南京西路店")
    admin = staff_client("admin")
    before = audits(audit_log.STORE_CHANGE)

    response = admin.post("/admin/stores", data={"code": code, "name": name,
                                                  "csrf_token": token(admin)})

    assert response.status_code == 422
    assert f'id="{field}-error" data-testid="error-message"' in response.get_data(as_text=True)
    assert store_codes() == ["SH001"] and audits(audit_log.STORE_CHANGE) == before


def test_a_till_key_is_shown_in_full_once_and_then_only_by_its_prefix(staff_client):
    stores.create_store("SH001", "上海南京西路店")
    admin = staff_client("admin")

    response = issue(admin)

    assert response.status_code == 200
    key = shown_key(response)
    prefix = key.split("_")[2]
    db.session.rollback()
    row = db.session.scalars(select(ApiKey)).one()
    assert row.prefix == prefix and row.key_hash == stores.key_hash(key) != key
    later = admin.get("/admin/stores").get_data(as_text=True)
    assert key not in later and key.split("_")[3] not in later
    assert f'data-prefix="{prefix}"' in later
    assert stores.authenticate(key).code == "SH001"
    [entry] = audits(audit_log.TILL_KEY_ISSUED)
    assert entry.actor_id == admin.staff.id and entry.after == {"prefix": prefix}
    assert key.split("_")[3] not in str(entry.after) + entry.subject


def test_a_key_revoked_in_the_console_is_refused_by_the_api_at_once(app, staff_client,
                                                                    make_member):
    stores.create_store("SH001", "上海南京西路店")
    admin = staff_client("admin")
    key = shown_key(issue(admin))
    member = make_member()
    api = Api(app.test_client(), key)
    assert api.post("/purchases", purchase_body(member)).status_code == 201
    prefix = key.split("_")[2]

    response = admin.post(f"/admin/stores/keys/{prefix}/revoke",
                          data={"csrf_token": token(admin)})

    assert response.status_code == 303
    assert api.post("/purchases", purchase_body(member)).status_code == 401
    [entry] = audits(audit_log.TILL_KEY_REVOKED)
    assert entry.actor_id == admin.staff.id and entry.after["prefix"] == prefix
    assert entry.before["revoked_at"] is None and entry.after["revoked_at"]
    page = admin.get("/admin/stores").get_data(as_text=True)
    assert 'data-testid="till-key-revoke"' not in page


def test_revoking_a_key_twice_changes_nothing_more(staff_client):
    stores.create_store("SH001", "上海南京西路店")
    key = stores.create_key("SH001")
    prefix = key.split("_")[2]
    admin = staff_client("admin")
    admin.post(f"/admin/stores/keys/{prefix}/revoke", data={"csrf_token": token(admin)})
    db.session.rollback()
    revoked_at = db.session.scalars(select(ApiKey.revoked_at)).one()

    again = admin.post(f"/admin/stores/keys/{prefix}/revoke", data={"csrf_token": token(admin)})

    assert again.status_code == 303
    db.session.rollback()
    assert db.session.scalars(select(ApiKey.revoked_at)).one() == revoked_at
    assert len(audits(audit_log.TILL_KEY_REVOKED)) == 1


@pytest.mark.parametrize("path", ["/admin/stores/NOPE/keys", "/admin/stores/keys/00000000/revoke",
                                  "/admin/stores/keys/%3Cscript%3E/revoke"])
def test_an_unknown_store_or_key_is_404_and_changes_nothing(staff_client, path):
    stores.create_store("SH001", "上海南京西路店")
    admin = staff_client("admin")
    assert admin.post(path, data={"csrf_token": token(admin)}).status_code == 404
    db.session.rollback()
    assert db.session.scalars(select(ApiKey)).all() == []
    assert audits(audit_log.TILL_KEY_ISSUED) == audits(audit_log.TILL_KEY_REVOKED) == []


def test_store_writes_without_a_csrf_token_are_refused(staff_client):
    stores.create_store("SH001", "上海南京西路店")
    key = stores.create_key("SH001")
    admin = staff_client("admin")
    assert admin.post("/admin/stores", data={"code": "HZ001", "name": "杭州"}).status_code == 400
    assert admin.post("/admin/stores/SH001/keys").status_code == 400
    assert admin.post(f"/admin/stores/keys/{key.split('_')[2]}/revoke").status_code == 400
    assert store_codes() == ["SH001"] and stores.authenticate(key) is not None
    assert len(db.session.scalars(select(ApiKey)).all()) == 1


def test_a_clerk_gets_403_on_the_stores_page_and_its_writes(staff_client):
    clerk = staff_client("clerk")   # works at SH001
    key = stores.create_key("SH001")
    csrf = csrf_token(clerk, "/admin/")
    assert clerk.get("/admin/stores").status_code == 403
    assert clerk.post("/admin/stores", data={"code": "HZ001", "name": "杭州",
                                             "csrf_token": csrf}).status_code == 403
    assert clerk.post("/admin/stores/SH001/keys", data={"csrf_token": csrf}).status_code == 403
    assert clerk.post(f"/admin/stores/keys/{key.split('_')[2]}/revoke",
                      data={"csrf_token": csrf}).status_code == 403
    assert store_codes() == ["SH001"] and stores.authenticate(key) is not None


def test_the_console_and_flask_stores_see_the_same_stores_and_keys(app, staff_client):
    admin = staff_client("admin")
    runner = app.test_cli_runner()
    admin.post("/admin/stores", data={"code": "HZ001", "name": "杭州湖滨银泰店",
                                      "csrf_token": token(admin)})
    console_key = shown_key(issue(admin, "HZ001"))
    assert runner.invoke(args=["stores", "create", "SH001", "上海南京西路店"]).exit_code == 0
    cli_key = runner.invoke(args=["stores", "key", "create", "SH001"]).output.split()[0]

    listed = runner.invoke(args=["stores", "list"]).output
    page = admin.get("/admin/stores").get_data(as_text=True)

    assert "HZ001\t杭州湖滨银泰店" in listed and f"key {console_key.split('_')[2]}" in listed
    assert 'data-store-code="SH001"' in page and f'data-prefix="{cli_key.split("_")[2]}"' in page
    issued = audits(audit_log.TILL_KEY_ISSUED)   # the command line is no one
    assert [(e.actor_id, e.after["prefix"]) for e in issued] == [
        (admin.staff.id, console_key.split("_")[2])]
