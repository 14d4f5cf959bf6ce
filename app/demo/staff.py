"""The demo's console accounts: two administrators (a second one approves large
adjustments) and a clerk at the demo store."""
from datetime import datetime

from app.loyalty import staff as staff_accounts
from app.loyalty.models import ADMIN, CLERK
from .earning import STORE_CODE

# username, password, role, store, name
DEMO_STAFF = (
    ("admin", "mall-admin-2026", ADMIN, None, "陈管理"),
    ("admin2", "mall-admin2-2026", ADMIN, None, "刘复核"),
    ("clerk", "mall-clerk-2026", CLERK, STORE_CODE, "周店员"),
)


def load(now: datetime) -> None:
    for username, password, role, store, name in DEMO_STAFF:
        staff_accounts.create_staff(username, name, password, role, store, now=now)
