"""flask orders: the job that keeps unpaid orders from holding points and stock."""
import time

import click
from flask import Flask

from app.extensions import db
from app.loyalty import redemption


def register(app: Flask) -> None:
    @app.cli.group()
    def orders():
        """Orders."""

    @orders.command("lapse-unpaid")
    @click.option("--every", type=click.IntRange(min=1), default=None, metavar="SECONDS",
                  help="Keep running, once every SECONDS.")
    def orders_lapse_unpaid(every: int | None):
        """Lapse orders whose payment window has passed, returning points and stock."""
        while True:
            lapsed = redemption.lapse_unpaid()
            if lapsed or not every:
                click.echo(f"{lapsed} unpaid order(s) lapsed.")
            if not every:
                return
            db.session.remove()
            time.sleep(every)
