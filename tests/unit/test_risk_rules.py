"""The rules' pure parts: masking addresses, the strongest action, the dry run's window."""
from datetime import datetime, timedelta, timezone

import pytest

from app.loyalty.risk import rules
from app.loyalty.risk.rules import Event, Hit, Rule

T0 = datetime(2026, 3, 1, 8, tzinfo=timezone.utc)


@pytest.mark.parametrize("address, shown", [
    ("203.0.113.42", "203.0.113.x"), ("2001:db8:85a3::8a2e:370:7334", "2001:0db8:85a3:x"),
    ("", "—"), (None, "—"), ("not an address", "x")])
def test_addresses_are_masked_for_staff(address, shown):
    assert rules.mask_address(address) == shown


def test_the_strongest_action_wins():
    hits = [Hit(Rule("a", 1, 60, "flag"), 2), Hit(Rule("b", 1, 60, "hold"), 2)]
    assert rules.strongest(hits).rule.code == "b" and rules.strongest([]) is None


def test_a_disabled_or_dry_run_rule_does_not_act():
    every = [Rule("join_per_device", 3, 60, "flag", enabled=False),
             Rule("join_per_address", 3, 60, "flag", dry_run_only=True)]
    assert rules.watching(every, "join") == []


def _joins(device: str, times: list[int]) -> list[Event]:
    return [Event(n, "join", n, {"device": device}, 0, 0, T0 + timedelta(seconds=s))
            for n, s in enumerate(times)]


def test_the_dry_run_counts_each_signal_past_the_threshold_within_the_window():
    rule = Rule("join_per_device", 2, 3600, "flag")
    caught = rules.dry_run(rule, _joins("d", [0, 10, 20, 30]))

    assert caught.cases == 2 and caught.members == (2, 3)


def test_the_dry_run_window_slides():
    rule = Rule("join_per_device", 2, 60, "flag")
    assert rules.dry_run(rule, _joins("d", [0, 100, 200, 300])).cases == 0


def test_a_month_of_ordinary_shoppers_trips_no_default_rule():
    events, n = [], 0
    for shopper in range(40):
        device = f"phone-{shopper}"
        joined = T0 + timedelta(hours=shopper)
        events.append(Event(n := n + 1, "join", shopper, {"device": device, "address": device,
                                                          "member_id": shopper},
                            0, 0, joined, joined))
        for day in range(30):
            at = joined + timedelta(days=day, minutes=5)
            fields = {"device": device, "member_id": shopper, "address": device}
            events.append(Event(n := n + 1, "check_in", shopper, fields, 3, 0, at, joined))
            if day % 4 == 0:
                till = {"store_id": 1, "till": f"T{shopper % 3}", "member_id": shopper}
                events.append(Event(n := n + 1, "purchase", shopper, till, 80, 8000,
                                    at + timedelta(hours=3), joined))
            if day % 10 == 0:
                item = {"device": device, "item_id": 1, "member_id": shopper}
                events.append(Event(n := n + 1, "redeem", shopper, item, 0, 0,
                                    at + timedelta(hours=4), joined))
    for rule in rules.default_rules():
        if rules.SPECS[rule.code].measure != rules.SHARED:
            assert rules.dry_run(rule, events).cases == 0, rule.code
