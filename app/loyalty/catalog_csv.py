"""The catalog as CSV: every item exported with a header row; a file imported all or
nothing, every row checked first and each bad one reported with its line number. A blank
id lists a new item, a known id updates it, an unknown id is a bad row. Exporting and
importing the file unchanged changes nothing. A file written before items had a cost and a
quota (without those last columns) still imports, and leaves them as they are."""
import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from . import catalog
from .errors import InvalidCatalogFile, InvalidItem
from .models import MONTH, Item, Tier, utcnow
from .program import running_program
from .transaction import write_transaction

COLUMNS = ("id", "category", "name", "name_en", "description", "description_en", "kind",
           "points_price", "cash_fen", "stock", "per_member_limit", "min_tier",
           "sale_starts_at", "sale_ends_at", "active", "image", "cost_fen", "quota",
           "quota_period")
EARLIER_COLUMNS = COLUMNS[:16]  # files exported before items had a cost and a quota
MAX_ROWS, MAX_BYTES = 5000, 2 * 1024 * 1024
INTEGERS = ("points_price", "cash_fen", "stock", "per_member_limit", "cost_fen", "quota")
OPTIONAL = ("stock", "per_member_limit", "quota")  # blank: unlimited, no limit, no quota
TIMES = ("sale_starts_at", "sale_ends_at")
TRUE, FALSE = ("1", "true", "yes"), ("0", "false", "no")


@dataclass
class Imported:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    changes: list[catalog.Change] = field(default_factory=list)  # for the audit log


def export_items() -> str:
    """Every item, oldest first, as CSV text (times in the program's timezone)."""
    tz = running_program().tz
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for item in db.session.scalars(select(Item).order_by(Item.id)):
        writer.writerow([
            item.id, item.category.slug, item.name, item.name_en, item.description,
            item.description_en, item.kind, item.points_price, item.cash_fen,
            "" if item.stock is None else item.stock,
            "" if item.per_member_limit is None else item.per_member_limit,
            item.min_tier.code if item.min_tier else "",
            *(getattr(item, t).astimezone(tz).isoformat() if getattr(item, t) else ""
              for t in TIMES),
            "1" if item.active else "0", item.image, item.cost_fen,
            "" if item.quota is None else item.quota, item.quota_period])
    return out.getvalue()


def import_items(data: bytes, *, staff_id: int | None = None, actor_id: int | None = None,
                 address: str = "", now: datetime | None = None) -> Imported:
    """Import a catalog file, all or nothing; InvalidCatalogFile lists (line, field,
    problem) for every bad row, and nothing is changed then. With an `actor_id` each item
    created or changed is audited in the same transaction."""
    now = now or utcnow()
    staff_id = actor_id or staff_id
    rows = _rows(data)
    with write_transaction():
        plan, problems = _checked(rows)
        if problems:
            raise InvalidCatalogFile(problems=problems)
        done = Imported()
        for item, values in plan:
            if item is None:
                change = catalog.create_locked(values, staff_id=staff_id, now=now)
                done.created.append(change.item_id)
            else:
                changed = {k: v for k, v in values.items() if getattr(item, k) != v}
                if not changed:
                    continue
                change = catalog.edit_locked(item, changed, staff_id=staff_id, now=now)
                done.updated.append(change.item_id)
            done.changes.append(change)
            catalog.audit_change(change, actor_id, address, now)
        return done


def _rows(data: bytes) -> list[tuple[int, list[str], tuple[str, ...]]]:
    if len(data) > MAX_BYTES:
        raise InvalidCatalogFile(problems=[(0, "file", "too_large")])
    try:
        text = data.decode("utf-8-sig")  # Excel writes a byte order mark
    except UnicodeDecodeError:
        raise InvalidCatalogFile(problems=[(0, "file", "not_text")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        header = tuple(h.strip() for h in header) if header is not None else None
        if header not in (COLUMNS, EARLIER_COLUMNS):
            raise InvalidCatalogFile(problems=[(1, "file", "header")])
        rows, start = [], reader.line_num + 1
        for row in reader:  # a row's line is where it starts (a cell may hold line breaks)
            if any(cell.strip() for cell in row):
                rows.append((start, row, header))
            start = reader.line_num + 1
            if len(rows) > MAX_ROWS:
                raise InvalidCatalogFile(problems=[(0, "file", "too_large")])
    except csv.Error:
        raise InvalidCatalogFile(problems=[(reader.line_num, "file", "not_text")]) from None
    return rows


def _checked(rows):
    """Each row as (the item it updates or None, its values), and every problem found."""
    categories = catalog.category_ids()
    tiers = dict(db.session.execute(select(Tier.code, Tier.id)).all())
    items = {item.id: item for item in db.session.scalars(
        select(Item).with_for_update(of=Item).execution_options(populate_existing=True))}
    plan, problems = [], []
    for line, row, header in rows:
        if len(row) != len(header):
            problems.append((line, "row", "columns"))
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
        found, values = _values(cells, categories, tiers)
        item = None
        if cells["id"]:
            item = items.get(int(cells["id"])) if cells["id"].isdigit() else None
            if item is None:
                found = {"id": catalog.UNKNOWN, **found}
        if not found:
            try:
                found = (catalog.edit_problems(item, values) if item is not None
                         else _new_problems(values))
            except InvalidItem as refused:
                found = refused.details["problems"]
        problems += [(line, name, problem) for name, problem in found.items()]
        plan.append((item, values))
    return plan, problems


def _new_problems(values: dict) -> dict[str, str]:
    if values["kind"] == "coupon" and values["stock"]:
        return {"stock": catalog.SET_BY_CODES}
    return catalog.problems({**values, "stock": 0 if values["kind"] == "coupon"
                             else values["stock"]})


def _values(cells: dict, categories: dict, tiers: dict) -> tuple[dict, dict]:
    found, values = {}, {name: cells[name] for name in (
        "name", "name_en", "description", "description_en", "kind", "image")}
    values["category_id"] = categories.get(cells["category"])
    if values["category_id"] is None:
        found["category_id"] = catalog.UNKNOWN
    values["min_tier_id"] = tiers.get(cells["min_tier"]) if cells["min_tier"] else None
    if cells["min_tier"] and values["min_tier_id"] is None:
        found["min_tier_id"] = catalog.UNKNOWN
    for name in INTEGERS:
        if name not in cells:  # a file from before this column: the item keeps its own
            continue
        text = cells[name]
        if not text and name in OPTIONAL:
            values[name] = None
        elif text.lstrip("-").isdigit() and text.isascii():
            values[name] = int(text)
        else:
            found[name] = catalog.NOT_A_NUMBER
    for name in TIMES:
        values[name] = None
        if cells[name]:
            try:
                when = datetime.fromisoformat(cells[name])
                values[name] = (when if when.tzinfo else when.replace(tzinfo=running_program().tz)
                                ).astimezone(running_program().tz)
            except ValueError:
                found[name] = "not_a_time"
    if "quota_period" in cells:
        values["quota_period"] = cells["quota_period"] or MONTH
    active = cells["active"].lower()
    if active not in TRUE + FALSE:
        found["active"] = catalog.UNKNOWN
    values["active"] = active in TRUE
    return found, values
