"""The limits' counters in the database: atomic across connections, windows that end start
again, and counters whose windows ended do not pile up."""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select, update

from app.extensions import db, limiter
from app.loyalty.models import utcnow
from app.web.rate_limits import DatabaseStorage, RateLimitCounter
from tests.conftest import ROOT


def counters() -> dict[str, int]:
    db.session.rollback()
    return dict(db.session.execute(select(RateLimitCounter.key, RateLimitCounter.hits)).all())


def end_window(key: str) -> None:
    db.session.execute(update(RateLimitCounter).where(RateLimitCounter.key == key)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_without_redis_the_mall_counts_in_its_own_database_and_with_it_in_redis():
    def default(**env) -> str:
        environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | env
        return subprocess.run(
            [sys.executable, "-c", "from app.config import Config; "
             "print(Config.RATELIMIT_STORAGE_URI)"], cwd=ROOT, env=environment,
            capture_output=True, text=True, check=True).stdout.strip()

    assert default() == "database://"
    assert default(REDIS_URL="redis://10.0.0.5:6379/0") == "redis://10.0.0.5:6379/0"


def test_the_tests_count_in_the_database_through_this_storage(app):
    assert isinstance(limiter.storage, DatabaseStorage)


def test_hits_add_up_within_a_window_and_the_window_end_is_kept(app):
    storage = limiter.storage

    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3
    assert 55 < storage.get_expiry("k") - utcnow().timestamp() <= 60
    assert storage.get("another") == 0


def test_a_window_that_ended_starts_again_from_the_new_hit(app):
    storage = limiter.storage
    storage.incr("k", 60, amount=4)
    end_window("k")

    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1


def test_counters_whose_windows_ended_are_cleared_when_a_new_window_starts(app):
    storage = limiter.storage
    for key in ("old-1", "old-2", "live"):
        storage.incr(key, 60)
    end_window("old-1")
    end_window("old-2")

    storage.incr("new", 60)

    assert counters() == {"live": 1, "new": 1}


def test_clearing_a_key_and_resetting_the_storage(app):
    storage = limiter.storage
    storage.incr("a", 60)
    storage.incr("b", 60)

    storage.clear("a")
    assert counters() == {"b": 1}
    assert storage.reset() == 1
    assert counters() == {}
    assert storage.check()


def test_a_key_longer_than_the_column_is_counted_under_its_digest(app):
    storage, key = limiter.storage, "203.0.113.9|" + "9" * 400

    assert storage.incr(key, 60) == 1
    assert storage.incr(key, 60) == 2
    assert storage.get(key) == 2
    [stored] = counters()
    assert stored.startswith("sha256:") and len(stored) <= 255


def test_hits_from_many_connections_at_once_are_each_counted_once(app):
    storage = limiter.storage

    def hit(_):
        with app.app_context():
            return storage.incr("busy", 60)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(hit, range(80)))

    assert sorted(answers) == list(range(1, 81))
    assert db.session.scalar(select(func.sum(RateLimitCounter.hits))) == 80
