"""Adjustments waiting for a second administrator: approve or reject, never one's own."""
from flask import g, render_template
from flask_babel import gettext as _

from app.loyalty import adjustments, phones
from .console import address, bp
from .decisions import decide
from .member_forms import DecideForm


@bp.get("/approvals")
def approvals():
    return _page()


@bp.post("/approvals/<int:request_id>/approve")
def approve(request_id: int):
    return _decide(request_id, adjustments.approve, _("Approved: the points are posted."))


@bp.post("/approvals/<int:request_id>/reject")
def reject(request_id: int):
    return _decide(request_id, adjustments.reject, _("Rejected: nothing was posted."))


def _decide(request_id: int, act, done: str):
    form = DecideForm()
    if not form.validate_on_submit():
        return _page(form, request_id), 422
    return decide(lambda: act(request_id, actor_id=g.staff.id, address=address(),
                              note=form.note.data or ""),
                  done=done, page=_page, back="admin.approvals",
                  forbidden=(adjustments.OwnAdjustment,))


def _page(form=None, failed_id: int | None = None):
    return render_template("admin/approvals.html", waiting=adjustments.pending(),
                           form=form or DecideForm(formdata=None), failed_id=failed_id,
                           masked=phones.mask)
