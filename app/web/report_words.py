"""Words for the liability reports: their column headers, the labels of their rows, and why
a period is refused. The core's tables (app/loyalty/report_tables.py) speak English codes;
staff read them here, in Chinese or English."""
from flask_babel import gettext as _
from flask_babel import lazy_pgettext

from app.loyalty import report_periods


def _r(text: str):
    """A word of the reports, translated apart from the same English elsewhere."""
    return lazy_pgettext("report", text)


# Every column header of report_tables.tables(), in words.
HEADERS = {
    "month": _r("Month"),
    "purchases": _r("Purchases"),
    "campaigns": _r("Campaigns"),
    "tasks": _r("Tasks"),
    "adjustments": _r("Adjustments"),
    "issued": _r("Issued"),
    "redeemed": _r("Redeemed"),
    "returned": _r("Returned"),
    "expired": _r("Expired"),
    "clawed back": _r("Clawed back"),
    "adjusted down": _r("Adjusted down"),
    "net": _r("Net change"),
    "redemption rate": _r("Redemption rate"),
    "expires": _r("Expires in"),
    "points": _r("Points"),
    "value (fen)": _r("Value (fen)"),
    "state": _r("State"),
    "item": _r("Item no."),
    "name": _r("Name"),
    "name (English)": _r("Name (English)"),
    "orders": _r("Orders"),
    "quantity": _r("Quantity"),
    "status": _r("Status"),
    "cash (fen)": _r("Cash (fen)"),
    "tier": _r("Tier"),
    "members": _r("Members"),
}

# The words a table's cells may hold besides numbers and names.
CELLS = {
    "total": _r("Total"),
    "never": _r("Never"),
    "lapsed": _r("Lapsed, waiting for the expiry job"),
    "awaiting_payment": _r("Awaiting payment"),
    "confirmed": _r("Confirmed"),
    "fulfilled": _r("Collected"),
    "cancelled": _r("Cancelled"),
    "lapsed_order": _r("Lapsed"),
}

def header(name: str) -> str:
    """A column header (or a row's label) in words."""
    return str(HEADERS.get(name) or CELLS.get(name) or name)


def cell(table: str, value: object) -> object:
    """A cell in words where it is a word of the report's own; anything else as it is."""
    if not isinstance(value, str):
        return value
    if table == "orders_by_status" and value == "lapsed":
        return str(CELLS["lapsed_order"])
    if table in ("flows", "liability", "orders_by_status") and value in CELLS:
        return str(CELLS[value])
    return value


def period_problem(reason: str | None) -> str:
    """Why a report period was refused, beside the field it names."""
    match reason:
        case report_periods.NOT_A_MONTH:
            return _("Enter a month as YYYY-MM, like 2026-03.")
        case report_periods.OUT_OF_RANGE:
            return _("Choose a month from %(first)s-01 to %(last)s-12.",
                     first=report_periods.FIRST_YEAR, last=report_periods.LAST_YEAR)
        case report_periods.ENDS_BEFORE_START:
            return _("The last month comes before the first.")
        case report_periods.TOO_LONG:
            return _("A report covers at most %(months)s months.",
                     months=report_periods.MAX_MONTHS)
    return _("Choose months as YYYY-MM, the first no later than the last, "
             "at most ten years apart.")
