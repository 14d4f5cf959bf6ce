"""flask staff: the accounts of the console's administrators and store clerks."""
import sys

import click
from flask import Flask

from app.loyalty import staff as staff_accounts
from app.loyalty.models import ROLES

BAD_INPUT = 2


def _refuse(message: str) -> None:
    click.echo(f"Refused: {message}", err=True)
    sys.exit(BAD_INPUT)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True,
                        default="", show_default=False)


def _run(action, *args):
    try:
        return action(*args)
    except staff_accounts.InvalidStaff as error:
        _refuse(f"{error.details['field']}: {error.details['reason']}")


def register(app: Flask) -> None:
    @app.cli.group("staff")
    def staff_group():
        """Console accounts: administrators and store clerks."""

    @staff_group.command("create")
    @click.argument("username")
    @click.option("--role", type=click.Choice(ROLES), required=True)
    @click.option("--store", "store_code", help="The store code of a clerk, e.g. SH001.")
    @click.option("--name", default="", help="The name shown in the console.")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def staff_create(username, role, store_code, name, password_stdin):
        """Add a console account USERNAME; the password is asked for twice."""
        password = _password(password_stdin)
        staff = _run(staff_accounts.create_staff, username, name, password, role, store_code)
        where = f" at {staff.store.code}" if staff.store else ""
        click.echo(f"Staff {staff.username} ({staff.role}{where}) created.")

    @staff_group.command("list")
    def staff_list():
        """Every console account: role, store, two-step sign-in, active."""
        for staff in staff_accounts.listing():
            store = staff.store.code if staff.store else "-"
            two_step = "two-step" if staff.two_step_enrolled else "password only"
            state = "active" if staff.active else "deactivated"
            click.echo("\t".join((staff.username, staff.role, store, two_step, state,
                                  staff.name)))

    @staff_group.command("password")
    @click.argument("username")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def staff_password(username, password_stdin):
        """Give USERNAME a new password; their console sessions end."""
        if staff_accounts.by_username(username) is None:
            _refuse(f"username: no staff account is called {username}")
        _run(staff_accounts.change_password, username, _password(password_stdin))
        click.echo(f"Password of {staff_accounts.normal_username(username)} changed; "
                   "their sessions have ended.")

    @staff_group.command("deactivate")
    @click.argument("username")
    def staff_deactivate(username):
        """USERNAME can no longer sign in; their console sessions end at once."""
        staff = _run(staff_accounts.deactivate, username)
        click.echo(f"Staff {staff.username} deactivated.")
