"""flask stores: the shops whose tills post purchases, and their API keys."""
import sys

import click
from flask import Flask

from app.loyalty import stores
from app.loyalty.errors import DomainError


def _fail(error: DomainError) -> None:
    reason = error.details.get("reason") or ", ".join(f"{k} {v}" for k, v in error.details.items())
    click.echo(f"Refused, {error.code.replace('_', ' ')}: {reason}" if reason
               else f"Refused: {error.code.replace('_', ' ')}", err=True)
    sys.exit(1)


def register(app: Flask) -> None:
    @app.cli.group("stores")
    def stores_group():
        """Stores and their API keys."""

    @stores_group.command("create")
    @click.argument("code")
    @click.argument("name")
    def stores_create(code: str, name: str):
        """Add a store with a short CODE (e.g. SH001) and its NAME."""
        try:
            store = stores.create_store(code, name)
        except DomainError as error:
            _fail(error)
        click.echo(f"Store {store.code} ({store.name}) created.")

    @stores_group.command("list")
    def stores_list():
        """Every store with its keys (prefix, created, revoked)."""
        for store, keys in stores.listing():
            click.echo(f"{store.code}\t{store.name}")
            for key in keys:
                state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}Z" if key.revoked_at else "active"
                click.echo(f"  key {key.prefix}\tcreated {key.created_at:%Y-%m-%d %H:%M}Z\t{state}")

    @stores_group.group("key")
    def key_group():
        """API keys."""

    @key_group.command("create")
    @click.argument("code")
    def key_create(code: str):
        """Print a new API key for store CODE. It is shown only this once."""
        try:
            key = stores.create_key(code)
        except DomainError as error:
            _fail(error)
        click.echo(key)
        click.echo("Keep this key safe: it is shown only once.", err=True)

    @key_group.command("revoke")
    @click.argument("prefix")
    def key_revoke(prefix: str):
        """Revoke the key whose PREFIX `flask stores list` shows."""
        try:
            stores.revoke_key(prefix)
        except DomainError as error:
            _fail(error)
        click.echo(f"Key {prefix} revoked.")
