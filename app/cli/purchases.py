"""flask purchases: purchases the tills posted, whose points are held for a while first."""
import click
from flask import Flask

from app.loyalty import purchases


def register(app: Flask) -> None:
    @app.cli.group("purchases")
    def purchases_group():
        """Purchases from the tills."""

    @purchases_group.command("release")
    def purchases_release():
        """Credit pending purchase points that have come due."""
        click.echo(f"{purchases.release_pending()} pending purchase(s) released.")
