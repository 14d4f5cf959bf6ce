"""Program settings: every default in the Program alone, every setting checked at start-up,
and the core reading the program without an application."""
from dataclasses import fields

import pytest

from app import create_app
from app.config import Config, program_settings
from app.loyalty import program as running
from app.loyalty.program import Program, check_settings, defaults, running_program, setting_name
from tests.conftest import _config


def test_every_program_setting_has_its_default_in_the_program_alone():
    assert not [name for name in defaults() if hasattr(Config, name)]
    assert program_settings({}) == defaults()
    assert Program.from_settings(program_settings({})) == Program()


def test_the_environment_sets_a_program_setting_by_its_name():
    environ = {"EXPIRY_POLICY": "annual", "EXPIRY_MONTHS": "6", "BIRTHDAY_BONUS": "gift",
               "REMINDER_DAYS": "1,30", "QUALIFYING_KINDS": "earn, adjust",
               "MALL_TIMEZONE": "Asia/Urumqi", "UNRELATED": "x"}
    built = Program.from_settings(program_settings(environ))
    assert (built.expiry_policy, built.expiry_months, built.birthday_bonus) == \
        ("annual", 6, "gift")
    assert built.reminder_days == (30, 1) and built.qualifying_kinds == ("earn", "adjust")
    assert built.timezone == "Asia/Urumqi"


def test_the_earn_rate_is_a_ratio_of_points_to_yuan_from_the_environment():
    built = Program.from_settings(program_settings({"EARN_POINTS": "1", "EARN_PER_YUAN": "2"}))
    assert (built.earn_points, built.earn_per_yuan) == (1, 2)


@pytest.mark.parametrize("environ, ratio", [
    ({"EARN_POINTS_PER_YUAN": "3"}, (3, 1)),
    ({"EARN_POINTS_PER_YUAN": "3", "EARN_PER_YUAN": "2"}, (3, 2)),
    ({"EARN_POINTS_PER_YUAN": "3", "EARN_POINTS": "5"}, (5, 1)),
])
def test_the_older_whole_number_earn_rate_still_sets_points_for_every_yuan(environ, ratio):
    built = Program.from_settings(program_settings(environ))
    assert (built.earn_points, built.earn_per_yuan) == ratio


def test_every_setting_is_named_as_the_readme_and_the_environment_name_it():
    assert {setting_name(s) for s in fields(Program)} >= {
        "POINTS_PER_YUAN", "EARN_POINTS", "EARN_PER_YUAN", "MALL_TIMEZONE", "BIRTHDAY_BONUS",
        "REFERRAL_MIN_PURCHASE_FEN", "REMINDER_DAYS", "QUALIFYING_KINDS"}


@pytest.mark.parametrize("setting, complaint", [
    ({"BIRTHDAY_BONUS": "triple"}, "BIRTHDAY_BONUS must be one of double, gift"),
    ({"BIRTHDAY_BONUS": ""}, "BIRTHDAY_BONUS must be one of double, gift"),
    ({"MALL_TIMEZONE": "Mars/Olympus"}, "MALL_TIMEZONE must be a time zone"),
    ({"MALL_TIMEZONE": "../../etc/passwd"}, "MALL_TIMEZONE must be a time zone"),
    ({"MALL_TIMEZONE": ""}, "MALL_TIMEZONE must be a time zone"),
    ({"REMINDER_DAYS": "30,soon"}, "REMINDER_DAYS must be whole numbers of days"),
    ({"REMINDER_DAYS": "7,-1"}, "REMINDER_DAYS must be a whole number, 0 or more"),
    ({"POINTS_PER_YUAN": 0}, "POINTS_PER_YUAN must be at least 1"),
    ({"EARN_POINTS": 0}, "EARN_POINTS must be at least 1"),
    ({"EARN_PER_YUAN": 0}, "EARN_PER_YUAN must be at least 1"),
    ({"EARN_PER_YUAN": -2}, "EARN_PER_YUAN must be at least 1"),
    ({"POINTS_PER_YUAN": "ten"}, "POINTS_PER_YUAN must be at least 1, a whole number"),
    ({"CHECK_IN_STREAK_DAYS": 0}, "CHECK_IN_STREAK_DAYS must be at least 1"),
    ({"CHECK_IN_POINTS": -3}, "CHECK_IN_POINTS must be a whole number, 0 or more"),
    ({"LOW_STOCK": 2.5}, "LOW_STOCK must be a whole number"),
    ({"PURCHASE_HOLD_DAYS": None}, "PURCHASE_HOLD_DAYS must be a whole number"),
    ({"CANCEL_WINDOW_HOURS": False}, "CANCEL_WINDOW_HOURS must be a whole number"),
])
def test_a_program_setting_the_program_cannot_follow_is_refused_by_name(setting, complaint):
    with pytest.raises(ValueError, match=complaint):
        check_settings(setting)


def test_a_number_the_environment_does_not_write_as_one_is_refused_by_name():
    with pytest.raises(ValueError, match="REFERRAL_MONTHLY_CAP must be a whole number"):
        check_settings(program_settings({"REFERRAL_MONTHLY_CAP": "5 a month"}))


@pytest.mark.parametrize("setting", [
    {"REMINDER_DAYS": ""}, {"REMINDER_DAYS": "0"}, {"QUALIFYING_KINDS": ""},
    {"POINTS_PER_YUAN": 10**9}, {"PURCHASE_HOLD_DAYS": 0}, {"BIRTHDAY_BONUS": "gift"},
])
def test_settings_at_the_edge_of_what_the_program_follows_start(setting):
    check_settings(setting)


def test_the_app_does_not_start_with_a_program_setting_it_cannot_follow(monkeypatch):
    monkeypatch.setenv("BIRTHDAY_BONUS", "sometimes")
    with pytest.raises(ValueError, match="BIRTHDAY_BONUS must be one of double, gift"):
        create_app(_config("sqlite://"))


def test_the_app_reads_its_program_from_its_own_settings(monkeypatch):
    monkeypatch.setenv("EXPIRY_MONTHS", "24")
    app = create_app({**_config("sqlite://"), "BIRTHDAY_BONUS": "gift"})
    other = create_app({**_config("sqlite://"), "MALL_TIMEZONE": "Asia/Urumqi"})
    with app.app_context():
        assert (running_program().expiry_months, running_program().birthday_bonus) == (24, "gift")
        assert app.config["BABEL_DEFAULT_TIMEZONE"] == running_program().timezone == "Asia/Shanghai"
    with other.app_context():
        running = running_program()
        assert (running.timezone, running.birthday_bonus) == ("Asia/Urumqi", "double")
        assert other.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Urumqi"


def test_a_changed_program_setting_is_read_again_and_checked(monkeypatch):
    app = create_app(_config("sqlite://"))
    with app.app_context():
        before = running_program()
        assert running_program() is before   # built once, not on every read
        app.config["CANCEL_WINDOW_HOURS"] = 2
        assert running_program().cancel_window_hours == 2
        app.config["EXPIRY_POLICY"] = "weekly"
        with pytest.raises(ValueError, match="EXPIRY_POLICY must be one of"):
            running_program()


def test_the_core_reads_a_program_it_is_given_without_an_application(monkeypatch):
    given = Program(points_per_yuan=10, expiry_policy="annual")
    monkeypatch.setattr(running, "_source", running._source)   # put back afterwards
    running.use(lambda: given)
    assert running_program() is given and running_program().worth_fen(25) == 250


def test_the_program_is_built_again_after_any_change_to_the_configuration_and_only_then(
        monkeypatch):
    app = create_app(_config("sqlite://"))
    with app.app_context():
        before = running_program()
        looked = []
        settings = app.extensions["program"]
        monkeypatch.setattr(settings, "configured", lambda: looked.append(1) or {})
        assert all(running_program() is before for _ in range(100)) and looked == []
        monkeypatch.undo()
        app.config["UNRELATED_SETTING"] = 1                     # a change, but not the program's
        assert running_program() == before
        app.config.update(CANCEL_WINDOW_HOURS=3)
        assert running_program().cancel_window_hours == 3
        app.config.setdefault("REFUND_GRACE_DAYS", 99)          # already there: unchanged
        app.config |= {"LOW_STOCK": 4}
        assert (running_program().low_stock, running_program().refund_grace_days) == (4, 30)
        app.config.pop("LOW_STOCK")
        assert running_program().low_stock == 10                # back to its default
        del app.config["CANCEL_WINDOW_HOURS"]
        assert running_program().cancel_window_hours == 24
        app.config["EXPIRY_POLICY"] = "weekly"
        for _ in range(2):                                      # refused on every read
            with pytest.raises(ValueError, match="EXPIRY_POLICY must be one of"):
                running_program()
