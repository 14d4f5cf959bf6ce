"""flask orders: the job that keeps unpaid orders from holding points and stock.
`flask jobs run` runs it every minute; this command runs it once."""
import click
from flask import Flask

from app.loyalty import redemption


def register(app: Flask) -> None:
    @app.cli.group()
    def orders():
        """Orders."""

    @orders.command("lapse-unpaid")
    def orders_lapse_unpaid():
        """Lapse orders whose payment window has passed, returning points and stock."""
        click.echo(f"{redemption.lapse_unpaid()} unpaid order(s) lapsed.")
