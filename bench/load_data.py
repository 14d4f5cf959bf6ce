"""The load bench's database: the mall as a busy program has it, built once and reused.

100,000 members with 2,000,000 ledger entries and their lots over two years (bench/reports.py's
fill), 5,000 catalog items, the demo member with 10,000 entries of their own and ample points,
one item with ample stock for the redemptions, and a store with a till key for the purchases.
The file is kept under bench/data/, named by a fingerprint of the migrations and of the code
that fills it, so a changed migration or loader builds it again; each run works on a copy.
"""
import hashlib
import json
import shutil
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select, text

from app import create_app
from app.demo import DEMO_NAME, DEMO_PASSWORD, DEMO_PHONE
from app.extensions import db
from app.loyalty import redemption, stock, stores
from app.loyalty.models import OPENING, Category, Item
from app.loyalty.transaction import write_transaction
from bench import pages, reports

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
MEMBERS, ENTRIES, ITEMS, DEMO_ENTRIES = 100_000, 2_000_000, 5_000, 10_000
DEMO_POINTS_EACH = 100      # 1,000,000 points: redemptions never run short
REDEEM_PRICE, REDEEM_STOCK = 10, 10_000_000
PAST_ORDERS = 200           # the demo member's orders before the run, on PostgreSQL
STORE = "B1"                # the store bench/reports.py's fill opens
IMAGES = sorted(p.name for p in (ROOT / "static" / "img" / "catalog").glob("*.svg"))
SOURCES = (Path(__file__), Path(reports.__file__), Path(pages.__file__))


def fingerprint() -> str:
    """What the database depends on: every migration and the code that fills it."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "migrations").rglob("*.py")) + list(SOURCES):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def bench_app(url: str):
    """The mall's app on `url`, as the bench runs it in-process."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})


def cached() -> tuple[Path, dict]:
    """The built database and what the bench needs to know about it; builds it if missing."""
    stamp = fingerprint()
    path, meta_path = DATA / f"mall-{stamp}.sqlite3", DATA / f"mall-{stamp}.json"
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text())
    DATA.mkdir(parents=True, exist_ok=True)
    for old in DATA.glob("mall-*"):
        old.unlink()
    building = DATA / "building.sqlite3"
    for leftover in DATA.glob("building.sqlite3*"):
        leftover.unlink()
    began = time.perf_counter()
    meta = build(f"sqlite:///{building}")
    meta["build_seconds"] = round(time.perf_counter() - began, 1)
    building.rename(path)
    meta_path.write_text(json.dumps(meta, indent=2))
    print(f"built the load bench's database in {meta['build_seconds']} s: {path}", flush=True)
    return path, meta


def working_copy(path: Path) -> Path:
    """A fresh copy of the built database for one run, so every run starts alike."""
    run = DATA / "run.sqlite3"
    for leftover in DATA.glob("run.sqlite3*"):
        leftover.unlink()
    shutil.copyfile(path, run)
    return run


def build(url: str, *, members: int = MEMBERS, entries: int = ENTRIES, items: int = ITEMS,
          demo_entries: int = DEMO_ENTRIES, history: bool = True) -> dict:
    """Migrate and fill the database at `url`; what the bench needs to know about it.
    Without `history` only the demo member (with the orders of `past_orders`), the items
    and the store are made (the PostgreSQL run: its redemptions against its own write
    probe)."""
    app = bench_app(url)
    with app.app_context():
        upgrade()
        if history:
            reports.fill(entries, members)
        else:
            db.session.execute(text("INSERT INTO stores (code, name, created_at) "
                                    "VALUES (:code, 'bench', CURRENT_TIMESTAMP)"),
                               {"code": STORE})
            db.session.execute(text("INSERT INTO categories (slug, name, name_en, position) "
                                    "VALUES ('bench', '测试', 'Bench', 0)"))
            db.session.commit()
        catalog(items)
        demo_id = pages.member_with_history(DEMO_PHONE, demo_entries, DEMO_POINTS_EACH,
                                            DEMO_NAME, DEMO_PASSWORD)
        redeem_item = ample_item()
        if not history:
            past_orders(demo_id, redeem_item)
        key = stores.create_key(STORE)
        # The planner's statistics, as a database in service has them (PostgreSQL's
        # autovacuum gathers them within a minute of a bulk load; the bench starts sooner).
        # Without them PostgreSQL guesses a few lots for the demo member and sorts all
        # 10,000 of them on each redemption rather than reading the first few in order.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        item_id = db.session.scalar(select(Item.id).order_by(Item.id))
        db.session.remove()
        db.engine.dispose()
    return {"members": members if history else 1, "ledger_entries": entries if history else 0,
            "items": items, "demo_entries": demo_entries, "demo_phone": DEMO_PHONE,
            "demo_member_id": demo_id, "redeem_item": redeem_item, "item": item_id,
            "api_key": key, "fill_phones": f"139%08d, 1 to {members}" if history else ""}


def catalog(items: int) -> None:
    """Catalog items up to `items`, spread over a few categories, with the demo's pictures."""
    for position, slug in enumerate(("coffee", "beauty", "home", "members"), start=1):
        db.session.execute(text("""INSERT INTO categories (slug, name, name_en, position)
                                   VALUES (:slug, :slug, :slug, :position)"""),
                           {"slug": f"bench-{slug}", "position": position})
    first = db.session.scalar(select(Category.id).order_by(Category.id))
    have = db.session.scalar(text("SELECT count(*) FROM items"))
    images = ", ".join(f"'img/catalog/{name}'" for name in IMAGES)
    db.session.execute(text(f"""
        WITH RECURSIVE n(i) AS (SELECT :have + 1 UNION ALL SELECT i + 1 FROM n WHERE i < :items),
        pictures(list) AS (SELECT json_array({images}))
        INSERT INTO items (category_id, name, name_en, description, description_en, image, kind,
                           points_price, cash_fen, stock, active, created_at)
        SELECT :first + i % 5, '商品' || i, 'Item ' || i, '', '',
               json_extract(list, '$[' || (i % {len(IMAGES)}) || ']'), 'pickup',
               50 + (i % 100) * 50, 0, NULL, true, CURRENT_TIMESTAMP
        FROM n, pictures""") if db.engine.dialect.name == "sqlite" else text(f"""
        INSERT INTO items (category_id, name, name_en, description, description_en, image, kind,
                           points_price, cash_fen, stock, active, created_at)
        SELECT :first + i % 5, '商品' || i, 'Item ' || i, '', '',
               (ARRAY[{images}])[1 + i % {len(IMAGES)}], 'pickup',
               50 + (i % 100) * 50, 0, NULL, true, CURRENT_TIMESTAMP
        FROM generate_series(:have + 1, :items) AS i"""),
        {"have": have, "items": items, "first": first})
    db.session.commit()


def past_orders(member_id: int, item_id: int, orders: int = PAST_ORDERS) -> None:
    """Orders the member placed before the run, redeemed as any other as the database is
    built, so that the orders table's statistics know a member can have many (fill writes
    orders only with the history)."""
    for n in range(orders):
        redemption.redeem(member_id, item_id, f"past-{n}")


def ample_item() -> int:
    """A cheap points-only item with ample stock, its opening stock recorded; its id."""
    with write_transaction():
        category = db.session.scalar(select(Category.id).order_by(Category.id))
        item = Item(category_id=category, name="压力测试咖啡", name_en="Load test coffee",
                    image=f"img/catalog/{IMAGES[0]}", points_price=REDEEM_PRICE,
                    stock=REDEEM_STOCK)
        db.session.add(item)
        db.session.flush()
        stock.record(item.id, REDEEM_STOCK, OPENING, REDEEM_STOCK)
        return item.id
