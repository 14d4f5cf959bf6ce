"""The mall under load, against a bare Flask "hello" and a bare database write in the same run.

Serves the mall with gunicorn as `make run` does (2 workers, wsgi:app) on a database with a
busy program's data (bench/load_data.py, built once and reused), and beside it bench/hello.py
served the same way. wrk drives each on loopback with 8 connections on 2 threads, the demo
member signed in through the sign-in form: the member pages against "hello", redemptions
and till purchases against the write probe. Then redemption on PostgreSQL against the probe
there, the same in one process with a profile, the expiry job (bench/expiry.py), statements
per page, page weight and each worker's peak memory. Writes bench/results.json with the
targets and prints them.

    .venv/bin/python -m bench.load [--seconds 10] [--large] [--no-postgresql]
"""
import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

import requests

from bench import drive, expiry, inprocess, load_data
from bench.targets import share, table, targets

RESULTS = load_data.ROOT / "bench" / "results.json"
PAGES = {"home": "/", "catalog": "/catalog", "item": "/catalog/{item}", "points": "/points"}
# What any member page costs before its own work, served the same way: the stack alone
# (bench/stack.py), and the mall's frame and empty layout (bench/floored.py).
FLOORS = {"stack": ("bench.stack:app", "/frame", "/layout"),
          "mall": ("bench.floored:app", "/bench/frame", "/bench/layout")}


def machine() -> dict:
    info = Path("/proc/cpuinfo").read_text()
    model = next((ln.split(":", 1)[1].strip() for ln in info.splitlines()
                  if ln.startswith("model name")), platform.processor())
    memory = Path("/proc/meminfo").read_text().split()[1]
    return {"cores": os.cpu_count(), "ram_gb": round(int(memory) / 1024 / 1024, 1),
            "cpu": model, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(), "platform": platform.platform()}


def loud(results: dict, name: str, run: dict) -> dict:
    """A run that met anything but 2xx under load is a failed measurement: say so."""
    if run["failed"]:
        message = (f"FAILED MEASUREMENT: {name} answered {run['statuses']} with socket errors "
                   f"{run['socket_errors']}; its figures do not count")
        print("!" * 78, message, "!" * 78, sep="\n", flush=True)
        results.setdefault("failed_measurements", []).append(message)
    print(f"{name:<22}{run['requests_per_second']:>10,.1f} req/s   p50 {run['p50_ms']:7.2f} ms"
          f"   p99 {run['p99_ms']:7.2f} ms   {run['requests']:,} requests", flush=True)
    return run


def writes(mall: str, hello: str, member, meta: dict, seconds: int) -> dict:
    """wrk runs of redemption (and, with an API key, purchases) and of the probe."""
    item = f"{mall}/catalog/{meta['redeem_item']}"
    confirm = member.get(f"{item}/redeem", timeout=30).text
    csrf, price = drive.csrf_token(confirm), drive.shown_price(confirm)
    answer = member.post(f"{item}/redeem", headers={"HX-Request": "true"}, timeout=30,
                         data={"csrf_token": csrf, "quantity": 1, **price,
                               "key": f"check-{time.time_ns()}"})
    runs = {"redeem": ("redeem", f"{item}/redeem", answer)}
    if meta.get("api_key") and meta.get("fill_phones"):   # till purchases by the fill's members
        occurred = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
        till = {"Authorization": f"Bearer {meta['api_key']}", "Idempotency-Key": str(time.time())}
        answer = member.post(f"{mall}/api/v1/purchases", headers=till, timeout=30, json={
            "member_phone": "13900000001", "reference": f"check-{time.time_ns()}",
            "amount_fen": 8800, "lines": [{"category": "coffee", "amount_fen": 8800}],
            "occurred_at": occurred})
        runs["purchase"] = ("purchase", f"{mall}/api/v1/purchases", answer)
    runs["probe"] = ("probe", f"{hello}/probe", member.post(f"{hello}/probe", timeout=30))
    env = {"BENCH_CSRF": csrf, "BENCH_PRICE": urlencode(price),
           "BENCH_API_KEY": meta.get("api_key", ""),
           "BENCH_MEMBERS": str(meta["members"]), "BENCH_RUN": f"r{time.time_ns()}",
           "BENCH_OCCURRED_AT": (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()}
    figures = {}
    for name, (mode, url, answer) in runs.items():
        if not 200 <= answer.status_code < 300:
            print(f"{name} answered {answer.status_code} before the load: {answer.text[:300]}")
        cookie = drive.cookie_header(member) if mode == "redeem" else ""
        figures[name] = drive.wrk(url, seconds, cookie=cookie, mode=mode, env=env)
    return figures


def mall_run(results: dict, database: str, probe_url: str, meta: dict, seconds: int,
             *, pages: bool) -> dict:
    """Serve the mall and hello on these databases and drive them; the wrk figures."""
    log = load_data.DATA / "gunicorn.log"
    env = {"DATABASE_URL": database, "FLASK_APP": "wsgi"}
    figures: dict = {}
    with drive.served("wsgi:app", env, log) as (mall, mall_pid), \
            drive.served("bench.hello:app", {"DATABASE_URL": probe_url}, log) as (hello, hello_pid):
        member = drive.sign_in(mall, meta["demo_phone"], load_data.DEMO_PASSWORD)
        cookie = drive.cookie_header(member)
        if pages:
            figures["hello"] = drive.wrk(hello + "/", seconds)
            for name, path in PAGES.items():
                url = mall + path.format(item=meta["item"])
                for _ in range(3):      # warm each worker's templates and caches
                    member.get(url, timeout=60)
                figures[name] = drive.wrk(url, seconds, cookie=cookie)
            results["page_weight"] = {name: drive.page_weight(member, mall + PAGES[name])
                                      for name in ("home", "catalog")}
        figures.update(writes(mall, hello, member, meta, seconds))
        where = "mall_workers_mb" if pages else "postgresql_mall_workers_mb"
        results.setdefault("memory", {})[where] = [drive.peak_rss_mb(pid)
                                                   for pid in drive.workers(mall_pid)]
        if pages:
            results["memory"]["hello_workers_mb"] = [drive.peak_rss_mb(pid)
                                                     for pid in drive.workers(hello_pid)]
    return figures


def floors(results: dict, database: str, meta: dict, seconds: int) -> dict:
    """wrk runs of the signed-in frame and the empty layout, of the stack alone and of the
    mall, each with the demo member signed in; their figures, and their shares of hello."""
    log = load_data.DATA / "gunicorn.log"
    runs: dict = {}
    for name, (target, frame, layout) in FLOORS.items():
        with drive.served(target, {"DATABASE_URL": database, "FLASK_APP": "wsgi"},
                          log) as (url, _pid):
            if name == "stack":
                member = requests.Session()
                member.headers["User-Agent"] = drive.BROWSER
                member.get(f"{url}/sign-in/{meta['demo_member_id']}",
                           timeout=30).raise_for_status()
            else:
                member = drive.sign_in(url, meta["demo_phone"], load_data.DEMO_PASSWORD)
            for page, path in (("frame", frame), ("layout", layout)):
                for _ in range(3):
                    member.get(url + path, timeout=60)
                runs[f"{name}_{page}"] = loud(results, f"floor: {name} {page}", drive.wrk(
                    url + path, seconds, cookie=drive.cookie_header(member)))
    hello = results["http"]["hello"]
    return {**runs, "share_of_hello": {name: share(run, hello) for name, run in runs.items()}}


def postgresql(results: dict, seconds: int) -> None:
    """Redemption on a throwaway PostgreSQL cluster, against the probe there."""
    from tests.databases import PostgresCluster, postgres_bindir

    bindir = postgres_bindir()
    if bindir is None:
        print("PostgreSQL is not installed: no PostgreSQL figures")
        return
    cluster = PostgresCluster(bindir).start()
    try:
        url = cluster.url()
        meta = load_data.build(url, history=False)
        figures = mall_run(results, url, url, meta, seconds, pages=False)
        results["postgresql"] = {
            "settings": "the test cluster's: fsync=off, synchronous_commit=off",
            **{name: loud(results, f"postgresql {name}", run) for name, run in figures.items()},
            "in_process": inprocess.redemption_against_probe(
                url, url, meta["demo_member_id"], meta["redeem_item"])}
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run (10)")
    parser.add_argument("--large", action="store_true", help="also expire 1,000,000 lots")
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args()
    began = time.perf_counter()
    results: dict = {"machine": machine(), "wrk": {"connections": drive.CONNECTIONS,
                                                   "threads": drive.THREADS,
                                                   "seconds": args.seconds}}
    built, meta = load_data.cached()
    results["data"] = {k: v for k, v in meta.items() if k != "api_key"}
    database = load_data.working_copy(built)
    probe_file = load_data.DATA / "probe.sqlite3"
    for leftover in load_data.DATA.glob("probe.sqlite3*"):
        leftover.unlink()
    figures = mall_run(results, f"sqlite:///{database}", f"sqlite:///{probe_file}", meta,
                       args.seconds, pages=True)
    results["http"] = {name: loud(results, name, run) for name, run in figures.items()}
    results["floors"] = floors(results, f"sqlite:///{database}", meta, args.seconds)
    results["in_process"] = inprocess.redemption_against_probe(
        f"sqlite:///{database}", f"sqlite:///{probe_file}", meta["demo_member_id"],
        meta["redeem_item"])
    if not args.no_postgresql:
        postgresql(results, args.seconds)
    sizes = expiry.SIZES + ((expiry.LARGE,) if args.large else ())
    results["expiry"] = [expiry.measured(size, batch_size=1000) for size in sizes]
    results["statements"] = inprocess.statements_per_page()
    results["targets"] = targets(results)
    results["seconds"] = round(time.perf_counter() - began, 1)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    floor_shares = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in
                             results["floors"]["share_of_hello"].items())
    print(f"\n{table(results['targets'])}\n\nfloors, share of hello: {floor_shares}"
          f"\nmachine: {results['machine']['cores']} cores, "
          f"{results['machine']['ram_gb']} GB, {results['machine']['cpu']}; "
          f"{results['seconds']} s; figures in {RESULTS.relative_to(load_data.ROOT)}")
    if results.get("failed_measurements"):
        print("\n".join(results["failed_measurements"]), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
