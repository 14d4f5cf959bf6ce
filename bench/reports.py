"""How long the reports page's queries take over two million ledger entries.

Fills a SQLite database with ~100,000 members and two years of history in bulk (recursive
CTEs, not the ORM, with the tables' indexes built once at the end): purchases (one in fifty
with a campaign bonus), check-ins, adjustments, redemptions with their orders, returns,
expiries and clawbacks, a lot for every credit. Keeps the ended months' sums as the
report-months job does, then times each report query, best of a few rounds, against a bare
count(*) of the ledger in the same run, and says whether the whole page's queries take
under a second (and how long the monthly flows take read from the ledger alone).

    .venv/bin/python -m bench.reports [--entries 2000000] [--members 100000] [--rounds 3]
"""
import argparse
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.loyalty import day_totals, expiring_points, report_months, reports
from app.loyalty.models import ADJUST, CLAWBACK, EARN, EXPIRE, REDEEM, RETURN, utcnow
from app.loyalty.program import running_program
from app.loyalty.report_periods import period

DAYS = 730
STAMP = "strftime('%Y-%m-%d %H:%M:%S', :start, '+' || {seconds} || ' seconds') || '.000000'"


def fill(entries: int, members: int) -> None:
    """Members, items, a store, ledger entries with their lots, purchases and orders."""
    start = (utcnow() - timedelta(days=DAYS)).strftime("%Y-%m-%d %H:%M:%S")
    step = DAYS * 86400 / entries
    run = lambda sql, **kw: db.session.execute(text(sql), {"start": start, **kw})  # noqa: E731
    indexes = _drop_indexes(run, ("ledger_entries", "point_lots", "purchases", "orders",
                                  "members"))
    run("""INSERT INTO stores (id, code, name, created_at) VALUES (1, 'B1', 'bench', :start)""")
    run("""INSERT INTO categories (id, slug, name, name_en, position)
           VALUES (1, 'bench', '测试', 'Bench', 0)""")
    run(f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
            INSERT INTO items (id, category_id, name, name_en, description, description_en,
                               image, kind, points_price, cash_fen, stock, active, created_at)
            SELECT i, 1, '商品' || i, 'Item ' || i, '', '', '', 'pickup', 50 * i, 0, NULL, 1,
                   {STAMP.format(seconds=0)} FROM n""")
    run(f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :m)
            INSERT INTO members (id, member_no, phone, name, password_hash, points_balance,
                                 points_owed, tier_id, tier_since, session_epoch, created_at)
            SELECT i, printf('9%014d', i), printf('139%08d', i), 'bench', 'x', 0, 0,
                   1 + (i % 10 = 0) + (i % 50 = 0), {STAMP.format(seconds=0)}, 0,
                   {STAMP.format(seconds=0)} FROM n""", m=members)
    # One entry in ten of each kind: 5 purchase, 1 check-in, 1 adjustment, 1 redemption,
    # 1 expiry, and 1 clawback or return.
    kind = f"""CASE WHEN i % 10 < 6 THEN '{EARN}' WHEN i % 10 = 6 THEN '{ADJUST}'
                    WHEN i % 10 = 7 THEN '{REDEEM}' WHEN i % 10 = 8 THEN '{EXPIRE}'
                    WHEN i % 20 = 9 THEN '{CLAWBACK}' ELSE '{RETURN}' END"""
    points = """CASE WHEN i % 10 < 5 THEN 10 + i % 200 WHEN i % 10 = 5 THEN 3
                     WHEN i % 10 = 6 THEN 100 WHEN i % 10 = 7 THEN -50 - (i % 7) * 50
                     WHEN i % 10 = 8 THEN -20 WHEN i % 20 = 9 THEN -5 ELSE 50 END"""
    ref_type = "CASE WHEN i % 10 < 5 THEN 'purchase' WHEN i % 10 = 5 THEN 'check_in' " \
               "WHEN i % 10 = 7 THEN 'order' ELSE NULL END"
    run(f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :e)
            INSERT INTO ledger_entries (id, member_id, kind, points, balance_after, detail,
                                        ref_type, ref_id, lot_id, created_at)
            SELECT i, 1 + i % :m, {kind}, {points}, 0, '', {ref_type}, CAST(i AS TEXT), NULL,
                   {STAMP.format(seconds=f"CAST(i * {step} AS INTEGER)")} FROM n""",
        e=entries, m=members)
    run("""INSERT INTO point_lots (id, member_id, points, remaining, earned_at, expires_at)
           SELECT id, member_id, points, CASE WHEN id % 3 = 0 THEN points ELSE 0 END,
                  created_at, CASE WHEN kind = :adjust AND id % 4 = 0 THEN NULL ELSE
                  strftime('%Y-%m-%d 16:00:00.000000', created_at, 'start of month',
                           '+13 months', '-1 day') END
           FROM ledger_entries WHERE kind IN (:earn, :adjust)""", earn=EARN, adjust=ADJUST)
    run("UPDATE ledger_entries SET lot_id = id WHERE kind IN (:earn, :adjust)",
        earn=EARN, adjust=ADJUST)
    run("""INSERT INTO purchases (store_id, reference, member_id, amount_fen, refunded_fen,
                                  lines, points, points_clawed, multiplier_pct, status,
                                  available_at, entry_id, occurred_at, created_at)
           SELECT 1, CAST(id AS TEXT), member_id, points * 100, 0, '[]', points, 0,
                  CASE WHEN id % 50 = 0 THEN 200 ELSE 100 END, 'credited', created_at, id,
                  created_at, created_at
           FROM ledger_entries WHERE kind = :earn AND ref_type = 'purchase'""", earn=EARN)
    run("""INSERT INTO orders (code, member_id, item_id, quantity, points, cash_fen, status,
                               idempotency_key, redeem_entry_id, created_at)
           SELECT printf('B%09d', id), member_id, 1 + id % 50, 1, -points, 0,
                  CASE id % 5 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'fulfilled'
                              ELSE 'confirmed' END, CAST(id AS TEXT), id, created_at
           FROM ledger_entries WHERE kind = :redeem""", redeem=REDEEM)
    run("""UPDATE members SET points_balance = balance FROM (
               SELECT member_id, sum(remaining) AS balance FROM point_lots GROUP BY member_id)
           AS held WHERE held.member_id = members.id""")
    for sql in indexes:
        run(sql)
    expiring_points.recount()
    day_totals.recount()
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _drop_indexes(run, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' own indexes (not their keys); the statements that build them again."""
    found = run(f"""SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                   AND tbl_name IN ({", ".join(f"'{t}'" for t in tables)})""").all()
    for name, _ in found:
        run(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


def best(rounds: int, call) -> tuple[float, object]:
    """The fastest of `rounds` runs, in seconds, and what the last one returned."""
    times, result = [], None
    for _ in range(rounds):
        db.session.rollback()
        began = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - began)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
                          "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            began = time.perf_counter()
            fill(args.entries, args.members)
            print(f"filled {args.entries:,} ledger entries over {args.members:,} members "
                  f"and {DAYS} days in {time.perf_counter() - began:.1f} s")
            settings, now = running_program(), datetime.now(timezone.utc)
            began = time.perf_counter()
            kept = report_months.close_months(now)
            print(f"kept the sums of {kept} ended months in {time.perf_counter() - began:.1f} s "
                  f"(the report-months job)")
            year = period(None, None, now, settings.tz)
            two_years = period(str(year.first.plus(-12)), str(year.last), now, settings.tz)
            count, total = best(args.rounds, lambda: db.session.scalar(
                text("SELECT count(*) FROM ledger_entries")))
            print(f"baseline: SELECT count(*) FROM ledger_entries = {total:,} "
                  f"in {count * 1000:.1f} ms")
            page = {
                "flows (12 months)": lambda: reports.flows(year, settings),
                "liability": lambda: reports.liability(now, settings),
                "top items": lambda: reports.top_items(year, settings),
                "orders by status": lambda: reports.orders_by_status(year, settings),
                "members by tier": lambda: reports.members_by_tier(),
            }
            spent = 0.0
            for name, call in page.items():
                seconds, _ = best(args.rounds, call)
                spent += seconds
                print(f"{name:>20}: {seconds * 1000:8.1f} ms  ({seconds / count:6.1f}x count)")
            seconds, flows = best(args.rounds, lambda: reports.flows(two_years, settings))
            print(f"{'flows (24 months)':>20}: {seconds * 1000:8.1f} ms  "
                  f"({seconds / count:6.1f}x count)")
            seconds, _ = best(args.rounds, lambda: report_months.read_ledger(
                year.months, settings.tz))
            print(f"{'flows (12 months, ledger only, no expiry)':>20}: {seconds * 1000:8.1f} ms")
            whole, report = best(1, lambda: reports.report(year, now, settings))
            liability = report.liability
            print(f"figures: issued {report.flows.total.issued.total:,} in the last 12 months "
                  f"({flows.total.issued.total:,} in 24), outstanding {liability.points:,} "
                  f"points worth {liability.value_fen:,} fen, breakage "
                  f"{float(liability.breakage.rate or 0):.2%}, expected cost "
                  f"{liability.expected_cost_fen:,} fen")
            verdict = "under" if spent < 1 else "OVER"
            print(f"the reports page's queries: {spent * 1000:.0f} ms (one cold run: "
                  f"{whole * 1000:.0f} ms), {verdict} a second")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
