"""flask commands: demo data, checks and the jobs that keep the program running.
Each part of the program adds its own command group from a module in this package."""
from flask import Flask

from . import (
    campaigns,
    demo,
    deploy,
    jobs,
    kiosks,
    ledger,
    notify,
    orders,
    payments,
    points,
    purchases,
    reports,
    staff,
    stores,
    tiers,
)

_GROUPS = (demo, ledger, orders, payments, points, tiers, stores, staff, purchases, campaigns,
           notify, jobs, deploy, reports, kiosks)


def register(app: Flask) -> None:
    for group in _GROUPS:
        group.register(app)
