"""flask reports: keep the sums of the months that have ended, for the reports page."""
from datetime import datetime

import click
from flask import Flask

from app.loyalty import report_months
from app.loyalty.models import utcnow
from .points import Instant


def register(app: Flask) -> None:
    @app.cli.group()
    def reports():
        """Reports: the kept sums of months that have ended."""

    @reports.command("close-months")
    @click.option("--now", type=Instant(), default=None,
                  help="Keep the months closed by this instant (default: now).")
    def close_months(now: datetime | None):
        """Keep each ended month's points by kind and source (each month once)."""
        written = report_months.close_months(now or utcnow())
        click.echo(f"{written} months kept.")
