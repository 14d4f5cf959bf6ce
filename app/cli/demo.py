"""flask demo: demo data for trying the mall."""
import click
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import kiosks
from app.loyalty.models import Member


def register(app: Flask) -> None:
    @app.cli.group()
    def demo():
        """Demo data for trying the mall."""

    @demo.command("load")
    def demo_load():
        """Load the demo program, catalog and member if the database is empty."""
        from app.demo import DEMO_PASSWORD, DEMO_PHONE, load
        from app.demo.staff import DEMO_STAFF

        if db.session.scalar(select(func.count()).select_from(Member)):
            click.echo("The database already has members; demo data not loaded.")
        else:
            load()
            click.echo("Demo data loaded.")
        click.echo(f"Demo sign-in: phone {DEMO_PHONE}, password {DEMO_PASSWORD}")
        for username, password, role, store, _name in DEMO_STAFF:
            where = f" at {store}" if store else ""
            click.echo(f"Console /admin/login: {username} / {password} ({role}{where})")
        kiosk_code = demo_kiosk_code()
        if kiosk_code:
            click.echo(f"Kiosk: open /kiosk/enrol and enter {kiosk_code}")


def demo_kiosk_code() -> str | None:
    """A fresh enrolment code for the demo's kiosk (the first one at the demo store)."""
    from app.demo.earning import STORE_CODE

    kiosk = next((k for k in kiosks.listing()
                  if k.store.code == STORE_CODE and k.revoked_at is None), None)
    return kiosks.new_code(kiosk.id).code if kiosk is not None else None
