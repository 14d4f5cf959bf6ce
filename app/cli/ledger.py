"""flask ledger: checks of the points ledger."""
import sys

import click
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import Member


def register(app: Flask) -> None:
    @app.cli.group()
    def ledger():
        """The points ledger."""

    @ledger.command("check")
    def check():
        """Check the ledger invariant for every member; exit 1 on any mismatch."""
        problems = check_ledger()
        for p in problems:
            click.echo(f"member {p.member_id}: {p.what}", err=True)
        members = db.session.scalar(select(func.count()).select_from(Member))
        if problems:
            click.echo(f"{len(problems)} mismatch(es) found.", err=True)
            sys.exit(1)
        click.echo(f"Ledger consistent for {members} member(s).")
