"""The tiers as administrators set them: names, thresholds and earn multipliers.

A member's tier does not move when the tiers change: the new thresholds apply at the
member's next upgrade or review, and the new multipliers to the next purchase.
"""
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from . import audit_log
from .errors import DomainError
from .models import Tier, utcnow
from .transaction import write_transaction

NAME_MAX = 40
THRESHOLD_MAX = 10**9
MULTIPLIER_MIN, MULTIPLIER_MAX = 1, 10_000     # percent: 0.01x to 100x
# What can be wrong with a tier, as InvalidTiers' problems name it.
REQUIRED, TOO_LONG, BASE_NOT_ZERO, NOT_ABOVE_BENEATH, OUT_OF_RANGE, UNKNOWN = (
    "required", "too_long", "base_not_zero", "not_above_beneath", "out_of_range", "unknown")


class InvalidTiers(DomainError):
    """Tiers the program refuses: `problems` maps (tier id, field) to what is wrong."""

    code = "invalid_tiers"


@dataclass(frozen=True)
class TierInput:
    id: int
    name: str
    name_en: str
    threshold: int
    multiplier_pct: int


def problems(tiers: Sequence[TierInput]) -> dict[tuple[int, str], str]:
    """What is wrong with tiers given from the lowest up (empty when nothing is)."""
    found: dict[tuple[int, str], str] = {}
    for place, tier in enumerate(tiers):
        for field in ("name", "name_en"):
            text = getattr(tier, field).strip()
            if not text:
                found[(tier.id, field)] = REQUIRED
            elif len(text) > NAME_MAX:
                found[(tier.id, field)] = TOO_LONG
        if place == 0 and tier.threshold != 0:
            found[(tier.id, "threshold")] = BASE_NOT_ZERO
        elif not 0 <= tier.threshold <= THRESHOLD_MAX:
            found[(tier.id, "threshold")] = OUT_OF_RANGE
        elif place > 0 and tier.threshold <= tiers[place - 1].threshold:
            found[(tier.id, "threshold")] = NOT_ABOVE_BENEATH
        if not MULTIPLIER_MIN <= tier.multiplier_pct <= MULTIPLIER_MAX:
            found[(tier.id, "multiplier_pct")] = OUT_OF_RANGE
    return found


def change_tiers(given: Sequence[TierInput], actor_id: int | None, address: str = "",
                 now: datetime | None = None) -> dict[str, tuple[dict, dict]]:
    """Set every tier's names, threshold and multiplier at once, one audit entry per tier
    that changed. Returns {tier code: (before, after)}. InvalidTiers, and nothing changed,
    if any tier is refused or the tiers given are not exactly the program's."""
    now = now or utcnow()
    with write_transaction():
        tiers = db.session.scalars(select(Tier).order_by(Tier.rank).with_for_update()).all()
        by_id = {tier.id: tier for tier in tiers}
        if sorted(t.id for t in given) != sorted(by_id):
            raise InvalidTiers(problems={(0, "tiers"): UNKNOWN})
        ordered = sorted(given, key=lambda t: by_id[t.id].rank)
        ordered = [TierInput(t.id, t.name.strip(), t.name_en.strip(), t.threshold,
                             t.multiplier_pct) for t in ordered]
        found = problems(ordered)
        if found:
            raise InvalidTiers(problems=found)
        changed = {}
        for wanted in ordered:
            tier = by_id[wanted.id]
            before = details(tier)
            after = {key: value for key, value in asdict(wanted).items() if key != "id"}
            if before == after:
                continue
            for key, value in after.items():
                setattr(tier, key, value)
            changed[tier.code] = (before, after)
            audit_log.record(actor_id, audit_log.SETTING_CHANGE, f"tier {tier.code}", address,
                             before=before, after=after, now=now)
    return changed


def details(tier: Tier) -> dict:
    return {"name": tier.name, "name_en": tier.name_en, "threshold": tier.threshold,
            "multiplier_pct": tier.multiplier_pct}
