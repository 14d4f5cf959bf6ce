"""flask points: the job that writes the expiry of lapsed points."""
from datetime import datetime

import click
from flask import Flask

from app.loyalty import expiry
from app.loyalty.models import utcnow


class Instant(click.ParamType):
    """An ISO 8601 instant with its time zone, e.g. 2026-06-01T00:00:00+08:00."""

    name = "instant"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time", param, ctx)
        if moment.tzinfo is None:
            self.fail(f"{value!r} needs a time zone, like +08:00 or Z", param, ctx)
        return moment


def register(app: Flask) -> None:
    @app.cli.group()
    def points():
        """Points: expiry."""

    @points.command("expire")
    @click.option("--now", type=Instant(), default=None,
                  help="Expire what has lapsed by this instant (default: now).")
    @click.option("--batch-size", type=click.IntRange(min=1), default=1000, show_default=True,
                  help="Members per transaction.")
    def points_expire(now: datetime | None, batch_size: int):
        """Write an expire entry for every lapsed lot's remaining points."""
        expired = expiry.expire_all(now or utcnow(), batch_size=batch_size)
        click.echo(f"{expired} points expired.")
