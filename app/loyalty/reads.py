"""What members see, read in a fixed number of queries whatever their history's length."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, case, func, literal, literal_column, null, select, union_all

from app.extensions import db
from . import quotas
from .eligibility import member_refusal
from .errors import DomainError
from .lots import expiry_day
from .models import (
    CLAWBACK,
    REDEEM,
    Category,
    ExpiringPointsRow,
    Item,
    LedgerEntry,
    Member,
    Order,
    PointLot,
    Tier,
    TierChange,
)
from .models.ledger import LIVE
from .program import Program, running_program
from .statements import built_once, page_values
from .tiers import TierProgress, TierView, next_review, progress


@dataclass(frozen=True)
class ExpiringPoints:
    """Points that expire together, at the end of local day `day`."""

    points: int
    expires_at: datetime
    day: date


EXPIRY_DATES = 6   # the soonest expiry dates a wallet reads


@dataclass(frozen=True)
class Wallet:
    balance: int            # spendable now: lapsed points awaiting the expiry job excluded
    expiring: list[ExpiringPoints]  # the EXPIRY_DATES soonest expiries ahead, soonest first
    never_expiring: int | None = None   # points in lots with no expiry date, when read

    @property
    def next_expiring(self) -> ExpiringPoints | None:
        return self.expiring[0] if self.expiring else None


@built_once
def _wallet_read(never_expiring: bool):
    # The live-lots index's own condition, written out so that SQLite uses the index.
    now = bindparam("now", type_=PointLot.expires_at.type)
    live = (PointLot.member_id == bindparam("member_id"), literal_column(LIVE))
    kept = ExpiringPointsRow
    ahead = (select(kept.expires_at, kept.points)
             .where(kept.member_id == bindparam("member_id"), kept.expires_at > now,
                    kept.points > 0)
             .order_by(kept.expires_at).limit(EXPIRY_DATES).subquery())
    parts = [select(literal("ahead"), ahead.c.expires_at, ahead.c.points),  # typed first
             select(literal("lapsed"), null(), func.sum(PointLot.remaining))
             .where(*live, PointLot.expires_at <= now)]
    if never_expiring:
        # Read from all the member's live lots: "expires_at IS NULL" as a condition would
        # tempt SQLite into the reports' index on expiry, across every member.
        never = case((PointLot.expires_at.is_(None), PointLot.remaining), else_=0)
        parts.append(select(literal("never"), null(), func.sum(never)).where(*live))
    return union_all(*parts)


def wallet(member: Member, now: datetime, program: Program, *,
           never_expiring: bool = False) -> Wallet:
    """Spendable balance and the points expiring on the soonest dates ahead (and, when
    asked, the points that never expire), in one query that reads the member's lapsed lots
    and the kept expiring points of the dates it shows, not the lots of those dates."""
    rows = db.session.execute(_wallet_read(never_expiring),
                              {"member_id": member.id, "now": now}).all()
    sums = {part: points or 0 for part, _at, points in rows if part != "ahead"}
    expiring = sorted((ExpiringPoints(points, at, expiry_day(at, program.tz))
                       for part, at, points in rows if part == "ahead"),
                      key=lambda batch: batch.expires_at)
    return Wallet(member.points_balance - sums["lapsed"], expiring,
                  sums["never"] if never_expiring else None)


@built_once
def _qualifying(less_owed: bool):
    created = LedgerEntry.created_at
    total = (select(func.coalesce(func.sum(LedgerEntry.points), 0))
             .where(LedgerEntry.member_id == bindparam("member_id"),
                    LedgerEntry.kind.in_(bindparam("kinds", expanding=True)),
                    created > bindparam("since", type_=created.type),
                    created <= bindparam("now", type_=created.type)).scalar_subquery())
    if less_owed:
        owed = (select(Member.points_owed).where(Member.id == bindparam("member_id"))
                .scalar_subquery())
        total = total - func.coalesce(owed, 0)
    return select(total)


def qualifying_points(member_id: int, now: datetime,
                      kinds: tuple[str, ...] | None = None) -> int:
    """Points that count towards a tier in the rolling last 12 months: by default those
    earned from purchases and activities, less clawbacks of refunded purchases
    (the QUALIFYING_KINDS setting). Points owed from a refund are clawbacks still to be
    written: they count as clawbacks already."""
    kinds = kinds or running_program().qualifying_kinds
    return max(db.session.scalar(_qualifying(CLAWBACK in kinds), {
        "member_id": member_id, "kinds": list(kinds), "since": now - timedelta(days=365),
        "now": now}), 0)


def redeemed_since(member_id: int, since: datetime) -> int:
    """Points the member has redeemed from `since` on, as the ledger records them."""
    spent = db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.points), 0))
        .where(LedgerEntry.member_id == member_id, LedgerEntry.kind == REDEEM,
               LedgerEntry.created_at >= since))
    return -spent


def tier_views(tiers: list[Tier]) -> dict[int, TierView]:
    return {t.id: TierView(t.id, t.code, t.rank, t.threshold, t.multiplier_pct) for t in tiers}


@dataclass(frozen=True)
class Standing:
    progress: TierProgress
    tier: Tier
    next_tier: Tier | None
    review_on: date         # the local day the tier is next reviewed
    lowest: bool = False    # the entry tier: nothing to keep


def standing(member: Member, now: datetime, program: Program) -> Standing:
    """Tier, qualifying points in the rolling 12 months, progress and review date."""
    tiers = db.session.scalars(_tiers()).all()
    qualifying = qualifying_points(member.id, now)
    views = tier_views(tiers)
    result = progress(list(views.values()), views[member.tier_id], qualifying)
    by_id = {t.id: t for t in tiers}
    if member.tier_review_at is not None:
        review = member.tier_review_at.astimezone(program.tz).date()
    else:  # not yet given a review date: a year after the tier was reached
        review = next_review(member.tier_since.astimezone(program.tz).date())
    return Standing(result, by_id[member.tier_id],
                    by_id[result.next.id] if result.next else None, review,
                    lowest=tiers[0].id == member.tier_id)


@dataclass(frozen=True)
class Offer:
    """An item as one member sees it: and why they cannot redeem it, if they cannot."""

    item: Item
    refusal: DomainError | None
    low_stock: bool

    @property
    def available(self) -> bool:
        return self.refusal is None


def offer(item: Item, member: Member, balance: int, already_bought: int, now: datetime,
          program: Program, quota: quotas.QuotaUse | None = None) -> Offer:
    """The item as the member sees it now; an item's quota use is read when not given."""
    if item.quota is not None and quota is None:
        quota = quotas.use(item, now, program.tz)
    problem = member_refusal(item, member, balance=balance, already_bought=already_bought,
                             now=now, quota=quota)
    low = item.stock is not None and 0 < item.stock <= program.low_stock
    return Offer(item, problem, low)


@built_once
def _tiers():
    return select(Tier).order_by(Tier.rank)


def tiers() -> list[Tier]:
    return db.session.scalars(_tiers()).all()


@built_once
def _categories():
    return select(Category).order_by(Category.position, Category.id)


def categories() -> list[Category]:
    return db.session.scalars(_categories()).all()


@dataclass(frozen=True)
class HistoryRow:
    entry: LedgerEntry
    lot_expires_at: datetime | None


def history(member_id: int, page: int, per_page: int = 50) -> tuple[list[HistoryRow], bool]:
    """A page of ledger entries, newest first, with the expiry of the lot each credit opened."""
    rows = db.session.execute(_history(), page_values(member_id, page, per_page)).all()
    return [HistoryRow(e, at) for e, at in rows[:per_page]], len(rows) > per_page


@built_once
def _history():
    return (select(LedgerEntry, PointLot.expires_at)
            .outerjoin(PointLot, LedgerEntry.lot_id == PointLot.id)
            .where(LedgerEntry.member_id == bindparam("member_id"))
            .order_by(LedgerEntry.id.desc())
            .limit(bindparam("size")).offset(bindparam("skip")))


def orders(member_id: int, page: int = 1, per_page: int = 20) -> tuple[list[Order], bool]:
    """A page of the member's orders, newest first, and whether an older page follows."""
    rows = db.session.scalars(_orders(), page_values(member_id, page, per_page)).all()
    return list(rows[:per_page]), len(rows) > per_page


@built_once
def _orders():
    return (select(Order).where(Order.member_id == bindparam("member_id"))
            .order_by(Order.id.desc()).limit(bindparam("size")).offset(bindparam("skip")))


def order(member_id: int, code: str) -> Order | None:
    """A member's own order; someone else's is as good as missing."""
    return db.session.scalar(select(Order).where(Order.member_id == member_id,
                                                 Order.code == code))


def tier_changes(member_id: int, limit: int = 10) -> list[TierChange]:
    """The member's latest tier changes, newest first, with both tiers, in one query."""
    return db.session.scalars(_tier_changes(), {"member_id": member_id,
                                                "size": limit}).unique().all()


@built_once
def _tier_changes():
    return (select(TierChange).where(TierChange.member_id == bindparam("member_id"))
            .order_by(TierChange.created_at.desc(), TierChange.id.desc())
            .limit(bindparam("size")))
