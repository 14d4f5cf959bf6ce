"""How page speed and redemption cost scale with a member's history.

Times are ratios against a baseline measured in the same run, so the numbers mean the
same on a fast or a slow machine: a member with 10,000 ledger entries against one
with 10, and the thousandth redemption against the first.

    .venv/bin/python -m bench.pages [--entries 10000] [--rounds 30]
"""
import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, update

from app import create_app
from app.extensions import db
from app.loyalty import accounts, day_totals, expiring_points, redemption
from app.loyalty.expiry import lot_expiry
from app.loyalty.models import ADJUST, EARN, Category, Item, LedgerEntry, Member, PointLot, utcnow
from app.loyalty.program import running_program

PASSWORD = "bench-password-1"
PAGES = ("/", "/catalog", "/points", "/orders")


def member_with_history(phone: str, entries: int, points: int = 1, name: str = "bench",
                        password: str = PASSWORD) -> int:
    """A member with `entries` earn entries of `points` each, each in its own lot, written in
    bulk."""
    member_id = accounts.join(phone, name, password).id
    start, program = utcnow() - timedelta(days=300), running_program()
    lots = [{"member_id": member_id, "points": points, "remaining": points,
             "earned_at": start + timedelta(minutes=n),
             "expires_at": lot_expiry(start + timedelta(minutes=n), program)}
            for n in range(entries)]
    db.session.execute(insert(PointLot), lots)
    lot_ids = db.session.scalars(db.select(PointLot.id).where(PointLot.member_id == member_id)
                                 .order_by(PointLot.id)).all()
    db.session.execute(insert(LedgerEntry), [
        {"member_id": member_id, "kind": EARN, "points": points,
         "balance_after": (n + 1) * points,
         "detail": "visit", "lot_id": lot_id, "created_at": start + timedelta(minutes=n)}
        for n, lot_id in enumerate(lot_ids)])
    db.session.execute(update(Member).where(Member.id == member_id)
                       .values(points_balance=entries * points))
    expiring_points.recount([member_id])
    day_totals.recount([member_id])
    db.session.commit()
    return member_id


def catalog(items: int = 30) -> list[int]:
    category = Category(slug="bench", name="测试", name_en="Bench")
    db.session.add(category)
    db.session.flush()
    rows = [Item(category_id=category.id, name=f"商品{n}", name_en=f"Item {n}",
                 points_price=1 + n * 50, stock=None) for n in range(items)]
    db.session.add_all(rows)
    db.session.commit()
    return [item.id for item in rows]


def median_ms(client, url: str, rounds: int) -> float:
    client.get(url)  # warm up templates and caches
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        assert client.get(url).status_code == 200
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def signed_in(app, phone: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"phone": phone, "password": PASSWORD, "csrf_token": token})
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
                          "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            upgrade()
            items = catalog()
            member_with_history("13000000001", 10)
            long_id = member_with_history("13000000002", args.entries)
            db.session.remove()

        short, long = signed_in(app, "13000000001"), signed_in(app, "13000000002")
        print(f"{'page':<10}{'10 entries':>14}{f'{args.entries:,} entries':>18}{'ratio':>8}")
        for url in PAGES:
            base, heavy = median_ms(short, url, args.rounds), median_ms(long, url, args.rounds)
            print(f"{url:<10}{base:>11.1f} ms{heavy:>15.1f} ms{heavy / base:>8.2f}")

        with app.app_context():
            accounts.award(long_id, 1_000_000, "bench", kind=ADJUST)
            timings = []
            for n in range(1000):
                began = time.perf_counter()
                redemption.redeem(long_id, items[n % 5], f"bench-{n}")
                timings.append(time.perf_counter() - began)
            first = statistics.median(timings[:50]) * 1000
            last = statistics.median(timings[-50:]) * 1000
            print(f"redeem: first 50 {first:.2f} ms, last 50 {last:.2f} ms, "
                  f"ratio {last / first:.2f}; {1000 / sum(timings):.0f} redemptions/s")


if __name__ == "__main__":
    main()
