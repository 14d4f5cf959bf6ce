"""Where a member page's time goes, in one process.

Each page is timed through Flask's test client against a bare Flask app that answers
"hello" in the same process and the same run, so the ratio means the same on a fast or a
slow machine; times are CPU time, so other processes on the machine do not count. With
--profile, each page's requests are profiled too (pyinstrument, or cProfile sorted by
cumulative time when pyinstrument is not installed).

    .venv/bin/python -m bench.profile_pages [--rounds 200] [--profile] [--page catalog]

Beside the member pages, `frame` and `layout` (bench-only pages, see `floors`) show what
any member page costs before its own work.
"""
import argparse
import cProfile
import io
import logging
import pstats
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask, render_template
from flask_login import login_required
from flask_migrate import upgrade
from sqlalchemy import insert, select

from app import create_app
from app.extensions import db
from app.loyalty import accounts, redemption
from app.loyalty.models import ADJUST, Member, Notice, utcnow
from bench.pages import catalog, member_with_history, signed_in

PHONE = "13000000009"
ENTRIES, ITEMS, ORDERS, NOTICES = 1_000, 30, 12, 40


def hello_app() -> Flask:
    app = Flask("hello")

    @app.get("/")
    def hello():
        return "hello"

    return app


def fill(items: int) -> dict[str, str]:
    """A member with a history a regular shopper has (earnings, a tier reached, orders,
    notices) and a catalog of `items`; the pages to time, by name."""
    item_ids = catalog(items)
    member_id = member_with_history(PHONE, ENTRIES)
    accounts.award(member_id, 20_000, "bench", kind=ADJUST)
    for n in range(ORDERS):
        redemption.redeem(member_id, item_ids[n % 5], f"profile-{n}")
    now = utcnow()
    db.session.execute(insert(Notice), [
        {"member_id": member_id, "kind": "expiry", "title": f"通知 {n}", "body": "积分即将过期。",
         "link": "/points", "created_at": now - timedelta(hours=n),
         "read_at": now if n % 2 else None} for n in range(NOTICES)])
    db.session.commit()
    assert db.session.scalar(select(Member.points_balance).where(Member.id == member_id)) > 0
    return {"hello": "/", "home": "/", "catalog": "/catalog",
            "item": f"/catalog/{item_ids[3]}", "points": "/points", "orders": "/orders",
            "inbox": "/inbox"}


def floors(app: Flask) -> dict[str, str]:
    """Two pages that are not the mall's, timed to show what every member page pays before
    any work of its own: `frame`, a signed-in request that answers nothing (the session,
    the member's load, the hooks around every request), and `layout`, the layout around no
    content (the header's wallet and bell, the navigation, the CSRF token)."""
    @app.get("/bench/frame")
    @login_required
    def frame():
        return ""

    @app.get("/bench/layout")
    @login_required
    def layout():
        return render_template("base.html")

    return {"frame": "/bench/frame", "layout": "/bench/layout"}


def timed(client, url: str, rounds: int) -> float:
    """Median milliseconds of one request, after a few to warm templates and caches. The
    time is the process's CPU time: the client, the app and SQLite all run in this process, and
    on a shared machine the wall clock also counts the time other processes had the core."""
    for _ in range(5):
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(rounds):
        began = time.process_time()
        client.get(url)
        samples.append((time.process_time() - began) * 1000)
    return statistics.median(samples)


def profile(client, url: str, rounds: int) -> str:
    """A profile of `rounds` requests to `url`, as text."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(rounds):
            client.get(url)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        return out.getvalue()
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(rounds):
        client.get(url)
    profiler.stop()
    return profiler.output_text(color=False, short_mode=True, show_all=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--profile", action="store_true", help="print each page's profile")
    parser.add_argument("--page", action="append", help="only these pages (by name)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
                          "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            logging.disable(logging.INFO)   # the migrations' progress
            upgrade()
            logging.disable(logging.NOTSET)
            pages = floors(app) | fill(args.items)
            db.session.remove()
        member, hello = signed_in(app, PHONE), hello_app().test_client()
        names = [n for n in pages if n != "hello" and (not args.page or n in args.page)]

        base = timed(hello, "/", args.rounds)
        print(f"{'page':<10}{'url':<16}{'ms':>8}{'x hello':>9}   (hello {base:.3f} ms)")
        for name in names:
            ms = timed(member, pages[name], args.rounds)
            print(f"{name:<10}{pages[name]:<16}{ms:>8.2f}{ms / base:>9.1f}")
        if args.profile:
            for name in names:
                print(f"\n===== {name} {pages[name]} ({args.rounds} requests) =====")
                print(profile(member, pages[name], args.rounds))
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
