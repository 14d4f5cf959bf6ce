"""Store keys: only a valid, unrevoked key gets in; keys are managed with flask stores."""
import pytest

from app.loyalty import stores
from app.loyalty.models import ApiKey
from tests.integration.api_support import Api, count, new_store, purchase_body, snapshot


@pytest.mark.parametrize("authorization", [
    None,                                   # missing
    "",                                     # empty
    "Basic dXNlcjpwYXNz",                   # another scheme
    "Bearer",                               # no key
    "Bearer not-a-key",                     # malformed
    "Bearer pm_live_0000000a_" + "A" * 40,  # well-formed, unknown
])
def test_a_request_without_a_valid_key_is_refused_and_changes_nothing(client, make_member,
                                                                     authorization):
    new_store()
    member = make_member()
    before = snapshot()
    api = Api(client, None)
    headers = {"Authorization": authorization} if authorization is not None else {}

    response = api.post("/purchases", purchase_body(member), headers=headers)

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert snapshot() == before
    assert api.get(f"/members/{member.member_no}", headers=headers).status_code == 401


def test_a_key_with_the_right_prefix_and_a_wrong_secret_is_refused(client, make_member):
    _, key = new_store()
    member = make_member()
    forged = key[:-1] + ("A" if key[-1] != "A" else "B")

    response = Api(client, forged).post("/purchases", purchase_body(member))

    assert response.status_code == 401 and count(ApiKey) == 1


def test_a_revoked_key_stops_working_at_once(client, make_member):
    _, key = new_store()
    member = make_member()
    api = Api(client, key)
    assert api.post("/purchases", purchase_body(member)).status_code == 201
    before = snapshot()

    stores.revoke_key(key.split("_")[2])
    response = api.post("/purchases", purchase_body(member))

    assert response.status_code == 401 and snapshot() == before


def test_a_key_works_only_for_its_own_store(client, make_member):
    _, sh_key = new_store()
    _, hz_key = new_store("HZ001", "杭州湖滨银泰店")
    member = make_member()

    sh = Api(client, sh_key).post("/purchases", purchase_body(member, reference="R1"))
    hz = Api(client, hz_key).post("/purchases", purchase_body(member, reference="R1"))

    # The same till reference in two stores is two purchases.
    assert sh.get_json()["store"] == "SH001" and hz.get_json()["store"] == "HZ001"
    assert sh.status_code == hz.status_code == 201


def test_flask_stores_creates_a_store_prints_a_key_once_lists_and_revokes_it(app, client,
                                                                            make_member):
    runner = app.test_cli_runner()

    created = runner.invoke(args=["stores", "create", "SH001", "上海南京西路店"])
    issued = runner.invoke(args=["stores", "key", "create", "SH001"])
    key = issued.stdout.strip()
    listed = runner.invoke(args=["stores", "list"])

    assert created.exit_code == 0 and issued.exit_code == 0
    assert stores.KEY_PATTERN.fullmatch(key)
    prefix = key.split("_")[2]
    assert "SH001" in listed.output and prefix in listed.output and "active" in listed.output
    assert key not in listed.output  # shown only once
    member = make_member()
    assert Api(client, key).post("/purchases", purchase_body(member)).status_code == 201

    revoked = runner.invoke(args=["stores", "key", "revoke", prefix])

    assert revoked.exit_code == 0 and "revoked" in runner.invoke(args=["stores", "list"]).output
    assert Api(client, key).post("/purchases", purchase_body(member)).status_code == 401


@pytest.mark.parametrize("args", [
    ["stores", "create", "SH 001", "bad code"],
    ["stores", "create", "SH001", " "],
    ["stores", "key", "create", "NOPE"],
    ["stores", "key", "revoke", "nope1234"],
])
def test_flask_stores_refuses_bad_input_with_a_message(app, args):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1 and "Refused" in result.output


def test_a_store_code_is_used_once(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["stores", "create", "SH001", "一店"])
    again = runner.invoke(args=["stores", "create", "SH001", "二店"])
    assert again.exit_code == 1 and "already exists" in again.output


def test_only_a_hash_of_the_key_is_kept(app):
    _, key = new_store()
    row = ApiKey.query.one()
    assert key not in (row.key_hash, row.prefix) and row.key_hash == stores.key_hash(key)
