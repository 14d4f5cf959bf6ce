"""The catalog as a member pages through it, and the items home suggests.

Whether the member may redeem one of an item now is decided in SQL, with the same checks
and the same order as eligibility.refusal() for one item, so that "what I can afford", its
count and a page read only the rows they show, however large the catalog."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from app.extensions import db
from . import quotas
from .models import COUNTED_STATUSES, DAY, MONTH, Category, Item, Member, Order, Tier
from .program import Program
from .reads import Offer, offer

PAGE_SIZE = 24          # a multiple of the grid's 2, 3 and 4 columns
SORTS = ("points", "-points")


@dataclass(frozen=True)
class OfferPage:
    """One page of the catalog, and where it stands among the others."""

    offers: list[Offer]
    number: int
    pages: int
    total: int

    @property
    def more(self) -> bool:
        return self.number < self.pages


def bought(member_id: int):
    """How many of the item (the row's) the member has on counted orders, as a subquery."""
    return (select(func.coalesce(func.sum(Order.quantity), 0))
            .where(Order.member_id == member_id, Order.item_id == Item.id,
                   Order.status.in_(COUNTED_STATUSES))
            .correlate(Item).scalar_subquery())


def ordered_between(start: datetime, end: datetime):
    """How many of the item (the row's) all members have on counted orders placed in
    [start, end), as a subquery."""
    return (select(func.coalesce(func.sum(Order.quantity), 0))
            .where(Order.item_id == Item.id, Order.status.in_(COUNTED_STATUSES),
                   Order.created_at >= start, Order.created_at < end)
            .correlate(Item).scalar_subquery())


def within_quota(now: datetime, program: Program):
    """SQL for "the item's quota for this local day or month is not gone"."""
    day, month = quotas.bounds(DAY, now, program.tz), quotas.bounds(MONTH, now, program.tz)
    return or_(Item.quota.is_(None),
               and_(Item.quota_period == DAY, ordered_between(*day) + 1 <= Item.quota),
               and_(Item.quota_period != DAY, ordered_between(*month) + 1 <= Item.quota))


def redeemable(member: Member, balance: int, now: datetime, program: Program, bought_so_far):
    """SQL for "refusal() finds nothing against one of this item": on sale, in stock, the
    quota not gone, the tier reached, under the limit and within the balance."""
    tiers_reached = select(Tier.id).where(Tier.rank <= member.tier.rank)
    return and_(Item.active.is_(True), within_quota(now, program),
                or_(Item.sale_ends_at.is_(None), Item.sale_ends_at > now),
                or_(Item.sale_starts_at.is_(None), Item.sale_starts_at <= now),
                or_(Item.stock.is_(None), Item.stock >= 1),
                or_(Item.min_tier_id.is_(None), Item.min_tier_id.in_(tiers_reached)),
                or_(Item.per_member_limit.is_(None),
                    bought_so_far + 1 <= Item.per_member_limit),
                Item.points_price <= balance)


def page(member: Member, balance: int, now: datetime, program: Program, *,
         category: str | None = None, affordable: bool = False, sort: str = "points",
         kind: str | None = None, number: int = 1, size: int = PAGE_SIZE) -> OfferPage:
    """A page of the items on show, cheapest first (or dearest with sort "-points"), in a
    category, of a kind, or only those the member can redeem now: two queries, one to count
    and one for the page's items with what the member has bought of each. A page past the
    end is the last page."""
    so_far = bought(member.id)
    where = [Item.active.is_(True)]
    if category:
        where.append(Item.category_id.in_(select(Category.id).where(Category.slug == category)))
    if kind:
        where.append(Item.kind == kind)
    if affordable:
        where.append(redeemable(member, balance, now, program, so_far))
    total = db.session.scalar(select(func.count()).select_from(Item).where(*where))
    pages = max(1, -(-total // size))
    number = min(max(number, 1), pages)
    price = Item.points_price.desc() if sort == "-points" else Item.points_price
    rows = db.session.execute(select(Item, so_far).where(*where).order_by(price, Item.id)
                              .limit(size).offset((number - 1) * size)).all()
    return OfferPage(_offers(rows, member, balance, now, program), number, pages, total)


def suggestions(member: Member, balance: int, now: datetime, program: Program,
                expiring: int, limit: int = 4) -> list[Offer]:
    """Items the member can redeem now, those that best use up the expiring points first:
    at most `limit` rows read, in one query."""
    so_far = bought(member.id)
    rows = db.session.execute(
        select(Item, so_far).where(redeemable(member, balance, now, program, so_far))
        .order_by(func.abs(Item.points_price - expiring), Item.points_price, Item.id)
        .limit(limit)).all()
    return _offers(rows, member, balance, now, program)


def _offers(rows, member: Member, balance: int, now: datetime, program: Program) -> list[Offer]:
    """The offers of (item, bought so far) rows, their quotas' use read in one query."""
    used = quotas.uses([item for item, _ in rows], now, program.tz)
    return [offer(item, member, balance, count, now, program, quota=used.get(item.id))
            for item, count in rows]


def one(member: Member, item: Item, balance: int, now: datetime, program: Program) -> Offer:
    """One item as the member sees it, reading only the member's orders of that item."""
    count = db.session.scalar(select(func.coalesce(func.sum(Order.quantity), 0))
                              .where(Order.member_id == member.id, Order.item_id == item.id,
                                     Order.status.in_(COUNTED_STATUSES)))
    return offer(item, member, balance, count, now, program)
