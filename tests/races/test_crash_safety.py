"""Crash safety: workers killed with SIGKILL at random moments while members redeem and
cancel. Afterwards every order has all of its ledger entries and stock change or none of
them, and the ledger invariant holds, on SQLite and on PostgreSQL."""
import os
import random
import signal
import threading
import time
import uuid

import pytest
import requests
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import CANCELLED, COUNTED_STATUSES, REDEEM, RETURN, Item, LedgerEntry, Order
from tests.conftest import PASSWORD
from .server import Gunicorn, Visitor, order_code, prices

# Other processes, which a test's standing clock cannot reach, share the database.
pytestmark = pytest.mark.real_clock

TRIALS = 50
STOCK = 400


def shop(visitor: Visitor, shown: dict[int, tuple[int, int]], stop: threading.Event,
         seed: int, cut_off: list) -> None:
    """Redeem and cancel until told to stop; a request cut off by a crash is counted."""
    chance, mine = random.Random(seed), []
    while not stop.is_set():
        try:
            if mine and chance.random() < 0.4:
                visitor.cancel(mine.pop(chance.randrange(len(mine))), timeout=10)
            else:
                item_id = chance.choice(sorted(shown))
                code = order_code(visitor.redeem(item_id, uuid.uuid4().hex, shown[item_id],
                                                 timeout=10))
                if code:
                    mine.append(code)
        except requests.RequestException:
            cut_off.append(1)
            time.sleep(0.05)


def kill_workers(gunicorn: Gunicorn, trials: int, seed: int) -> int:
    """SIGKILL a random worker at a random moment, `trials` times; the master starts a
    new one each time."""
    chance, killed = random.Random(seed), 0
    while killed < trials:
        time.sleep(chance.uniform(0.02, 0.25))
        workers = gunicorn.worker_pids()
        if len(workers) < gunicorn.workers:
            continue  # the last one killed is still being replaced
        os.kill(chance.choice(workers), signal.SIGKILL)
        killed += 1
    return killed


def test_orders_are_whole_or_absent_after_workers_are_killed_mid_request(
        app, server, make_member, make_item):
    members = [make_member(points=100_000) for _ in range(6)]
    items = [make_item(points_price=price, stock=STOCK).id for price in (100, 250, 400)]
    # Preloaded, a replacement worker is ready the moment it is forked, so kills land on
    # workers serving requests rather than on workers still starting up.
    gunicorn = server(workers=2, preload=True)
    visitors = []  # more shoppers than workers, so that a kill finds a worker busy
    for member in members * 2:
        visitor = Visitor(gunicorn.base)
        visitor.sign_in(member.phone, PASSWORD)
        visitors.append(visitor)
    stop, cut_off = threading.Event(), []
    shown = prices(items)
    shoppers = [threading.Thread(target=shop, args=(v, shown, stop, n, cut_off))
                for n, v in enumerate(visitors)]
    for thread in shoppers:
        thread.start()

    killed = kill_workers(gunicorn, TRIALS, seed=2026)
    stop.set()
    for thread in shoppers:
        thread.join(timeout=60)
    gunicorn.kill()  # and at last the whole server, master included

    assert killed == TRIALS
    assert len(cut_off) >= TRIALS // 5, "the kills missed the requests in flight"
    restarted = server(workers=2)  # a server starts again on the same database
    assert requests.get(restarted.base + "/rules", timeout=10).status_code == 200
    db.session.rollback()
    orders = db.session.scalars(select(Order)).all()
    assert orders, "no order got through at all"
    for item_id in items:
        held = sum(o.quantity for o in orders if o.item_id == item_id
                   and o.status in COUNTED_STATUSES)
        assert db.session.get(Item, item_id).stock == STOCK - held
    redeems = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == REDEEM)).all()
    assert sorted(e.id for e in redeems) == sorted(o.redeem_entry_id for o in orders)
    refunded = set(db.session.scalars(select(LedgerEntry.ref_id)
                                      .where(LedgerEntry.kind == RETURN)).all())
    assert refunded == {o.code for o in orders if o.status == CANCELLED}
    assert db.session.scalar(select(func.count()).where(LedgerEntry.kind == RETURN)) == \
        len([o for o in orders if o.status == CANCELLED])
    assert check_ledger() == []
