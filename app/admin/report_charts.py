"""The reports page's charts, drawn on the server (app/web/charts.py) from a report."""
from flask_babel import gettext as _

from app.loyalty.report_periods import Month
from app.loyalty.reports import Report
from app.web.charts import Series, bar_chart, stacked_bar_chart
from app.web.report_words import header

LABEL_EVERY_MONTH = 24      # a longer period labels only each January (and its first month)


def month_labels(months: list[Month]) -> list[str]:
    if len(months) <= LABEL_EVERY_MONTH:
        return [f"{m.year % 100:02d}-{m.month:02d}" for m in months]
    return [str(m.year) if m.month == 1 or n == 0 else "" for n, m in enumerate(months)]


def charts(report: Report) -> dict:
    """The page's charts by name, as inline SVG."""
    flows = report.flows.months
    labels = month_labels([f.month for f in flows])
    issued = stacked_bar_chart(
        "chart-issued", _("Points issued by source"),
        _("Points issued each month, by source: purchases, campaigns, tasks and adjustments."),
        labels,
        [Series(header("purchases"), [f.issued.purchases for f in flows]),
         Series(header("campaigns"), [f.issued.campaigns for f in flows]),
         Series(header("tasks"), [f.issued.tasks for f in flows]),
         Series(header("adjustments"), [f.issued.adjustments for f in flows])])
    spent = stacked_bar_chart(
        "chart-spent", _("Points redeemed, expired and taken back"),
        _("Points that left members' balances each month: redeemed, expired, clawed back "
          "and adjusted down."),
        labels,
        [Series(header("redeemed"), [f.redeemed for f in flows]),
         Series(header("expired"), [f.expired for f in flows]),
         Series(header("clawed back"), [f.clawed_back for f in flows]),
         Series(header("adjusted down"), [f.adjusted_down for f in flows])])
    buckets = report.liability.buckets
    outstanding = bar_chart(
        "chart-outstanding", _("Outstanding points by month of expiry"),
        _("Points members hold now, by the month in which they expire."),
        [(str(b.month) if b.month else header("never"), b.points) for b in buckets])
    return {"issued": issued, "spent": spent, "outstanding": outstanding}
