"""flask staff: console accounts from the command line, bad input refused with exit 2 and
nothing written; the demo's staff; the deploy check in production."""
import pyotp
import pytest
from sqlalchemy import func, select

from app.demo.staff import DEMO_STAFF
from app.extensions import db
from app.loyalty import staff as staff_accounts
from app.loyalty import stores
from app.loyalty.models import Member, Staff, utcnow
from tests.conftest import staff_sign_in


def _run(app, *args, stdin=None):
    return app.test_cli_runner().invoke(args=["staff", *args], input=stdin)


def _staff_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Staff))


def test_an_administrator_is_created_with_a_password_typed_twice_and_can_sign_in(app, client):
    result = _run(app, "create", "Chen", "--role", "admin", "--name", "陈经理",
                  stdin="long-password-1\nlong-password-1\n")

    assert result.exit_code == 0, result.output
    staff = staff_accounts.by_username("chen")
    assert (staff.username, staff.name, staff.role, staff.store) == (
        "chen", "陈经理", "admin", None)
    assert staff_sign_in(client, "CHEN", "long-password-1").status_code == 302


def test_a_clerk_is_created_at_a_store_with_the_password_from_standard_input(app):
    stores.create_store("SH009", "测试店")

    result = _run(app, "create", "zhou", "--role", "clerk", "--store", "SH009",
                  "--password-stdin", stdin="clerk-password-9\n")

    assert result.exit_code == 0, result.output
    assert staff_accounts.by_username("zhou").store.code == "SH009"


@pytest.mark.parametrize("args,stdin,words", [
    (["create", "zhou", "--role", "clerk", "--store", "NOPE", "--password-stdin"],
     "clerk-password-9\n", "no store has the code NOPE"),
    (["create", "zhou", "--role", "clerk", "--password-stdin"], "clerk-password-9\n",
     "a clerk works at a store"),
    (["create", "zhou", "--role", "admin", "--store", "SH009", "--password-stdin"],
     "clerk-password-9\n", "an administrator belongs to no one store"),
    (["create", "taken", "--role", "admin", "--password-stdin"], "other-password-9\n",
     "taken is already taken"),
    (["create", "TAKEN", "--role", "admin", "--password-stdin"], "other-password-9\n",
     "taken is already taken"),
    (["create", "zhou", "--role", "admin", "--password-stdin"], "\n", "password"),
    (["create", "zhou", "--role", "admin", "--password-stdin"], "short\n", "10 to 128"),
    (["create", "zhou", "--role", "admin", "--password-stdin"], "a" * 500 + "\n", "10 to 128"),
    (["create", "zhou", "--role", "admin"], "long-password-1\nother-password-1\n"
     "\n\n", "password"),
    (["create", "bad name!", "--role", "admin", "--password-stdin"], "long-password-1\n",
     "username"),
    (["create", "x", "--role", "admin", "--password-stdin"], "long-password-1\n", "username"),
    (["create", "zhou", "--role", "admin", "--name", "a\u202eb", "--password-stdin"],
     "long-password-1\n", "name"),
    (["password", "nobody", "--password-stdin"], "long-password-1\n", "nobody"),
    (["password", "taken", "--password-stdin"], "short\n", "10 to 128"),
    (["deactivate", "nobody"], None, "nobody"),
])
def test_bad_input_is_refused_with_a_clear_message_and_exit_2_and_nothing_is_written(
        app, make_staff, args, stdin, words):
    stores.create_store("SH009", "测试店")
    taken = make_staff("admin", username="taken")
    hash_before, count = taken.password_hash, _staff_count()

    result = _run(app, *args, stdin=stdin)

    assert result.exit_code == 2, result.output
    assert words in result.output
    assert _staff_count() == count
    assert db.session.get(Staff, taken.id).password_hash == hash_before


def test_a_role_that_does_not_exist_is_refused_by_the_command_itself(app):
    result = _run(app, "create", "zhou", "--role", "owner", "--password-stdin", stdin="x\n")

    assert result.exit_code == 2 and "owner" in result.output
    assert _staff_count() == 0


def test_the_list_shows_every_account_with_role_store_and_two_step(app, make_staff):
    make_staff("admin", username="boss", two_step=True)
    make_staff("clerk", username="counter")

    lines = _run(app, "list").output.splitlines()

    assert lines[0].split("\t")[:5] == ["boss", "admin", "-", "two-step", "active"]
    assert lines[1].split("\t")[:5] == ["counter", "clerk", "SH001", "password only", "active"]


def test_a_new_password_from_the_command_replaces_the_old_one(app, make_staff, client):
    staff = make_staff("admin")

    result = _run(app, "password", staff.username.upper(), "--password-stdin",
                  stdin="brand-new-password\n")

    assert result.exit_code == 0, result.output
    assert staff_sign_in(client, staff.username).status_code == 422
    assert staff_sign_in(client, staff.username, "brand-new-password").status_code == 302


def test_a_deactivated_account_is_listed_as_such_and_cannot_sign_in(app, make_staff, client):
    staff = make_staff("clerk")

    assert _run(app, "deactivate", staff.username).exit_code == 0
    assert "deactivated" in _run(app, "list").output
    assert staff_sign_in(client, staff.username).status_code == 422


def test_the_demo_loads_two_administrators_and_a_clerk_and_prints_their_sign_ins(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    for username, password, role, store, _name in DEMO_STAFF:
        assert f"{username} / {password}" in result.output
        staff = staff_accounts.by_username(username)
        assert staff.role == role and (staff.store.code if staff.store else None) == store
        fresh = app.test_client()
        assert staff_sign_in(fresh, username, password).status_code == 302
    assert staff_accounts.by_username("clerk").store.code == "SH001"
    assert db.session.scalar(select(func.count()).select_from(Member)) > 0


SAFE = dict(SECRET_KEY="k" * 48, SESSION_COOKIE_SECURE=True, PAYMENT_PROVIDER="wechat",
            SANDBOX_PAYMENT_SECRET="s" * 40, SMS_PROVIDER="aliyun",
            RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")


def test_the_deploy_check_fails_in_production_while_an_administrator_has_no_two_step(
        app, make_staff, monkeypatch):
    monkeypatch.setenv("MALL_ENV", "production")
    app.config.update(SAFE)
    make_staff("admin", username="secure", two_step=True)
    make_staff("clerk", username="counter")
    lax = make_staff("admin", username="lax")

    failing = app.test_cli_runner().invoke(args=["deploy", "check"])
    staff_accounts.deactivate(lax.username)
    passing = app.test_cli_runner().invoke(args=["deploy", "check"])

    assert failing.exit_code == 1
    assert "STAFF administrators without two-step sign-in: lax" in failing.output
    assert "secure" not in failing.output and "counter" not in failing.output
    assert "STAFF" not in passing.output


def test_the_deploy_check_in_development_does_not_ask_for_two_step(app, make_staff):
    app.config.update(SAFE)
    make_staff("admin")

    result = app.test_cli_runner().invoke(args=["deploy", "check"])

    assert result.exit_code == 0, result.output


def test_an_enrolled_secret_gives_codes_an_authenticator_would(app, make_staff):
    staff = make_staff("admin", two_step=True)

    assert len(staff.totp_secret) == 32
    assert pyotp.TOTP(staff.totp_secret).verify(pyotp.TOTP(staff.totp_secret).at(utcnow()))
