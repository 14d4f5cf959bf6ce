"""Program settings in the console: each setting saved, audited and followed (by this
process at once, by another within seconds), each bad value refused beside its field with
nothing saved, and the page for administrators only."""
import time
from dataclasses import fields

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.loyalty import audit_log, tasks
from app.loyalty.models import ProgramSetting, utcnow
from app.loyalty.program import Program, running_program
from app.loyalty.settings import EDITABLE
from tests.conftest import _config
from tests.integration.api_support import purchase_body
from tests.integration.route_support import audits, by_testid, text
from tests.support import balance, csrf_token

FORM_FIELDS = tuple(name.lower() for name in EDITABLE)


def form(client, **changes) -> dict:
    """The settings form as the page fills it, with `changes` typed over it."""
    running = running_program()
    data = {f.name: str(getattr(running, f.name)) for f in fields(Program)
            if f.name in FORM_FIELDS}
    data.update({name: str(value) for name, value in changes.items()})
    data["csrf_token"] = csrf_token(client, "/admin/settings")
    return data


def save(client, **changes):
    return client.post("/admin/settings", data=form(client, **changes))


def stored_rows() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(ProgramSetting))


def test_the_page_shows_every_setting_in_sections_with_its_running_value(admin):
    response = admin.get("/admin/settings")

    html = text(response)
    assert response.status_code == 200
    for name in FORM_FIELDS:
        assert f'name="{name}"' in html
    for section in ("Earning", "Expiry", "Orders", "Member tasks", "Catalog"):
        assert f">{section}</h2>" in html
    assert by_testid(html, "earn-rate-now") == ["Now: 1 point for every ¥1 spent."]
    assert 'value="24"' in html   # the cancel window's hours


@pytest.mark.parametrize("field, value", [
    ("earn_points", 3), ("earn_per_yuan", 2), ("points_per_yuan", 50),
    ("expiry_policy", "annual"), ("expiry_months", 6), ("expiry_clearing_date", "06-30"),
    ("cancel_window_hours", 0), ("payment_window_minutes", 30), ("check_in_points", 5),
    ("check_in_streak_days", 10), ("check_in_streak_bonus", 50), ("profile_points", 0),
    ("birthday_bonus", "gift"), ("birthday_gift_points", 300), ("referral_new_points", 150),
    ("referral_inviter_points", 250), ("low_stock", 3),
])
def test_each_setting_saved_is_the_running_programs_with_one_audit_entry(admin, field, value):
    before = getattr(running_program(), field)

    response = save(admin, **{field: value})

    assert response.status_code == 303 and response.headers["Location"] == "/admin/settings"
    assert getattr(running_program(), field) == value
    [entry] = audits(audit_log.SETTING_CHANGE)
    assert (entry.actor_id, entry.subject) == (admin.staff.id, field.upper())
    assert entry.before == {field.upper(): before} and entry.after == {field.upper(): value}
    assert "1 setting saved." in text(admin.get("/admin/settings"))


def test_saving_the_form_unchanged_stores_and_audits_nothing(admin):
    response = save(admin)

    assert response.status_code == 303
    assert stored_rows() == 0 and audits(audit_log.SETTING_CHANGE) == []


def test_several_settings_saved_at_once_record_one_entry_each_and_the_history_shows_them(
        admin):
    save(admin, earn_per_yuan=2, check_in_points=4)

    assert [e.subject for e in audits(audit_log.SETTING_CHANGE)] == ["EARN_PER_YUAN",
                                                                    "CHECK_IN_POINTS"]
    html = text(admin.get("/admin/settings"))
    rows = by_testid(html, "setting-change-row")
    assert len(rows) == 2
    assert admin.staff.username in html and "EARN_PER_YUAN" in html
    assert "1 → <strong>2</strong>" in html and "3 → <strong>4</strong>" in html


@pytest.mark.parametrize("field, value, message", [
    ("earn_points", "0", "Enter a whole number from 1 to"),
    ("earn_per_yuan", "0", "Enter a whole number from 1 to"),
    ("earn_per_yuan", "", "Enter a whole number."),
    ("earn_points", "-1", "Enter a whole number using the digits 0 to 9."),
    ("earn_points", "1.5", "Enter a whole number using the digits 0 to 9."),
    ("earn_points", "２", "Enter a whole number using the digits 0 to 9."),
    ("points_per_yuan", "9999999999", "Enter a whole number using the digits 0 to 9."),
    ("points_per_yuan", "1000001", "Enter a whole number from 1 to 1,000,000."),
    ("cancel_window_hours", "-24", "Enter a whole number using the digits 0 to 9."),
    ("payment_window_minutes", "1441", "Enter a whole number from 0 to 1,440."),
    ("expiry_policy", "weekly", "Not a valid choice"),
    ("expiry_policy", "<script>alert(1)</script>", "Not a valid choice"),
    ("expiry_months", "0", "Enter a whole number from 1 to 120."),
    ("expiry_clearing_date", "02-30", "Enter a day of the year like 12-31."),
    ("expiry_clearing_date", "13-01", "Enter a day of the year like 12-31."),
    ("expiry_clearing_date", "' OR 1=1 --", "Enter a day of the year like 12-31."),
    ("expiry_clearing_date", "", "Enter a day like 12-31."),
    ("check_in_streak_days", "0", "Enter a whole number from 1 to 365."),
    ("birthday_bonus", "triple", "Not a valid choice"),
    ("low_stock", "lots", "Enter a whole number using the digits 0 to 9."),
])
def test_a_bad_value_is_refused_beside_its_field_and_nothing_is_saved(
        admin, field, value, message):
    before = running_program()

    response = save(admin, **{"earn_per_yuan": 2, field: value})

    html = text(response)
    assert response.status_code == 422
    assert any(message in error for error in by_testid(html, "error-message")), \
        by_testid(html, "error-message")
    assert f'id="{field}-error"' in html     # beside the field it is about
    assert stored_rows() == 0 and audits(audit_log.SETTING_CHANGE) == []
    assert running_program() == before


def test_a_form_without_its_csrf_token_is_refused_and_saves_nothing(admin):
    data = form(admin, earn_per_yuan=2)
    del data["csrf_token"]

    assert admin.post("/admin/settings", data=data).status_code in (400, 403)
    assert stored_rows() == 0 and running_program().earn_per_yuan == 1


@pytest.mark.parametrize("url", ["/admin/settings", "/admin/tiers"])
def test_a_clerk_may_neither_see_nor_save_the_settings(staff_client, url):
    clerk = staff_client("clerk")

    assert clerk.get(url).status_code == 403
    assert clerk.post(url, data={"earn_per_yuan": "2", "csrf_token":
                                 csrf_token(clerk, "/admin/")}).status_code == 403
    assert stored_rows() == 0


def test_a_purchase_earns_by_the_saved_ratio_and_past_entries_keep_their_points(
        admin, till, make_member):
    member = make_member()
    assert till.post("/purchases", purchase_body(member, amount_fen=2_000)).get_json()[
        "points"] == 20

    save(admin, earn_points=1, earn_per_yuan=2)

    amounts = {1_990: 9, 2_000: 10, 99: 0}
    for amount, points in amounts.items():
        answer = till.post("/purchases", purchase_body(member, amount_fen=amount))
        assert answer.status_code == 201 and answer.get_json()["points"] == points
    assert balance(member.id) == 20 + 19


def test_the_rules_page_states_the_saved_ratio_in_words(admin, visitor):
    save(admin, earn_points=1, earn_per_yuan=2, points_per_yuan=50)

    html = text(visitor.get("/rules"))
    assert by_testid(html, "earn-rate") == [
        "1 point for every ¥2 you spend in our stores, times your tier's multiplier."]
    assert "50 points are worth ¥1 in the mall." in html


def test_a_check_in_earns_the_saved_points(admin, make_member):
    member = make_member()
    save(admin, check_in_points=7)

    assert tasks.check_in(member.id, now=utcnow()).points == 7


def test_a_setting_from_the_environment_is_overridden_by_the_one_saved(database, staff_client):
    configured = create_app({**_config(database), "CANCEL_WINDOW_HOURS": 48})
    with configured.app_context():
        assert running_program().cancel_window_hours == 48
    admin = staff_client("admin")

    save(admin, cancel_window_hours=2)

    with configured.app_context():
        configured.extensions["program"].forget()
        assert running_program().cancel_window_hours == 2
        db.engine.dispose()


def test_another_process_follows_a_saved_setting_within_ten_seconds(database, admin):
    other = create_app(_config(database))   # another worker: its own engine and settings
    with other.app_context():
        assert running_program().earn_per_yuan == 1

    save(admin, earn_per_yuan=2)
    saved = time.monotonic()

    with other.app_context():
        while running_program().earn_per_yuan != 2:
            assert time.monotonic() - saved < 10, "another process missed the change"
            time.sleep(0.25)
        db.engine.dispose()
