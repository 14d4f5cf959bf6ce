"""What members see, read in a fixed number of queries whatever their history's length."""
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import (
    Row,
    bindparam,
    func,
    literal,
    literal_column,
    null,
    select,
    union_all,
)

from app.extensions import db
from . import day_totals, quotas
from .eligibility import Shopper, refusal
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
    Notice,
    Order,
    PointLot,
    Tier,
    TierChange,
)
from .models.ledger import LIVE
from .program import Program, running_program
from .signed_in import SignedInMember
from .statements import built_once, page_values, read
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
    unread_notices: int | None = None   # the member's unread notices, when read

    @property
    def next_expiring(self) -> ExpiringPoints | None:
        return self.expiring[0] if self.expiring else None


@built_once
def _wallet_read(never_expiring: bool, unread_notices: bool = False):
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
             .where(*live, PointLot.expires_at <= now),
             # The balance in the same read: as the lots stand, and without reading the
             # member again after a redemption's commit.
             select(literal("balance"), null(), Member.points_balance)
             .where(Member.id == bindparam("member_id"))]
    if never_expiring:
        # What never expires is the balance less what expires: the lapsed points and every
        # moment ahead's kept points (a few rows), not a sum over every live lot.
        parts.append(select(literal("all ahead"), null(), func.sum(kept.points))
                     .where(kept.member_id == bindparam("member_id"), kept.expires_at > now))
    if unread_notices:
        # The header bell's count, read with the header's wallet.
        notices = Notice.__table__
        parts.append(select(literal("unread"), null(), func.count()).select_from(notices)
                     .where(notices.c.member_id == bindparam("member_id"),
                            notices.c.read_at.is_(None)))
    return union_all(*parts)


def wallet(member_id: int, now: datetime, program: Program, *,
           never_expiring: bool = False, unread_notices: bool = False) -> Wallet:
    """Spendable balance and the points expiring on the soonest dates ahead (and, when
    asked, the points that never expire and the number of unread notices), in one query
    that reads the member's lapsed lots and their kept expiring points ahead, not the lots
    of those dates."""
    rows = read(_wallet_read(never_expiring, unread_notices),
                {"member_id": member_id, "now": now}).all()
    sums = {part: points or 0 for part, _at, points in rows if part != "ahead"}
    expiring = sorted((ExpiringPoints(points, at, expiry_day(at, program.tz))
                       for part, at, points in rows if part == "ahead"),
                      key=lambda batch: batch.expires_at)
    balance = sums["balance"] - sums["lapsed"]
    return Wallet(balance, expiring, balance - sums["all ahead"] if never_expiring else None,
                  sums["unread"] if unread_notices else None)


def qualifying_points(member_id: int, now: datetime,
                      kinds: tuple[str, ...] | None = None) -> int:
    """Points that count towards a tier in the rolling last 12 months: by default those
    earned from purchases and activities, less clawbacks of refunded purchases
    (the QUALIFYING_KINDS setting). Points owed from a refund are clawbacks still to be
    written: they count as clawbacks already."""
    kinds = kinds or running_program().qualifying_kinds
    # An earning or a clawback asks within its transaction: what it wrote counts (the
    # read flushes it first).
    return max(day_totals.qualifying_sum(member_id, now, kinds, less_owed=CLAWBACK in kinds), 0)


def redeemed_since(member_id: int, since: datetime) -> int:
    """Points the member has redeemed from `since` on, as the ledger records them."""
    spent = db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.points), 0))
        .where(LedgerEntry.member_id == member_id, LedgerEntry.kind == REDEEM,
               LedgerEntry.created_at >= since))
    return -spent


def tier_views(tiers: list[Tier]) -> dict[int, TierView]:
    return {t.id: TierView(t.id, t.code, t.rank, t.threshold, t.multiplier_pct) for t in tiers}


def running_tiers() -> dict[int, TierView]:
    """The tiers as they stand, by id, read as columns (a write's move up or down reads them
    with every credit, and no tier object is needed)."""
    return tier_views(read(_tier_rows()).all())


@dataclass(frozen=True)
class Standing:
    progress: TierProgress
    tier: Row           # a tier's columns, as _tier_rows() reads them
    next_tier: Row | None
    review_on: date         # the local day the tier is next reviewed
    lowest: bool = False    # the entry tier: nothing to keep


def standing(member: Member | SignedInMember, now: datetime, program: Program) -> Standing:
    """Tier, qualifying points in the rolling 12 months, progress and review date."""
    tiers = read(_tier_rows()).all()
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
    """An item as one member sees it: and why they cannot redeem it, if they cannot. The
    item is a model object, or its columns read by the same names: on a page of cards a
    member_catalog.ShownItem, on an item's own page a member_catalog.ItemOnShow."""

    item: Item
    refusal: DomainError | None
    low_stock: bool

    @property
    def available(self) -> bool:
        return self.refusal is None


def offer(item: Item, member: Member | SignedInMember, balance: int, already_bought: int,
          now: datetime, program: Program, quota: quotas.QuotaUse | None = None) -> Offer:
    """The item as the member sees it now; an item's quota use is read when not given."""
    if item.quota is not None and quota is None:
        quota = quotas.use(item, now, program.tz)
    return _offer(item, Shopper(balance, member.tier.rank), already_bought, now,
                  program.low_stock, quota)


def offers(shown, member: Member | SignedInMember, balance: int, now: datetime, program: Program,
           used: dict[int, quotas.QuotaUse]) -> list[Offer]:
    """offer() for each (item, how many the member has bought of it) of a page of cards,
    with the items' quota uses as `used` holds them (read together): what every card checks
    the item against, the member's balance and tier and the page's one `now`, found once."""
    shopper, low_stock = Shopper(balance, member.tier.rank), program.low_stock
    return [_offer(item, shopper, count, now, low_stock, used.get(item.id))
            for item, count in shown]


def _offer(item, shopper: Shopper, already_bought: int, now: datetime, low_stock: int,
           quota: quotas.QuotaUse | None) -> Offer:
    needs = item.min_tier
    problem = refusal(item, shopper, min_tier_rank=needs.rank if needs is not None else None,
                      already_bought=already_bought, now=now, quota=quota)
    return Offer(item, problem, item.stock is not None and 0 < item.stock <= low_stock)


@built_once
def _tiers():
    return select(Tier).order_by(Tier.rank)


def tiers() -> list[Tier]:
    return db.session.scalars(_tiers()).all()


@built_once
def _tier_rows():
    # What a member's standing shows of each tier, from the table: no tier object is needed.
    c = Tier.__table__.c
    return select(c.id, c.code, c.name, c.name_en, c.rank, c.threshold,
                  c.multiplier_pct).order_by(c.rank)


@built_once
def _categories():
    c = Category.__table__.c
    return select(c.id, c.slug, c.name, c.name_en).order_by(c.position, c.id)


def categories() -> list[Row]:
    """The categories to filter the catalog by (id, slug and names), in their order."""
    return read(_categories()).all()


@dataclass(frozen=True)
class HistoryRow:
    entry: Row              # the ledger entry's columns, as _history() reads them
    lot_expires_at: datetime | None


def history(member_id: int, page: int, per_page: int = 50) -> tuple[list[HistoryRow], bool]:
    """A page of ledger entries, newest first, with the expiry of the lot each credit opened."""
    rows = read(_history(), page_values(member_id, page, per_page)).all()
    return [HistoryRow(row, row.lot_expires_at) for row in rows[:per_page]], len(rows) > per_page


@built_once
def _history():
    # The entries' columns from the tables: a page of rows to show needs no entry objects.
    entries, lots = LedgerEntry.__table__, PointLot.__table__
    return (select(entries, lots.c.expires_at.label("lot_expires_at"))
            .outerjoin(lots, entries.c.lot_id == lots.c.id)
            .where(entries.c.member_id == bindparam("member_id"))
            .order_by(entries.c.id.desc())
            .limit(bindparam("size")).offset(bindparam("skip")))


class OrderItem(NamedTuple):
    """What the member's list of orders shows of an order's item."""

    name: str
    name_en: str
    image: str
    kind: str


@dataclass(frozen=True)
class OrderRow:
    """An order as the member's list of orders shows it."""

    code: str
    status: str
    points: int
    cash_fen: int
    created_at: datetime
    item: OrderItem


def orders(member_id: int, page: int = 1, per_page: int = 20) -> tuple[list[OrderRow], bool]:
    """A page of the member's orders, newest first, and whether an older page follows."""
    rows = read(_orders(), page_values(member_id, page, per_page)).all()
    return [OrderRow(r.code, r.status, r.points, r.cash_fen, r.created_at,
                     OrderItem(r.name, r.name_en, r.image, r.kind))
            for r in rows[:per_page]], len(rows) > per_page


@built_once
def _orders():
    # The columns the list shows, from the tables: a page of rows needs no order objects,
    # nor each item's category and tier, which loading an item brings along.
    o, i = Order.__table__.c, Item.__table__.c
    return (select(o.code, o.status, o.points, o.cash_fen, o.created_at,
                   i.name, i.name_en, i.image, i.kind)
            .join_from(Order.__table__, Item.__table__, o.item_id == i.id)
            .where(o.member_id == bindparam("member_id"))
            .order_by(o.id.desc()).limit(bindparam("size")).offset(bindparam("skip")))


def order(member_id: int, code: str) -> Order | None:
    """A member's own order; someone else's is as good as missing."""
    return db.session.scalar(select(Order).where(Order.member_id == member_id,
                                                 Order.code == code))


class TierName(NamedTuple):
    name: str
    name_en: str


@dataclass(frozen=True)
class TierChangeRow:
    """A tier change as the member's points page and the console list it."""

    reason: str
    from_tier_id: int | None
    to_tier_id: int
    qualifying: int
    created_at: datetime
    from_tier: TierName | None
    to_tier: TierName


def tier_changes(member_id: int, limit: int = 10) -> list[TierChangeRow]:
    """The member's latest tier changes, newest first, with both tiers' names, in one query."""
    return [TierChangeRow(r.reason, r.from_tier_id, r.to_tier_id, r.qualifying, r.created_at,
                          TierName(r.from_name, r.from_name_en)
                          if r.from_tier_id is not None else None,
                          TierName(r.to_name, r.to_name_en))
            for r in read(_tier_changes(), {"member_id": member_id, "size": limit})]


@built_once
def _tier_changes():
    # The columns the lists show, from the tables, each tier's names joined.
    c = TierChange.__table__.c
    before, after = Tier.__table__.alias("from_tier"), Tier.__table__.alias("to_tier")
    return (select(c.reason, c.from_tier_id, c.to_tier_id, c.qualifying, c.created_at,
                   before.c.name.label("from_name"), before.c.name_en.label("from_name_en"),
                   after.c.name.label("to_name"), after.c.name_en.label("to_name_en"))
            .select_from(TierChange.__table__)
            .outerjoin(before, c.from_tier_id == before.c.id)
            .join(after, c.to_tier_id == after.c.id)
            .where(c.member_id == bindparam("member_id"))
            .order_by(c.created_at.desc(), c.id.desc())
            .limit(bindparam("size")))
