"""flask kiosks: the stores' touch screens, their enrolment codes, revoking one."""
import click
from flask import Flask

from app.loyalty import kiosks
from app.loyalty.errors import DomainError
from .stores import _fail


def register(app: Flask) -> None:
    @app.cli.group("kiosks")
    def kiosks_group():
        """Store kiosks."""

    @kiosks_group.command("create")
    @click.argument("name")
    @click.option("--store", "store_code", required=True, help="The store's code, e.g. SH001.")
    def kiosks_create(name: str, store_code: str):
        """Add a kiosk NAME at a store; prints its one-time enrolment code last."""
        try:
            issued = kiosks.create(name, store_code)
        except DomainError as error:
            _fail(error)
        click.echo(f"Kiosk {issued.kiosk.id} ({issued.kiosk.name}) at {store_code}. Open "
                   f"/kiosk/enrol on it within {kiosks.ENROL_HOURS} hours and enter:")
        click.echo(issued.code)

    @kiosks_group.command("list")
    def kiosks_list():
        """Every kiosk: id, store, name, enrolled, revoked."""
        for kiosk in kiosks.listing():
            enrolled = f"enrolled {kiosk.enrolled_at:%Y-%m-%d %H:%M}Z" if kiosk.enrolled_at \
                else "not enrolled"
            state = f"revoked {kiosk.revoked_at:%Y-%m-%d %H:%M}Z" if kiosk.revoked_at \
                else "active"
            click.echo(f"{kiosk.id}\t{kiosk.store.code}\t{kiosk.name}\t{enrolled}\t{state}")

    @kiosks_group.command("revoke")
    @click.argument("kiosk_id", type=click.IntRange(min=1))
    def kiosks_revoke(kiosk_id: int):
        """Revoke kiosk KIOSK_ID: it stops working at its next request."""
        try:
            kiosk = kiosks.revoke(kiosk_id)
        except DomainError as error:
            _fail(error)
        click.echo(f"Kiosk {kiosk.id} ({kiosk.name}) revoked.")

    @kiosks_group.command("code")
    @click.argument("kiosk_id", type=click.IntRange(min=1))
    def kiosks_code(kiosk_id: int):
        """A fresh enrolment code for kiosk KIOSK_ID, printed last."""
        try:
            issued = kiosks.new_code(kiosk_id)
        except DomainError as error:
            _fail(error)
        click.echo(f"Kiosk {issued.kiosk.id} ({issued.kiosk.name}): open /kiosk/enrol on it "
                   f"within {kiosks.ENROL_HOURS} hours and enter:")
        click.echo(issued.code)
