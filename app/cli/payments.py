"""flask payments: refunds of cash that the payment provider has not confirmed yet."""
import click
from flask import Flask

from app.loyalty import cash
from app.payments import refunds


def register(app: Flask) -> None:
    @app.cli.group()
    def payments():
        """Cash payments and refunds."""

    @payments.command("refund")
    @click.option("--limit", type=click.IntRange(min=1), default=cash.BATCH,
                  help="Send at most this many refunds.")
    def payments_refund(limit: int):
        """Send the refunds now due to the payment provider, each once per refund id."""
        click.echo(f"{refunds.send_pending(limit=limit)} refund(s) confirmed.")
