"""flask deploy: what an operator runs on a server: a check of its settings, and backups."""
import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import Flask, current_app

from app.config import ProductionConfig, config_class
from app.deployment import findings, staff_findings
from app.extensions import db
from app.loyalty import staff as staff_accounts


def register(app: Flask) -> None:
    @app.cli.group()
    def deploy():
        """Checks and backups for a server running the mall."""

    @deploy.command("check")
    def deploy_check():
        """Print every unsafe setting; exit 1 if there is any."""
        production = issubclass(config_class(), ProductionConfig)
        found = findings(current_app.config, production, current_app.instance_path)
        found += staff_findings(staff_accounts.unenrolled_admins(), production)
        click.echo(f"Configuration: {'production' if production else 'development'} "
                   f"(MALL_ENV), database {db.engine.url.get_backend_name()}.")
        for finding in found:
            mark = "UNSAFE, refused in production" if finding.fatal else "unsafe"
            click.echo(f"  {mark}: {finding.setting} {finding.problem}")
        if found:
            click.echo(f"{len(found)} unsafe setting(s).", err=True)
            sys.exit(1)
        click.echo("No unsafe settings found.")

    @deploy.command("backup")
    @click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
    def deploy_backup(folder: Path):
        """Copy the SQLite database into FOLDER while the mall keeps running (SQLite's online
        backup API: a consistent snapshot, even with writes going on)."""
        url = db.engine.url
        if url.get_backend_name() != "sqlite":
            click.echo("This database is PostgreSQL: back it up with pg_dump or "
                       "pg_basebackup (see docs/deployment.md).", err=True)
            sys.exit(2)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            click.echo(f"Cannot write backups to {folder}: {error.strerror}", err=True)
            sys.exit(1)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = folder / f"mall-{stamp}.sqlite3"
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy, pages=1024)  # in steps, so writers are not held up
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
            source.close()
        if check != "ok":
            click.echo(f"The copy failed its integrity check: {check}", err=True)
            sys.exit(1)
        click.echo(f"Backed up to {target}")
