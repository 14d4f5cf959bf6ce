"""flask deploy check names unsafe settings; flask deploy backup copies a live database."""
import sqlite3

import pytest

from app.loyalty.ledger_check import check_ledger


def test_the_check_names_every_unsafe_setting_of_a_development_setup(app):
    result = app.test_cli_runner().invoke(args=["deploy", "check"])

    assert result.exit_code == 1
    for setting in ("SECRET_KEY", "SESSION_COOKIE_SECURE", "PAYMENT_PROVIDER", "SMS_PROVIDER"):
        assert setting in result.output


def test_counting_sign_ins_in_the_database_is_fine_and_in_memory_is_named(app):
    assert "RATELIMIT_STORAGE_URI" not in app.test_cli_runner().invoke(
        args=["deploy", "check"]).output
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"

    result = app.test_cli_runner().invoke(args=["deploy", "check"])

    assert result.exit_code == 1
    assert "RATELIMIT_STORAGE_URI is memory://" in result.output


def test_the_check_passes_a_safe_setup(app):
    app.config.update(SECRET_KEY="k" * 48, SESSION_COOKIE_SECURE=True,
                      PAYMENT_PROVIDER="wechat", SANDBOX_PAYMENT_SECRET="s" * 40,
                      SMS_PROVIDER="aliyun",
                      RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")

    result = app.test_cli_runner().invoke(args=["deploy", "check"])

    assert result.exit_code == 0, result.output
    assert "No unsafe settings found." in result.output


def test_the_sandbox_sms_sender_is_refused_in_production(app, monkeypatch):
    monkeypatch.setenv("MALL_ENV", "production")

    result = app.test_cli_runner().invoke(args=["deploy", "check"])

    assert result.exit_code == 1
    assert "UNSAFE, refused in production: SMS_PROVIDER is the sandbox" in result.output


def test_a_backup_is_a_complete_consistent_copy_of_the_database(app, make_member, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL is backed up with its own tools")
    members = [make_member(points=500 * n) for n in range(1, 4)]

    result = app.test_cli_runner().invoke(args=["deploy", "backup", str(tmp_path / "b")])

    assert result.exit_code == 0, result.output
    [copy] = (tmp_path / "b").glob("mall-*.sqlite3")
    with sqlite3.connect(copy) as connection:
        balances = dict(connection.execute("SELECT id, points_balance FROM members"))
    assert balances == {m.id: m.points_balance for m in members}
    assert check_ledger() == []


def test_a_backup_of_postgresql_points_to_its_own_tools(app, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite is backed up by the command itself")

    result = app.test_cli_runner().invoke(args=["deploy", "backup", str(tmp_path)])

    assert result.exit_code == 2 and "pg_dump" in result.output


def test_a_backup_into_a_folder_that_cannot_exist_says_so_and_writes_nothing(app, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL is backed up with its own tools")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    result = app.test_cli_runner().invoke(args=["deploy", "backup", str(blocker / "b")])

    assert result.exit_code == 1
    assert "Cannot write backups" in result.output and "Traceback" not in result.output
