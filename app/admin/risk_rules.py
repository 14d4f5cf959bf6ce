"""Risk rules in the console: each rule's threshold, window, action and state, edited with
a dry run of the values over the last 30 days of signals before they are kept."""
from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.loyalty import phones
from app.loyalty.errors import DomainError, NotFound
from app.loyalty.models import Member
from app.loyalty.risk import guard, rules, settings
from app.loyalty.risk.rules import AMOUNT, Rule
from app.web import risk_words
from app.web.messages import describe
from .console import address, bp
from .risk_forms import RuleForm, window_parts

DRY_RUN_SHOWN = 50


@bp.get("/risk/rules")
def risk_rules():
    running = guard.running_rules()
    return render_template("admin/risk_rules.html", running=running, words=risk_words,
                           window_parts=window_parts, unit=_unit)


@bp.get("/risk/rules/<rule_code>")
def risk_rule(rule_code: str):
    current = _rule(rule_code)
    form = RuleForm(formdata=None)
    form.threshold.data, form.action.data = current.threshold, current.action
    form.window.data, form.unit.data = window_parts(current.window_seconds)
    form.enabled.data, form.dry_run_only.data = current.enabled, current.dry_run_only
    return _edit(current, form)


@bp.post("/risk/rules/<rule_code>")
def risk_rule_save(rule_code: str):
    return _submitted(rule_code, lambda rule: settings.change(
        rule, actor_id=g.staff.id, address=address()), _saved)


@bp.post("/risk/rules/<rule_code>/dry-run")
def risk_rule_dry_run(rule_code: str):
    """What the form's values would have caught: nothing is saved."""
    return _submitted(rule_code, settings.dry_run, _dry_run_page)


def _submitted(code: str, act, then):
    """The form's values as a rule, given to `act`; its outcome shown by `then`, or the form
    again with what is wrong (422)."""
    current, form = _rule(code), RuleForm()
    if not form.validate_on_submit():
        return _edit(current, form), 422
    try:
        outcome = act(_candidate(code, form))
    except DomainError as error:
        flash(describe(error), "error")
        return _edit(current, form), 422
    return then(current, form, outcome)


def _saved(_current, _form, _outcome):
    flash(_("The rule is saved."), "success")
    return redirect(url_for("admin.risk_rules"), 303)


def _dry_run_page(current, form, result):
    shown = result.members[:DRY_RUN_SHOWN]
    caught = list(db.session.scalars(db.select(Member).where(Member.id.in_(shown))
                                     .order_by(Member.id))) if shown else []
    return _edit(current, form, result=result, caught=caught)


def _rule(code: str) -> Rule:
    try:
        return settings.rule(code)
    except NotFound:
        abort(404)


def _candidate(code: str, form: RuleForm) -> Rule:
    return Rule(code, form.threshold.data, form.window_seconds(), form.action.data,
                bool(form.enabled.data), bool(form.dry_run_only.data))


def _unit(code: str) -> str:
    measure = rules.SPECS[code].measure
    if measure == AMOUNT:
        return _("fen")
    return {"points": _("points"), "members": _("members")}.get(measure, _("times"))


def _edit(current: Rule, form: RuleForm, result=None, caught=()):
    return render_template("admin/risk_rule.html", rule=current, form=form, result=result,
                           caught=caught, words=risk_words, unit=_unit(current.code),
                           masked=phones.mask, days=settings.DRY_RUN_DAYS)
