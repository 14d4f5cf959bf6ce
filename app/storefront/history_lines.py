"""A page of the member's ledger, as its template writes it: each entry's words, its time,
the expiry of the lot it opened and its points and balance, put in words for the whole page
at once. The language, the timezone and the words every line shares are looked up once for
the page rather than by a filter at every place a line shows them."""
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.loyalty.lots import expiry_day
from app.loyalty.program import running_program
from app.loyalty.reads import HistoryRow
from app.web.dates import writer
from app.web.i18n import pattern
from app.web.messages import entry_label
from app.web.request_babel import request_locale, request_zone_name

MINUS = "\u2212"   # the minus sign a debit is written with


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One ledger entry as the member's history writes it."""

    label: str
    when: str
    expires: Markup | None     # "expires on …", for a credit whose lot expires
    credit: bool
    points: str                # signed: "+100", "−50"
    balance: Markup            # "Balance 1,234"


def history_lines(rows: list[HistoryRow]) -> list[HistoryLine]:
    write = writer(request_locale(), request_zone_name())
    moment, day_text, number = write.moment, write.day, write.number
    tz = running_program().tz
    expires_words = pattern("expires on %(day)s")
    # The balance's words as text, filled with the figure escaped: as the Markup's own `%`
    # would fill them, without its escaping of each value through a helper object.
    balance_words = str(pattern("Balance %(n)s"))
    labels: dict[tuple, str] = {}   # a page's rows say a few labels, many times over
    expiries: dict = {}             # and credits' lots often expire at one moment
    lines = []
    for row in rows:
        entry = row.entry
        said = (entry.kind, entry.ref_type, entry.detail)
        label = labels.get(said)
        if label is None:
            label = labels[said] = entry_label(entry)
        credit = entry.points > 0
        expires = None
        if row.lot_expires_at and credit:
            expires = expiries.get(row.lot_expires_at)
            if expires is None:
                day = day_text(expiry_day(row.lot_expires_at, tz), "medium")
                expires = expiries[row.lot_expires_at] = expires_words % {"day": day}
        lines.append(HistoryLine(
            label, moment(entry.created_at, "short"),
            expires, credit, ("+" if credit else MINUS) + number(abs(entry.points)),
            Markup(balance_words % {"n": escape(number(entry.balance_after))})))
    return lines


def register(app) -> None:
    app.jinja_env.filters["history_lines"] = history_lines
