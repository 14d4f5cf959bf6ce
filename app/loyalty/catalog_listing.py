"""The catalog as staff look through it: every item, shown or hidden, filtered by category,
state, low stock and name, 50 to a page; items running low (a coupon item's pool included)
are counted."""
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from app.extensions import db
from .models import Category, Item, Staff, Tier
from .program import running_program

PAGE_SIZE = 50
SHOWN, HIDDEN = "shown", "hidden"
STATES = (SHOWN, HIDDEN)


@dataclass(frozen=True)
class Page:
    items: list[Item]
    number: int
    pages: int
    total: int
    low: int          # items of the whole catalog at or below the low-stock mark


def is_low(item: Item) -> bool:
    """Limited stock (or a pool of codes) at or below the program's low-stock mark."""
    return item.stock is not None and item.stock <= running_program().low_stock


def _low():
    return Item.stock.is_not(None) & (Item.stock <= running_program().low_stock)


def search(category_id: int | None = None, state: str | None = None, low: bool = False,
           text: str = "", page: int = 1, size: int = PAGE_SIZE) -> Page:
    """Items newest first, filtered by category, shown or hidden, low stock and a piece of
    the Chinese or English name."""
    query = select(Item)
    if category_id is not None:
        query = query.where(Item.category_id == category_id)
    if state in STATES:
        query = query.where(Item.active.is_(state == SHOWN))
    if low:
        query = query.where(_low())
    text = (text or "").strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Item.name.ilike(pattern, escape="\\"),
                                Item.name_en.ilike(pattern, escape="\\")))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // size))
    number = min(max(page, 1), pages)
    items = db.session.scalars(query.order_by(Item.id.desc()).limit(size)
                               .offset((number - 1) * size)).unique().all()
    low_count = db.session.scalar(select(func.count()).select_from(Item).where(_low()))
    return Page(list(items), number, pages, total, low_count)


def categories() -> list[Category]:
    return db.session.scalars(select(Category).order_by(Category.position, Category.id)).all()


def tiers() -> list[Tier]:
    return db.session.scalars(select(Tier).order_by(Tier.rank)).all()


def staff_names(ids) -> dict[int, str]:
    """Usernames of these staff ids (for a stock history's "by whom")."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Staff.id, Staff.username)
                                   .where(Staff.id.in_(ids))).all())
