"""The redemption-cost budget, for administrators: a year's cost month by month, its
forecast against the budget, and the budget set in a form."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.extensions import db
from app.loyalty import budget, cost_plan, report_tables
from app.loyalty.models import utcnow
from app.loyalty.program import running_program
from app.loyalty.report_periods import FIRST_YEAR, LAST_YEAR, Month
from app.web.fields import YUAN_BIG, WholeNumberField, YuanField
from app.web.forms import Form
from app.web.messages import describe
from .console import address, bp


class YearForm(Form):
    """The year shown, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    year = WholeNumberField(_l("Year"), validators=[Optional(), NumberRange(
        min=FIRST_YEAR, max=LAST_YEAR, message=_l("Choose a year from 2000 to 2999."))])


class BudgetYuanField(YuanField):
    """A budget in yuan, up to ten digits before the point; `data` in fen, None if blank."""

    pattern = YUAN_BIG
    blank = None


class BudgetForm(Form):
    year = HiddenField()
    budget = BudgetYuanField(_l("Budget for the year (yuan)"), validators=[
        InputRequired(_l("Enter a budget in yuan above 0, like 250000."))],
        render_kw={"inputmode": "decimal", "placeholder": "250000"})


def _page(year: int, form: BudgetForm, status: int = 200, year_form: YearForm | None = None):
    program = running_program()
    found = budget.plan(year, utcnow(), program) if year_form is None else None
    return render_template(
        "admin/budget.html", plan=found, year=year, form=form,
        year_form=year_form or YearForm(formdata=None), rate=report_tables.percent,
        zone=program.timezone,
        per_hundred=cost_plan.round_fen(found.cost_per_point * 100) if found else 0,
        months_left=format_decimal(round(float(found.months_left), 1)) if found else 0), status


@bp.get("/budget")
def budget_page():
    form = YearForm(formdata=request.args)
    this_year = Month.of(utcnow(), running_program().tz).year
    if not form.validate():
        return _page(this_year, BudgetForm(year=this_year), 422, year_form=form)
    year = form.year.data or this_year
    return _page(year, BudgetForm(year=year, budget=budget.budget_for(year)))


@bp.post("/budget")
def set_budget():
    form = BudgetForm()
    this_year = Month.of(utcnow(), running_program().tz).year
    year = int(form.year.data) if (form.year.data or "").isdigit() and len(
        form.year.data) == 4 else None
    if form.validate_on_submit():
        try:
            budget.set_budget(year, form.budget.data, actor_id=g.staff.id, address=address())
        except budget.InvalidBudget as refused:
            db.session.rollback()
            form.budget.errors = [*form.budget.errors, describe(refused)]
        else:
            flash(_("The budget for %(year)s is set.", year=year), "info")
            return redirect(url_for("admin.budget_page", year=year))
    return _page(year or this_year, form, 422)
