"""flask payments: refunds of cash that the payment provider has not confirmed yet, and a
check that no cash is kept without a record."""
import sys

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

    @payments.command("check")
    def payments_check():
        """Check that every order's cash agrees with its status; exit 1 on any mismatch."""
        problems = cash.check()
        for code, what in problems:
            click.echo(f"order {code}: {what}", err=True)
        if problems:
            click.echo(f"{len(problems)} mismatch(es) found.", err=True)
            sys.exit(1)
        click.echo("Cash consistent for every order.")
