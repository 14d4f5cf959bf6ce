"""The catalog as a member pages through it, and the items home suggests.

Whether the member may redeem one of an item now is decided in SQL, with the same checks
and the same order as eligibility.refusal() for one item, so that "what I can afford", its
count and a page read only the rows they show, however large the catalog.

The items of a page and of the suggestions are read as columns, not as model objects: what
their cards and eligibility read of each (`ShownItem`, with the tier it needs), without the
ORM's identity map, attribute instrumentation and joined loading. One item on show, which
its page, the redemption's confirm step and the kiosk show in full, is read as columns too
(`ItemOnShow`, with its description and category); a redemption reads and changes the item
as a model object in its own transaction."""
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, bindparam, func, literal, or_, select, union_all

from app.extensions import db
from . import quotas
from .models import COUNTED_STATUSES, DAY, MONTH, Category, Item, Member, Order, Tier
from .program import Program
from .reads import Offer, offer, offers
from .signed_in import SignedInMember
from .statements import built_once, read

PAGE_SIZE = 24          # a multiple of the grid's 2, 3 and 4 columns
SORTS = ("points", "-points")
# The conditions are written on the tables' columns, so that the catalog's count runs as a
# plain SQL statement, without the ORM's work; the statements reading items as objects
# take them as they are.
items, orders = Item.__table__.c, Order.__table__.c


class ShownTier(NamedTuple):
    """The tier an item needs, as its card's badge and refusal name it."""

    id: int
    code: str
    rank: int
    name: str
    name_en: str


class ShownItem(NamedTuple):
    """An item on a page of cards: its columns that the cards and eligibility read, by the
    model's attribute names, and the tier it needs (None: any)."""

    id: int
    name: str
    name_en: str
    image: str
    kind: str
    points_price: int
    cash_fen: int
    stock: int | None
    per_member_limit: int | None
    min_tier_id: int | None
    sale_starts_at: datetime | None
    sale_ends_at: datetime | None
    active: bool
    quota: int | None
    quota_period: str
    category_id: int
    min_tier: ShownTier | None


_ITEM_COLUMNS = ShownItem._fields[:-1]
_TIER_COLUMNS = ShownTier._fields[1:]


def _shown_columns():
    """The columns a ShownItem is made of, the tier's from `tiers` outer-joined on the
    item's tier (labelled tier_*), then what the member has bought of it."""
    tiers = Tier.__table__.c
    return ([items[name] for name in _ITEM_COLUMNS]
            + [tiers[name].label(f"tier_{name}") for name in _TIER_COLUMNS] + [bought()])


def _with_tier():
    """The items table with the tier each item needs joined in (none: NULLs)."""
    return Item.__table__.outerjoin(Tier.__table__, items.min_tier_id == Tier.__table__.c.id)


_WIDTH, _TIER_AT = len(_ITEM_COLUMNS), _ITEM_COLUMNS.index("min_tier_id")


def _tier(values: tuple, at: int, start: int) -> ShownTier | None:
    """The tier an item needs, from a row holding the item's tier id at `at` and the tier's
    other columns from `start` on (None: any tier)."""
    tier_id = values[at]
    return ShownTier(tier_id, *values[start:start + len(_TIER_COLUMNS)]) \
        if tier_id is not None else None


def _shown(row) -> tuple[ShownItem, int]:
    """An item and what the member has bought of it, from a row of `_shown_columns()`."""
    values = tuple(row)
    return ShownItem(*values[:_WIDTH], _tier(values, _TIER_AT, _WIDTH)), values[-1]


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


def counted():
    """SQL for "the order (the row's) counts towards limits and quotas". The statuses are
    bound as separate values, not as one list that SQLAlchemy would write out into the SQL
    again at every execution."""
    return orders.status.in_([literal(status) for status in COUNTED_STATUSES])


def bought():
    """How many of the item (the row's) the member (`member_id`) has on counted orders, as a
    subquery."""
    return (select(func.coalesce(func.sum(orders.quantity), 0))
            .where(orders.member_id == bindparam("member_id"), orders.item_id == items.id,
                   counted())
            .correlate(Item.__table__).scalar_subquery())


def ordered_between(start: str, end: str):
    """How many of the item (the row's) all members have on counted orders placed in
    [start, end) (the names of their values), as a subquery."""
    return (select(func.coalesce(func.sum(orders.quantity), 0))
            .where(orders.item_id == items.id, counted(),
                   orders.created_at >= bindparam(start), orders.created_at < bindparam(end))
            .correlate(Item.__table__).scalar_subquery())


def redeemable(bought_so_far, most: str = "balance"):
    """SQL for "refusal() finds nothing against one of this item": on sale, in stock, the
    quota not gone, the tier reached, under the limit and priced at most `most` (the name of
    a value: the balance, or a lower figure that also bounds the price). Its values are
    those of `values()`."""
    now = bindparam("now", type_=items.sale_ends_at.type)
    tiers = Tier.__table__.c
    tiers_reached = select(tiers.id).where(tiers.rank <= bindparam("rank"))
    within_quota = or_(
        items.quota.is_(None),
        and_(items.quota_period == DAY,
             ordered_between("day_start", "day_end") + 1 <= items.quota),
        and_(items.quota_period != DAY,
             ordered_between("month_start", "month_end") + 1 <= items.quota))
    return and_(items.active.is_(True), within_quota,
                or_(items.sale_ends_at.is_(None), items.sale_ends_at > now),
                or_(items.sale_starts_at.is_(None), items.sale_starts_at <= now),
                or_(items.stock.is_(None), items.stock >= 1),
                or_(items.min_tier_id.is_(None), items.min_tier_id.in_(tiers_reached)),
                or_(items.per_member_limit.is_(None),
                    bought_so_far + 1 <= items.per_member_limit),
                items.points_price <= bindparam(most))


def values(member: Member | SignedInMember, balance: int, now: datetime, program: Program) -> dict:
    """The values of the statements above for this member, now."""
    day_start, day_end = quotas.bounds(DAY, now, program.tz)
    month_start, month_end = quotas.bounds(MONTH, now, program.tz)
    return {"member_id": member.id, "rank": member.tier.rank, "balance": balance, "now": now,
            "day_start": day_start, "day_end": day_end,
            "month_start": month_start, "month_end": month_end}


@built_once
def _page_statements(in_category: bool, of_kind: bool, affordable: bool, dearest_first: bool,
                     on_sqlite: bool):
    """The count and the page's rows (item, bought so far) of one shape of catalog page."""
    so_far = bought()
    where = [items.active.is_(True)]
    if in_category:
        categories = Category.__table__.c
        where.append(items.category_id.in_(
            select(categories.id).where(categories.slug == bindparam("category"))))
    if of_kind:
        where.append(items.kind == bindparam("kind"))
    if affordable:
        where.append(redeemable(so_far))
    price = items.points_price.desc() if dearest_first else items.points_price
    count = select(func.count()).select_from(Item.__table__).where(*where)
    if on_sqlite and len(where) == 1:
        # Every item on show: all items less those off show. SQLite counts a table's rows
        # from its pages, and finds the few off show in the index, where counting those on
        # show reads each of their index entries (5,000 items: 0.2 ms against 6 µs).
        # PostgreSQL reads the rows either way, so it counts them once.
        count = select(select(func.count()).select_from(Item.__table__).scalar_subquery()
                       - select(func.count()).select_from(Item.__table__)
                       .where(items.active.is_(False)).scalar_subquery())
    return (count,
            select(*_shown_columns()).select_from(_with_tier()).where(*where)
            .order_by(price, items.id).limit(bindparam("size")).offset(bindparam("skip")))


def page(member: Member | SignedInMember, balance: int, now: datetime, program: Program, *,
         category: str | None = None, affordable: bool = False, sort: str = "points",
         kind: str | None = None, number: int = 1, size: int = PAGE_SIZE) -> OfferPage:
    """A page of the items on show, cheapest first (or dearest with sort "-points"), in a
    category, of a kind, or only those the member can redeem now: two queries, one to count
    and one for the page's items with what the member has bought of each. A page past the
    end is the last page."""
    count, page_rows = _page_statements(bool(category), bool(kind), affordable,
                                        sort == "-points",
                                        db.session.get_bind().dialect.name == "sqlite")
    bound = {"category": category, "kind": kind}
    bound.update(values(member, balance, now, program) if affordable
                 else {"member_id": member.id})
    total = read(count, bound).scalar()
    pages = max(1, -(-total // size))
    number = min(max(number, 1), pages)
    rows = read(page_rows, {**bound, "size": size, "skip": (number - 1) * size}).all()
    return OfferPage(_offers(rows, member, balance, now, program), number, pages, total)


@built_once
def _suggested():
    """The `size` items nearest `expiring` points the member can redeem: the nearest at or
    above it and the nearest below it are read from the price index, each side stopping at
    `size`, and the nearest of those come first (then the cheaper, then the older)."""
    so_far = bought()
    expiring = bindparam("expiring")
    above = (select(Item.id).where(redeemable(so_far), Item.points_price >= expiring)
             .order_by(Item.points_price, Item.id).limit(bindparam("size")).subquery())
    # Below, one bound for the price (the lower of the balance and the figure less one):
    # given two, SQLite may walk the price index down from the higher, through every item
    # priced between them.
    below = (select(Item.id).where(redeemable(so_far, most="below"))
             .order_by(Item.points_price.desc(), Item.id).limit(bindparam("size")).subquery())
    nearest = union_all(select(above.c.id), select(below.c.id))
    return (select(*_shown_columns()).select_from(_with_tier()).where(items.id.in_(nearest))
            .order_by(func.abs(items.points_price - expiring), items.points_price, items.id)
            .limit(bindparam("size")))


def suggestions(member: Member | SignedInMember, balance: int, now: datetime, program: Program,
                expiring: int, limit: int = 4) -> list[Offer]:
    """Items the member can redeem now, those that best use up the expiring points first:
    at most `limit` rows read, in one query."""
    rows = read(_suggested(), {**values(member, balance, now, program),
                               "expiring": expiring, "size": limit,
                               "below": min(balance, expiring - 1)}).all()
    return _offers(rows, member, balance, now, program)


def _offers(rows, member: Member | SignedInMember, balance: int, now: datetime,
            program: Program) -> list[Offer]:
    """The offers of rows of `_shown_columns()`, their quotas' use read in one query."""
    shown = [_shown(row) for row in rows]
    used = quotas.uses([item for item, _ in shown], now, program.tz)
    return offers(shown, member, balance, now, program, used)


class ShownCategory(NamedTuple):
    """The category an item is shown in, as its page's way back names it."""

    slug: str
    name: str
    name_en: str


# One item on show in full, as its page, the confirm step and the kiosk read it: a
# ShownItem's columns, the item's description, the tier it needs and the category it is
# shown in.
ItemOnShow = NamedTuple("ItemOnShow", [
    *((name, kind) for name, kind in ShownItem.__annotations__.items() if name != "min_tier"),
    ("description", str), ("description_en", str),
    ("min_tier", ShownTier | None), ("category", ShownCategory)])


_DETAIL_COLUMNS, _CATEGORY_COLUMNS = ItemOnShow._fields[:-2], ShownCategory._fields
_DETAIL_WIDTH, _DETAIL_TIER_AT = len(_DETAIL_COLUMNS), _DETAIL_COLUMNS.index("min_tier_id")


@built_once
def _item_on_show():
    """One item on show (`item_id`): its columns, its tier's, its category's, then what the
    member has bought of it."""
    tiers, categories = Tier.__table__.c, Category.__table__
    return (select(*[items[name] for name in _DETAIL_COLUMNS],
                   *[tiers[name] for name in _TIER_COLUMNS],
                   *[categories.c[name] for name in _CATEGORY_COLUMNS], bought())
            .select_from(_with_tier().join(categories, items.category_id == categories.c.id))
            .where(items.id == bindparam("item_id"), items.active.is_(True)))


def on_show(member: Member | SignedInMember, item_id: int, balance: int, now: datetime,
            program: Program) -> Offer | None:
    """An item on show as the member sees it, read as columns with the member's orders of it
    in one query; None if there is no such item or it is not on show."""
    row = read(_item_on_show(), {"member_id": member.id, "item_id": item_id}).first()
    if row is None:
        return None
    values, width = tuple(row), _DETAIL_WIDTH
    item = ItemOnShow(*values[:width], _tier(values, _DETAIL_TIER_AT, width),
                      ShownCategory(*values[width + len(_TIER_COLUMNS):-1]))
    return offer(item, member, balance, values[-1], now, program)
