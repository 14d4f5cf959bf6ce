"""Pure tier rules: where a member stands and how far the next tier is."""
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

When = TypeVar("When", date, datetime)


@dataclass(frozen=True)
class TierView:
    id: int
    code: str
    rank: int
    threshold: int
    multiplier_pct: int


@dataclass(frozen=True)
class TierProgress:
    current: TierView
    next: TierView | None
    qualifying: int
    to_next: int           # qualifying points still needed for the next tier, 0 at the top
    to_keep: int           # qualifying points still needed to keep the current tier
    percent: int           # 0..100 along the way from the current threshold to the next


def tier_for(tiers: list[TierView], qualifying: int) -> TierView:
    """The highest tier whose threshold the qualifying points reach."""
    reached = [t for t in tiers if t.threshold <= qualifying]
    return max(reached, key=lambda t: t.rank) if reached else min(tiers, key=lambda t: t.rank)


def progress(tiers: list[TierView], current: TierView, qualifying: int) -> TierProgress:
    """Progress from the member's current tier to the next one up."""
    higher = sorted((t for t in tiers if t.rank > current.rank), key=lambda t: t.rank)
    nxt = higher[0] if higher else None
    to_keep = max(0, current.threshold - qualifying)
    if nxt is None:
        return TierProgress(current, None, qualifying, 0, to_keep, 100)
    span = nxt.threshold - current.threshold
    done = min(max(qualifying - current.threshold, 0), span)
    percent = 100 * done // span if span > 0 else 100
    return TierProgress(current, nxt, qualifying, max(0, nxt.threshold - qualifying),
                        to_keep, percent)


def next_review(reached: When) -> When:
    """When a tier reached at `reached` (a local day or an instant) is reviewed: a year
    later, on 28 February for a 29th."""
    try:
        return reached.replace(year=reached.year + 1)
    except ValueError:
        return reached.replace(year=reached.year + 1, day=28)


def review(tiers: list[TierView], current: TierView, qualifying: int) -> TierView:
    """The tier a member holds after a review: kept at or above its threshold, otherwise
    one level down (never straight to the bottom); the lowest tier is never lost."""
    if qualifying >= current.threshold:
        return current
    lower = [t for t in tiers if t.rank < current.rank]
    return max(lower, key=lambda t: t.rank) if lower else current
