"""flask commands: demo data, checks and the jobs that keep the program running.
Each part of the program adds its own command group from a module in this package."""
from flask import Flask

from . import demo, deploy, ledger, orders

_GROUPS = (demo, deploy, ledger, orders)


def register(app: Flask) -> None:
    for group in _GROUPS:
        group.register(app)
