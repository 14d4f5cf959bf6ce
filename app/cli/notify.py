"""flask notify: expiry reminders and the email outbox."""
import click
from flask import Flask

from app.notify import expiry, outbox


def register(app: Flask) -> None:
    @app.cli.group()
    def notify():
        """Reminders and email."""

    @notify.command("remind")
    def notify_remind():
        """Write the expiry reminders now due, in the inbox and the email outbox."""
        click.echo(f"{expiry.remind()} batch(es) reminded.")

    @notify.command("send")
    @click.option("--limit", type=click.IntRange(min=1), default=outbox.BATCH,
                  help="Send at most this many emails.")
    def notify_send(limit: int):
        """Send the unsent emails in the outbox over SMTP."""
        click.echo(f"{outbox.send_pending(limit=limit)} email(s) sent.")
