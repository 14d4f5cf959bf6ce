"""Every table of the reports page as plain rows (a header and values), for CSV files.
Headers are English; the page translates them when it shows them."""
from dataclasses import dataclass
from fractions import Fraction

from .reports import Report

TABLES = ("flows", "liability", "top_items", "orders_by_status", "members_by_tier")


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: list[tuple]


def percent(rate: Fraction | None) -> str:
    """A rate as a percentage with two decimals, halves rounded away from zero; empty when
    there is none. A month whose returns exceed its redemptions has a negative rate."""
    if rate is None:
        return ""
    hundredths = abs(rate) * 10000
    whole = (hundredths.numerator * 2 + hundredths.denominator) // (2 * hundredths.denominator)
    sign = "-" if rate < 0 and whole else ""
    return f"{sign}{whole // 100}.{whole % 100:02d}%"


def tables(report: Report) -> dict[str, Table]:
    """The report's tables by name (one of TABLES)."""
    flows = [(str(f.month) if f.month else "total", f.issued.purchases, f.issued.campaigns,
              f.issued.tasks, f.issued.adjustments, f.issued.total, f.redeemed, f.returned,
              f.expired, f.clawed_back, f.adjusted_down, f.net, percent(f.redemption_rate))
             for f in report.flows.months + [report.flows.total]]
    liability = report.liability
    buckets = [(str(b.month) if b.month else "never", b.points, b.value_fen,
                "lapsed" if b.lapsed else "") for b in liability.buckets]
    buckets.append(("total", liability.points, liability.value_fen, ""))
    return {
        "flows": Table(("month", "purchases", "campaigns", "tasks", "adjustments", "issued",
                        "redeemed", "returned", "expired", "clawed back", "adjusted down",
                        "net", "redemption rate"), flows),
        "liability": Table(("expires", "points", "value (fen)", "state"), buckets),
        "top_items": Table(("item", "name", "name (English)", "orders", "quantity", "points"),
                           [(i.item_id, i.name, i.name_en, i.orders, i.quantity, i.points)
                            for i in report.top_items]),
        "orders_by_status": Table(("status", "orders", "points", "cash (fen)"),
                                  [(s.status, s.orders, s.points, s.cash_fen)
                                   for s in report.orders_by_status]),
        "members_by_tier": Table(("tier", "name", "name (English)", "members", "points"),
                                 [(t.code, t.name, t.name_en, t.members, t.points)
                                  for t in report.members_by_tier]),
    }
