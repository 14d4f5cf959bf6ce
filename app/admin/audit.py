"""The audit log, for administrators: newest first, filtered by staff, action and dates."""
from datetime import datetime, time, timedelta, timezone

from flask import render_template, request
from sqlalchemy import select

from app.extensions import db
from app.loyalty import audit_log
from app.loyalty.models import Staff
from app.loyalty.program import running_program
from .console import bp
from .forms import AuditFilterForm


def _local_midnight(day) -> datetime:
    return datetime.combine(day, time(), tzinfo=running_program().tz).astimezone(timezone.utc)


@bp.get("/audit", endpoint="audit_log")
def audit_page():
    people = db.session.execute(select(Staff.id, Staff.username).order_by(Staff.username)).all()
    form = AuditFilterForm([(str(i), name) for i, name in people], formdata=request.args)
    if request.args and not form.validate():
        return render_template("admin/audit.html", form=form, page=None), 422
    found = audit_log.search(
        actor_id=int(form.actor.data) if form.actor.data else None,
        action=form.action.data or None,
        since=_local_midnight(form.since.data) if form.since.data else None,
        until=_local_midnight(form.until.data) + timedelta(days=1) if form.until.data else None,
        page=form.page.data or 1)
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", form=form, page=found, filters=filters)
