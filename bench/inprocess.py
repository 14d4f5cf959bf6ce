"""The load bench's in-process figures: a redemption against the bare write probe in one
process (and, with the profile, where the redemption's time goes), and SQL statements per
page as a member's history grows, counted as tests/integration/test_query_counts.py counts them.

On its own it times redemptions on a fresh SQLite file (a member with a history, an item with
ample stock, which each redemption takes from, as in the load bench) and till purchases
(`POST /api/v1/purchases` through the test client, each with a new reference and
Idempotency-Key, spread over a few members and the chain's tills) against the probe on a
file beside it; the times are taken without a profiler, which would slow the mall's Python
and not the probe's disk:

    .venv/bin/python -m bench.inprocess [--rounds 200] [--profile]
"""
import argparse
import cProfile
import json
import logging
import pstats
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event

from app.extensions import db
from app.loyalty import accounts, redemption, stores
from app.loyalty.models import ADJUST, Store, utcnow
from bench import pages as bench_pages
from bench.hello import probe, probe_engine
from bench.load_data import REDEEM_PRICE, ample_item, bench_app
from tests.conftest import PASSWORD, sign_in
from tests.integration import test_query_counts as counts

AREAS = (("sqlite3", "database driver (sqlite3)"), ("psycopg", "database driver (psycopg)"),
         ("sqlalchemy", "SQLAlchemy"), ("/app/", "the mall's code"),
         ("flask", "Flask and its extensions"))
# The tills the purchases are spread over: risk control holds the points of a till posting
# more than 30 purchases a minute, and a held purchase credits nothing (bench/load.lua too).
TILLS = 1000


def probe_times(probe_url: str, rounds: int) -> list[float]:
    """Seconds of `rounds` bare write probes one after another."""
    engine = probe_engine(probe_url)
    probes = []
    for _ in range(rounds):
        began = time.perf_counter()
        probe(engine)
        probes.append(time.perf_counter() - began)
    engine.dispose()
    return probes


def measured(app, work, rounds: int, profiled: bool) -> dict:
    """`work(n, run)` done `rounds` times without a profiler (median milliseconds, and CPU
    milliseconds, which other work on a shared machine does not count), its SQL statements
    once, and with `profiled` as many times again under cProfile, untimed, for where the
    time goes (by area and by function). Each call is given a run name of its own and its
    number, to make its keys new."""
    spent, cpu, run = [], [], f"timed-{time.time_ns()}"
    for n in range(rounds):
        began, began_cpu = time.perf_counter(), time.process_time()
        work(n, run)
        spent.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    figures = {"ms": statistics.median(spent) * 1000, "cpu_ms": statistics.median(cpu) * 1000,
               **_statements(app, lambda n: work(rounds + n, run))}
    if profiled:
        profile, run = cProfile.Profile(), f"profiled-{time.time_ns()}"
        for n in range(rounds):
            profile.enable()
            work(n, run)
            profile.disable()
        figures.update(summary(profile))
    return figures


def redemption_against_probe(mall_url: str, probe_url: str, member_id: int, item_id: int,
                             rounds: int = 200, profiled: bool = True) -> dict:
    """Median milliseconds of `rounds` redemptions one after another and of as many probes,
    taken without a profiler (and the redemptions' CPU time, which other work on a shared
    machine does not count); with `profiled`, as many redemptions again under cProfile,
    untimed, for where they spend their time (by area and by function)."""
    probe_ms = statistics.median(probe_times(probe_url, rounds)) * 1000
    app = bench_app(mall_url)
    with app.app_context():
        redemption.redeem(member_id, item_id, f"warm-{time.time_ns()}")
        figures = measured(app, lambda n, run: redemption.redeem(member_id, item_id,
                                                                 f"{run}-{n}"),
                           rounds, profiled)
        db.session.remove()
        db.engine.dispose()
    redeem_ms, redeem_cpu_ms = figures.pop("ms"), figures.pop("cpu_ms")
    return {"rounds": rounds, "redeem_ms": round(redeem_ms, 3), "probe_ms": round(probe_ms, 3),
            "share_of_probe": round(probe_ms / redeem_ms, 4),
            "beyond_probe_ms": round(redeem_ms - probe_ms, 3),
            "redeem_cpu_ms": round(redeem_cpu_ms, 3), **figures}


def purchases_against_probe(mall_url: str, probe_url: str, api_key: str, phones: list[str],
                            rounds: int = 200, profiled: bool = True) -> dict:
    """As redemption_against_probe, for till purchases through the API (the test client):
    each a new reference and Idempotency-Key, the members taken in turn."""
    probe_ms = statistics.median(probe_times(probe_url, rounds)) * 1000
    app = bench_app(mall_url)
    client = app.test_client()
    occurred = (utcnow() - timedelta(minutes=1)).isoformat()

    def purchase(n: int, run: str) -> None:
        answer = client.post("/api/v1/purchases", json={
            "member_phone": phones[n % len(phones)], "reference": f"{run}-{n}",
            "amount_fen": 8800, "lines": [{"category": "coffee", "amount_fen": 8800}],
            "occurred_at": occurred, "till": f"T{n % TILLS:04d}"},
            headers={"Authorization": f"Bearer {api_key}", "Idempotency-Key": f"{run}-{n}"})
        assert answer.status_code == 201, answer.get_data(as_text=True)[:300]
        assert answer.json["status"] == "credited", answer.json     # not held: points earned

    logging.disable(logging.INFO)   # one request-log line per purchase otherwise
    for n in range(len(phones)):
        purchase(n, f"warm-{time.time_ns()}")
    figures = measured(app, purchase, rounds, profiled)
    logging.disable(logging.NOTSET)
    with app.app_context():
        db.engine.dispose()
    purchase_ms, purchase_cpu_ms = figures.pop("ms"), figures.pop("cpu_ms")
    return {"rounds": rounds, "purchase_ms": round(purchase_ms, 3),
            "probe_ms": round(probe_ms, 3), "share_of_probe": round(probe_ms / purchase_ms, 4),
            "purchase_cpu_ms": round(purchase_cpu_ms, 3), **figures}


def _statements(app, work, calls: int = 20) -> dict:
    """The SQL statements one call of `work(n)` sends (BEGIN and the commit's own not
    counted), and the median milliseconds per call spent waiting on them (from the driver's
    execute to its return: the round trip to the database and its work there), over `calls`
    calls: what a write spends on its statements, beyond the Python around them."""
    with app.app_context():
        engine = db.engine
    sent: list[str] = []
    waited: list[float] = []
    began = [0.0]

    def before(_conn, _cursor, statement, *_args):
        sent.append(statement)
        began[0] = time.perf_counter()

    def after(*_args):
        waited.append(time.perf_counter() - began[0])

    counts, spent = [], []
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        for n in range(calls):
            sent.clear()
            waited.clear()
            work(n)
            counts.append(len([s for s in sent if not s.lstrip().upper().startswith("BEGIN")]))
            spent.append(sum(waited))
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return {"statements": max(counts),
            "in_statements_ms": round(statistics.median(spent) * 1000, 3)}


def summary(profile: cProfile.Profile, top: int = 12) -> dict:
    """Own time by area (driver, SQLAlchemy, the mall, Flask, the rest) and the functions
    taking the most time with what they call, from a profile."""
    stats = pstats.Stats(profile)
    total = sum(row[2] for row in stats.stats.values()) or 1
    areas: dict[str, float] = {}
    for (path, _line, name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        where = f"{path}:{name}"
        area = next((label for needle, label in AREAS if needle in where), "other")
        areas[area] = areas.get(area, 0) + own
    heaviest = sorted(stats.stats.items(), key=lambda item: item[1][3], reverse=True)
    return {"profile_by_area_percent": {area: round(100 * own / total, 1) for area, own in
                                        sorted(areas.items(), key=lambda a: -a[1])},
            "profile_top_cumulative": [
                f"{100 * row[3] / total:5.1f}%  {Path(key[0]).name}:{key[1]} {key[2]}"
                for key, row in heaviest[:top]]}


def statements_per_page(small: int = counts.SMALL, large: int = counts.LARGE) -> dict:
    """Statements per page for a member with `small`, then `large` ledger entries, orders
    and notices, on a fresh SQLite file (the query-count test's pages and bulk writes)."""
    with tempfile.TemporaryDirectory() as folder:
        app = bench_app(f"sqlite:///{Path(folder) / 'counts.sqlite3'}")
        with app.app_context():
            upgrade()
            item_id = bench_pages.catalog(items=5)[0]     # one point: the member can redeem it
            member_id = accounts.join("13600000001", "bench", PASSWORD).id
            counts.grow(member_id, small, small)
            redemption.redeem(member_id, item_id, uuid.uuid4().hex)
            client = app.test_client()
            assert sign_in(client, "13600000001").status_code == 302
            pages = [page.format(item=item_id) for page in counts.PAGES]
            if not any(page.startswith("/catalog/") for page in pages):
                pages.append(f"/catalog/{item_id}")
            few = {url: counts.statements_for(client, url) for url in pages}
            counts.grow(member_id, large, getattr(counts, "LARGE_SHOWN_WHOLE", large))
            many = {url: counts.statements_for(client, url) for url in pages}
            db.session.remove()
            db.engine.dispose()
    return {"few": few, "many": many, "small": small, "large": large}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="where the redemptions' time goes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        mall_url = f"sqlite:///{Path(folder) / 'mall.sqlite3'}"
        app = bench_app(mall_url)
        with app.app_context():
            upgrade()
            bench_pages.catalog(items=5)
            item_id = ample_item()      # as the load bench redeems: stock is taken
            member_id = bench_pages.member_with_history("13600000002", 1_000)
            # Enough for the timed rounds, the profiled ones and the warm-up, whatever of the
            # history's points has lapsed by today.
            accounts.award(member_id, REDEEM_PRICE * (2 * args.rounds + 10), "bench",
                           kind=ADJUST)
            db.session.add(Store(code="B1", name="bench", created_at=utcnow()))
            db.session.commit()
            api_key = stores.create_key("B1")
            phones = [f"1360000{n:04d}" for n in range(100, 120)]
            for phone in phones:
                accounts.join(phone, "bench", PASSWORD)
            db.session.remove()
            db.engine.dispose()
        probe_url = f"sqlite:///{Path(folder) / 'probe.sqlite3'}"
        figures = {"redemption": redemption_against_probe(
            mall_url, probe_url, member_id, item_id, args.rounds, args.profile),
            "purchase": purchases_against_probe(mall_url, probe_url, api_key, phones,
                                                args.rounds, args.profile)}
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
