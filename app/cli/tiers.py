"""flask tiers: the yearly tier review."""
from datetime import datetime

import click
from flask import Flask

from app.loyalty import tier_reviews
from app.loyalty.models import utcnow
from .points import Instant


def register(app: Flask) -> None:
    @app.cli.group()
    def tiers():
        """Tiers: reviews."""

    @tiers.command("review")
    @click.option("--now", type=Instant(), default=None,
                  help="Review members whose review date has come by this instant.")
    def tiers_review(now: datetime | None):
        """Keep or move down one level every member whose review date has come."""
        reviewed = tier_reviews.review_due(now or utcnow())
        click.echo(f"{reviewed} member(s) reviewed.")
