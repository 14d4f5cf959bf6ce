"""flask commands: demo data, checks and the jobs that keep orders honest."""
import sys
import time

import click
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import audit, redemption
from app.loyalty.models import Member


def register(app: Flask) -> None:
    @app.cli.group()
    def demo():
        """Demo data for trying the mall."""

    @demo.command("load")
    def demo_load():
        """Load the demo program, catalog and member if the database is empty."""
        from app.demo import DEMO_PASSWORD, DEMO_PHONE, load

        if db.session.scalar(select(func.count()).select_from(Member)):
            click.echo("The database already has members; demo data not loaded.")
        else:
            load()
            click.echo("Demo data loaded.")
        click.echo(f"Demo sign-in: phone {DEMO_PHONE}, password {DEMO_PASSWORD}")

    @app.cli.group()
    def ledger():
        """The points ledger."""

    @ledger.command("check")
    def ledger_check():
        """Check the ledger invariant for every member; exit 1 on any mismatch."""
        problems = audit.check_ledger()
        for p in problems:
            click.echo(f"member {p.member_id}: {p.what}", err=True)
        members = db.session.scalar(select(func.count()).select_from(Member))
        if problems:
            click.echo(f"{len(problems)} mismatch(es) found.", err=True)
            sys.exit(1)
        click.echo(f"Ledger consistent for {members} member(s).")

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
