"""The liability reports, for administrators: a period's points by month and source, the
points members hold and what they may cost, orders, items and tiers; every table as CSV."""
from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from wtforms import StringField

from app.loyalty import report_tables, reports
from app.loyalty.models import utcnow
from app.loyalty.program import running_program
from app.loyalty.report_periods import InvalidPeriod, period
from app.web import report_words
from app.web.csv_export import csv_bytes
from app.web.forms import Form
from .console import bp
from .report_charts import charts


class PeriodForm(Form):
    """The months a report covers, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    start = StringField(_l("From month"), name="from",
                        render_kw={"placeholder": "2026-01", "inputmode": "numeric",
                                   "maxlength": 20})
    end = StringField(_l("To month"), name="to",
                      render_kw={"placeholder": "2026-12", "inputmode": "numeric",
                                 "maxlength": 20})


def _period(form: PeriodForm, now):
    """The period the form asks for, or None with the message beside its field."""
    if not form.validate():
        return None
    try:
        return period(form.start.data, form.end.data, now, running_program().tz)
    except InvalidPeriod as refused:
        field = form.start if refused.details.get("field") == "from" else form.end
        field.errors = [*field.errors, report_words.period_problem(refused.details["reason"])]
        return None


@bp.get("/reports", endpoint="reports")
def reports_page():
    now, program = utcnow(), running_program()
    form = PeriodForm(formdata=request.args)
    chosen = _period(form, now)
    if chosen is None:
        return render_template("admin/reports.html", form=form, report=None), 422
    found = reports.report(chosen, now, program)
    link = {"from": str(chosen.first), "to": str(chosen.last)}
    return render_template("admin/reports.html", form=form, report=found, link=link,
                           charts=charts(found), rate=report_tables.percent,
                           zone=program.timezone, status_word=_status_word,
                           h=report_words.header)


def _status_word(status: str) -> str:
    return report_words.cell("orders_by_status", status)


@bp.get("/reports/<table>.csv", endpoint="report_csv")
def report_csv(table: str):
    if table not in report_tables.TABLES:
        abort(404)
    now = utcnow()
    form = PeriodForm(formdata=request.args)
    chosen = _period(form, now)
    if chosen is None:
        errors = [str(e) for field in (form.start, form.end) for e in field.errors]
        return " ".join(errors), 422, {"Content-Type": "text/plain; charset=utf-8"}
    found = report_tables.tables(reports.report(chosen, now, running_program()))[table]
    body = csv_bytes([report_words.header(h) for h in found.header],
                     ([report_words.cell(table, v) for v in row] for row in found.rows))
    name = f"{table.replace('_', '-')}-{chosen.first}-{chosen.last}.csv"
    return body, 200, {"Content-Type": "text/csv; charset=utf-8",
                       "Content-Disposition": f'attachment; filename="{name}"'}
