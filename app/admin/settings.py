"""Program settings and tiers, for administrators: each change audited, and followed by
every process within seconds (this one at once)."""
from dataclasses import fields

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.loyalty import reads, settings, tier_settings
from app.loyalty.program import Program, running_program
from app.program_source import running_settings
from .console import address, bp
from .settings_forms import ProgramSettingsForm, TiersForm

TIER_PROBLEMS = {
    tier_settings.REQUIRED: _l("Enter a name."),
    tier_settings.TOO_LONG: _l("Enter at most %(max)d characters.", max=tier_settings.NAME_MAX),
    tier_settings.BASE_NOT_ZERO: _l("The base tier's threshold is 0."),
    tier_settings.NOT_ABOVE_BENEATH: _l("Enter a threshold above the tier beneath this one."),
    tier_settings.OUT_OF_RANGE: _l("This value is out of range."),
}


@bp.route("/settings", methods=["GET", "POST"], endpoint="program_settings")
def settings_page():
    running = running_program()
    form = ProgramSettingsForm(data={f.name: getattr(running, f.name) for f in fields(Program)})
    if request.method == "POST":
        if form.validate():
            try:
                changed = settings.change(form.settings(), running_settings().configured(),
                                          g.staff.id, address())
            except settings.InvalidSettings as error:
                form.form_errors.append(_("These settings cannot be used together: %(why)s",
                                          why=error.details["problem"]))
            else:
                running_settings().forget()
                flash(_saved(len(changed)), "success")
                return redirect(url_for("admin.program_settings"), 303)
        return _settings(form), 422
    return _settings(form)


def _saved(count: int) -> str:
    if not count:
        return _("Nothing changed.")
    return ngettext("%(num)s setting saved.", "%(num)s settings saved.", count)


def _settings(form):
    return render_template("admin/settings.html", form=form, history=settings.history())


@bp.route("/tiers", methods=["GET", "POST"], endpoint="tiers")
def tiers_page():
    tiers = reads.tiers()
    form = TiersForm(data={"tiers": [dict(tier_settings.details(t), id=t.id) for t in tiers]})
    if request.method == "POST":
        if form.validate() and _change_tiers(form):
            flash(_("The tiers are saved."), "success")
            return redirect(url_for("admin.tiers"), 303)
        return render_template("admin/tiers.html", form=form, tiers=tiers), 422
    return render_template("admin/tiers.html", form=form, tiers=tiers)


def _change_tiers(form: TiersForm) -> bool:
    """Save the tiers the form holds; False, with the messages beside the fields, if refused."""
    rows = list(form.tiers)
    try:
        given = [tier_settings.TierInput(int(row.form.id.data), row.form.name.data,
                                         row.form.name_en.data, row.form.threshold.data,
                                         row.form.multiplier_pct.data) for row in rows]
        tier_settings.change_tiers(given, g.staff.id, address())
    except (ValueError, TypeError):
        form.form_errors.append(_("The tiers changed while you were editing: reload the page."))
        return False
    except tier_settings.InvalidTiers as refused:
        for (tier_id, field), problem in refused.details["problems"].items():
            row = next((r for r in rows if r.form.id.data == str(tier_id)), None)
            if row is None or field not in row.form:
                form.form_errors.append(
                    _("The tiers changed while you were editing: reload the page."))
                continue
            row.form[field].errors = list(row.form[field].errors) + [TIER_PROBLEMS[problem]]
        return False
    return True
