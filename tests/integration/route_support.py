"""Helpers shared by the route tests: pages read the way a browser or htmx would."""
import re
import uuid

from sqlalchemy import func, insert, select, update

from app.extensions import db
from app.loyalty import day_totals, expiring_points
from app.loyalty.models import (
    FULFILLED,
    REDEEM,
    AuditEntry,
    Item,
    LedgerEntry,
    LotAllocation,
    Member,
    Notice,
    Order,
    PointLot,
    utcnow,
)
from tests.support import csrf_token

HTMX = {"HX-Request": "true"}


def english(client) -> None:
    """Switch the session to English, as the footer's language button does."""
    response = client.post("/lang/en", data={"csrf_token": csrf_token(client), "next": "/rules"})
    assert response.status_code == 302


def text(response) -> str:
    return response.get_data(as_text=True)


def by_testid(html: str, name: str) -> list[str]:
    """The inner text of every element carrying data-testid=name."""
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(
        rf'data-testid="{name}"[^>]*>(.*?)</', html, flags=re.S)]


def attrs(html: str, testid: str) -> dict[str, str]:
    """The attributes of the first element carrying data-testid=testid."""
    tag = re.search(rf'<[a-z]+\b[^>]*data-testid="{testid}"[^>]*>', html, flags=re.S)
    assert tag, f"no {testid} in page"
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(0)))


def item_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="catalog-item"\s+data-item-id="(\d+)"',
                                       html)]


def card(html: str, item_id: int) -> str:
    """One catalog card's markup."""
    match = re.search(rf'<article[^>]*data-item-id="{item_id}".*?</article>', html, flags=re.S)
    assert match, f"no card for item {item_id}"
    return match.group(0)


def new_key() -> str:
    return uuid.uuid4().hex


def redeem_form(client, item_id: int, page: str | None = None, **overrides) -> dict:
    """The confirm form as the page writes it: with the item's price as it is now."""
    shown = db.session.execute(select(Item.points_price, Item.cash_fen)
                               .where(Item.id == item_id)).first() or (1, 0)
    data = {"csrf_token": csrf_token(client, page or f"/catalog/{item_id}"),
            "key": new_key(), "quantity": "1",
            "points_price": str(shown[0]), "cash_fen": str(shown[1])}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page's form, as a browser would send them back."""
    fields = {}
    for tag in re.findall(r'<input\b[^>]*type="hidden"[^>]*>', html):
        found = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        fields[found["name"]] = found.get("value", "")
    return fields


def snapshot(member_id: int, item_id: int | None = None) -> tuple:
    """Everything a refused or repeated request must leave as it was."""
    db.session.rollback()
    db.session.expire_all()
    return (
        db.session.scalar(select(Member.points_balance).where(Member.id == member_id)),
        db.session.scalar(select(Item.stock).where(Item.id == item_id)) if item_id else None,
        db.session.scalar(select(func.count()).select_from(Order)),
        db.session.scalar(select(func.count()).select_from(LedgerEntry)),
        tuple(db.session.scalars(select(PointLot.remaining).order_by(PointLot.id))),
    )


def stock(item_id: int) -> int | None:
    db.session.rollback()
    return db.session.scalar(select(Item.stock).where(Item.id == item_id))


def order_by_code(code: str) -> Order:
    db.session.rollback()
    return db.session.scalar(select(Order).where(Order.code == code)
                             .execution_options(populate_existing=True))


def only_order(member_id: int) -> Order:
    db.session.rollback()
    return db.session.scalars(select(Order).where(Order.member_id == member_id)
                              .execution_options(populate_existing=True)).one()


def bulk_history(member_id: int, entries: int, start=None) -> None:
    """`entries` earn entries of one point each, each with its own lot, written in bulk
    (executemany) and consistent with the member's balance: for long histories, fast."""
    from datetime import timedelta

    from sqlalchemy import insert, update

    from app.loyalty.expiry import lot_expiry
    from app.loyalty.models import EARN, utcnow
    from app.loyalty.program import running_program

    db.session.rollback()
    start = start or utcnow() - timedelta(days=300)
    settings = running_program()
    balance_now = db.session.scalar(select(Member.points_balance).where(Member.id == member_id))
    first_lot = (db.session.scalar(select(func.max(PointLot.id))) or 0) + 1
    lots, rows = [], []
    for n in range(entries):
        at = start + timedelta(minutes=n)
        lots.append({"id": first_lot + n, "member_id": member_id, "points": 1, "remaining": 1,
                     "earned_at": at,
                     "expires_at": lot_expiry(at, settings)})
        rows.append({"member_id": member_id, "kind": EARN, "points": 1,
                     "balance_after": balance_now + n + 1, "detail": f"visit {n}",
                     "ref_type": None, "ref_id": None, "lot_id": first_lot + n,
                     "created_at": at})
    db.session.execute(insert(PointLot), lots)
    db.session.execute(insert(LedgerEntry), rows)
    db.session.execute(update(Member).where(Member.id == member_id)
                       .values(points_balance=balance_now + entries))
    expiring_points.recount([member_id])
    day_totals.recount([member_id])
    db.session.commit()


def audits(action: str) -> list[AuditEntry]:
    """The audit entries of `action`, oldest first, as committed."""
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


def bulk_orders(member_id: int, item_ids: list[int], count: int) -> None:
    """`count` fulfilled one-point orders of the items in turn, written in bulk with their
    ledger entries and the one-point lots of the member's earlier history that they drew, so
    the ledger still adds up (see `bulk_history`)."""
    db.session.rollback()
    now = utcnow()
    balance_now = db.session.scalar(select(Member.points_balance).where(Member.id == member_id))
    lots = db.session.scalars(select(PointLot.id).where(PointLot.member_id == member_id,
                                                        PointLot.points == 1,
                                                        PointLot.remaining == 1)
                              .order_by(PointLot.id).limit(count)).all()
    assert len(lots) == count, "bulk_history first: each order draws one lot"
    codes = [f"Q{uuid.uuid4().hex[:12].upper()}" for _ in range(count)]
    entries = db.session.scalars(
        insert(LedgerEntry).returning(LedgerEntry.id, sort_by_parameter_order=True),
        [{"member_id": member_id, "kind": REDEEM, "points": -1,
          "balance_after": balance_now - n - 1, "detail": "bulk", "ref_type": "order",
          "ref_id": code, "lot_id": None, "created_at": now} for n, code in enumerate(codes)]
    ).all()
    db.session.execute(insert(LotAllocation), [{"entry_id": entry, "lot_id": lot, "points": 1}
                                               for entry, lot in zip(entries, lots, strict=True)])
    db.session.execute(update(PointLot).where(PointLot.id.in_(lots)).values(remaining=0))
    expiring_points.recount([member_id])
    day_totals.recount([member_id])
    db.session.execute(insert(Order), [
        {"code": code, "member_id": member_id, "item_id": item_ids[n % len(item_ids)],
         "quantity": 1, "points": 1, "cash_fen": 0, "status": FULFILLED, "idempotency_key": code,
         "redeem_entry_id": entry, "fulfilled_at": now, "created_at": now}
        for n, (code, entry) in enumerate(zip(codes, entries, strict=True))])
    db.session.execute(update(Member).where(Member.id == member_id)
                       .values(points_balance=balance_now - count))
    db.session.commit()


def bulk_notices(member_id: int, count: int, read: bool | None = None) -> None:
    """`count` notices in the member's inbox, written in bulk: every other one read, or all
    of them read (`read=True`) or unread (`read=False`)."""
    now = utcnow()
    db.session.execute(insert(Notice), [
        {"member_id": member_id, "kind": "expiry", "title": f"通知 {n}", "body": "积分即将过期。",
         "link": "/points", "created_at": now,
         "read_at": now if (n % 2 if read is None else read) else None}
        for n in range(count)])
    db.session.commit()


def bulk_items(count: int, category_id: int | None = None, **fields) -> list[int]:
    """`count` catalog items priced 100, 101, ... (up to 999, then again), written in bulk, in
    the first category unless another is named; their ids."""
    from app.loyalty.models import Category

    category_id = category_id or db.session.scalar(select(Category.id).order_by(Category.id))
    rows = [{"category_id": category_id, "name": f"商品 {n}", "name_en": f"Item {n}",
             "points_price": 100 + n % 900, "stock": None, "per_member_limit": None, **fields}
            for n in range(count)]
    ids = db.session.scalars(insert(Item).returning(Item.id, sort_by_parameter_order=True),
                             rows).all()
    db.session.commit()
    return list(ids)
