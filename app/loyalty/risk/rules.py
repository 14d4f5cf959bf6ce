"""The rules: what each counts, over which signals, grouped by what; plain functions over
counts and signals, with no database."""
import ipaddress
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..models.risk import (
    BLOCK,
    CHECK_IN_SIGNAL,
    FLAG,
    HOLD,
    JOIN_SIGNAL,
    PURCHASE_SIGNAL,
    REDEEM_SIGNAL,
    REFERRAL_SIGNAL,
    REFUND_SIGNAL,
    TASK_SIGNAL,
)

MINUTE, DAY = 60, 24 * 3600
NEW_MEMBER_DAYS = 7

# What a rule measures over the signals in its window that share its key.
COUNT, MEMBERS, POINTS, AMOUNT = "count", "members", "points", "amount"
# Invitees sharing a device, or an address, with their inviter or with each other. A shared
# phone is strong evidence; a shared address is weak (a family's home network, a store's
# Wi-Fi, a mobile carrier's NAT), so its default only flags, and only past one invitee.
SHARED_DEVICE, SHARED_ADDRESS = "shared_device", "shared_address"
SHARED = {SHARED_DEVICE: "device", SHARED_ADDRESS: "address"}   # measure: what is shared
EARNING = (CHECK_IN_SIGNAL, TASK_SIGNAL, PURCHASE_SIGNAL)


@dataclass(frozen=True)
class Spec:
    """What a rule reads: the signal kinds it watches, the field they are grouped by, the
    measure compared with the threshold, and whether only new members' signals count."""

    kinds: tuple[str, ...]
    key: tuple[str, ...]
    measure: str
    new_members_only: bool = False


@dataclass(frozen=True)
class Rule:
    """A rule as set: more than `threshold` within `window_seconds` trips it."""

    code: str
    threshold: int
    window_seconds: int
    action: str
    enabled: bool = True
    dry_run_only: bool = False

    @property
    def acting(self) -> bool:
        return self.enabled and not self.dry_run_only


# code: (spec, default threshold, window seconds, action), in the order the console lists them.
DEFAULTS: dict[str, tuple[Spec, int, int, str]] = {
    "join_per_device": (Spec((JOIN_SIGNAL,), ("device",), COUNT), 3, DAY, FLAG),
    "join_per_address": (Spec((JOIN_SIGNAL,), ("address",), COUNT), 10, DAY, FLAG),
    "check_in_per_device": (Spec((CHECK_IN_SIGNAL,), ("device",), MEMBERS), 3, DAY, HOLD),
    "task_points_per_day": (Spec((CHECK_IN_SIGNAL, TASK_SIGNAL), ("member_id",), POINTS),
                            600, DAY, HOLD),
    "points_per_month": (Spec(EARNING, ("member_id",), POINTS), 50_000, 30 * DAY, FLAG),
    "new_member_points": (Spec(EARNING, ("member_id",), POINTS, new_members_only=True),
                          5_000, NEW_MEMBER_DAYS * DAY, FLAG),
    "till_purchases_per_minute": (Spec((PURCHASE_SIGNAL,), ("store_id", "till"), COUNT),
                                  30, MINUTE, HOLD),
    "purchase_amount": (Spec((PURCHASE_SIGNAL,), (), AMOUNT), 5_000_000, MINUTE, HOLD),
    "till_members_per_minute": (Spec((PURCHASE_SIGNAL,), ("store_id", "till"), MEMBERS),
                                20, MINUTE, FLAG),
    "referral_shared_device": (Spec((REFERRAL_SIGNAL,), ("other_member_id",), SHARED_DEVICE),
                               0, 30 * DAY, HOLD),
    "referral_shared_address": (Spec((REFERRAL_SIGNAL,), ("other_member_id",),
                                     SHARED_ADDRESS), 1, 30 * DAY, FLAG),
    "referral_no_purchase": (Spec((REFERRAL_SIGNAL,), ("other_member_id",), COUNT),
                             3, 90 * DAY, FLAG),
    "redemptions_per_day": (Spec((REDEEM_SIGNAL,), ("member_id",), COUNT), 20, DAY, FLAG),
    "item_new_accounts_per_device": (Spec((REDEEM_SIGNAL,), ("device", "item_id"), MEMBERS,
                                          new_members_only=True), 3, DAY, FLAG),
    "refunds_after_spending": (Spec((REFUND_SIGNAL,), ("member_id",), COUNT),
                               2, 30 * DAY, FLAG),
}
SPECS = {code: spec for code, (spec, *_ignored) in DEFAULTS.items()}
STRENGTH = {FLAG: 1, HOLD: 2, BLOCK: 3}


def default_rules() -> list[Rule]:
    return [Rule(code, threshold, window, action)
            for code, (_spec, threshold, window, action) in DEFAULTS.items()]


def watching(rules: Iterable[Rule], kind: str) -> list[Rule]:
    """The acting rules that read signals of this kind."""
    return [rule for rule in rules if rule.acting and kind in SPECS[rule.code].kinds]


def tripped(rule: Rule, measure: int) -> bool:
    return measure > rule.threshold


@dataclass(frozen=True)
class Hit:
    """A rule that tripped, with what it measured and the other members involved."""

    rule: Rule
    measure: int
    others: tuple[int, ...] = ()


def strongest(hits: Iterable[Hit]) -> Hit | None:
    """The hit whose action goes furthest (block, then hold, then flag)."""
    return max(hits, key=lambda hit: STRENGTH[hit.rule.action], default=None)


def mask_address(address: str | None) -> str:
    """An address as staff see it: the last group of IPv4 hidden, IPv6 to its first three
    groups; anything else hidden whole."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "—" if not address else "x"
    if parsed.version == 4:
        return ".".join(str(parsed).split(".")[:3]) + ".x"
    return ":".join(parsed.exploded.split(":")[:3]) + ":x"


@dataclass(frozen=True)
class Event:
    """A recorded signal as the dry run reads it."""

    id: int
    kind: str
    member_id: int | None
    fields: dict
    points: int
    amount_fen: int
    occurred_at: datetime
    member_since: datetime | None = None


@dataclass(frozen=True)
class DryRun:
    """What a rule would have caught: how many cases, and which members."""

    cases: int
    members: tuple[int, ...]


def dry_run(rule: Rule, events: Iterable[Event]) -> DryRun:
    """Replay recorded signals in time order through the rule, with its window sliding:
    every signal that would have tripped it is a case. The shared-device rule is read by
    the caller (it needs the other members' devices), not here."""
    spec = SPECS[rule.code]
    window = timedelta(seconds=rule.window_seconds)
    seen: dict[tuple, deque[Event]] = defaultdict(deque)
    cases, members = 0, set()
    for event in sorted(events, key=lambda e: (e.occurred_at, e.id)):
        if event.kind not in spec.kinds or _too_old(spec, event):
            continue
        key = tuple(event.fields.get(name) for name in spec.key)
        if any(event.fields.get(name) is None for name in spec.key if name != "till"):
            continue
        recent = seen[key]
        recent.append(event)
        while recent and recent[0].occurred_at <= event.occurred_at - window:
            recent.popleft()
        if tripped(rule, measure(spec, list(recent), event)):
            cases += 1
            if event.member_id is not None:
                members.add(event.member_id)
    return DryRun(cases, tuple(sorted(members)))


def measure(spec: Spec, recent: list[Event], event: Event) -> int:
    """The rule's measure over the signals in its window (the current one last)."""
    if spec.measure == AMOUNT:
        return event.amount_fen
    if spec.measure == MEMBERS:
        return len({e.member_id for e in recent})
    if spec.measure == POINTS:
        return sum(e.points for e in recent)
    return len(recent)


def _too_old(spec: Spec, event: Event) -> bool:
    return spec.new_members_only and (
        event.member_since is None
        or event.occurred_at - event.member_since > timedelta(days=NEW_MEMBER_DAYS))
