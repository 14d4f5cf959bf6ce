"""What the console's start page counts: members, items on offer, today's orders."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.extensions import db
from .models import Item, Member, Order


@dataclass(frozen=True)
class Overview:
    members: int
    items: int            # active items in the catalog
    orders_today: int     # placed since the local midnight


def local_midnight(now: datetime, tz: ZoneInfo) -> datetime:
    """The start of the local day `now` falls in, as UTC."""
    day = now.astimezone(tz).date()
    return datetime.combine(day, time(), tzinfo=tz).astimezone(timezone.utc)


def overview(now: datetime, tz: ZoneInfo) -> Overview:
    since = local_midnight(now, tz)
    return Overview(
        members=db.session.scalar(select(func.count()).select_from(Member)),
        items=db.session.scalar(select(func.count()).select_from(Item)
                                .where(Item.active.is_(True))),
        orders_today=db.session.scalar(
            select(func.count()).select_from(Order)
            .where(Order.created_at >= since, Order.created_at < since + timedelta(days=1))))
