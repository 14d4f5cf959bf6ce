"""What synchronous=FULL costs SQLite: the same redemptions, committed with FULL (the mall's
setting: a commit is on disk before the member is told) and with NORMAL (a power cut may
lose the last commits), on a real file in the same run.

    .venv/bin/python -m bench.durability [--redemptions 300]
"""
import argparse
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event

from app import create_app
from app.extensions import db
from app.loyalty import accounts, redemption
from app.loyalty.models import Category, Item


def timings(folder: Path, synchronous: str, redemptions: int) -> list[float]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / synchronous}.sqlite3",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        @event.listens_for(db.engine, "connect")
        def _override(dbapi_connection, _record):  # runs after the mall's own settings
            dbapi_connection.execute(f"PRAGMA synchronous={synchronous}")

        upgrade()
        member = accounts.join("13900000000", "bench", "bench-password-1")
        accounts.award(member.id, 10 * redemptions, "bench")
        category = Category(slug="bench", name="bench", name_en="bench")
        db.session.add(category)
        db.session.flush()
        item = Item(category_id=category.id, name="bench", name_en="bench", points_price=10,
                    stock=None)
        db.session.add(item)
        db.session.commit()
        spent = []
        for n in range(redemptions):
            started = time.perf_counter()
            redemption.redeem(member.id, item.id, f"bench-{n:06d}")
            spent.append(time.perf_counter() - started)
        db.session.remove()
        db.engine.dispose()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redemptions", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = {mode: timings(Path(folder), mode, args.redemptions)
                   for mode in ("NORMAL", "FULL")}
    normal, full = (statistics.median(results[m]) * 1000 for m in ("NORMAL", "FULL"))
    print(f"redemption, median of {args.redemptions}: synchronous=NORMAL {normal:.2f} ms, "
          f"FULL {full:.2f} ms; FULL costs {full - normal:+.2f} ms ({full / normal:.2f}x)")


if __name__ == "__main__":
    main()
