"""The review queue: the cases risk control opened, with their evidence; approve or reject
one, or several at once (a ring of accounts) with one reason."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.loyalty import phones
from app.loyalty.errors import NotFound
from app.loyalty.risk import cases, review
from app.loyalty.risk.blocklist import shown
from app.loyalty.risk.rules import mask_address
from app.web import risk_words
from app.web.paging import page_number
from .console import address, bp
from .decisions import decide
from .risk_forms import ApproveForm, BulkForm, RejectForm


@bp.get("/risk")
def risk_queue():
    return _page()


@bp.post("/risk/cases/<int:case_id>/approve")
def risk_approve(case_id: int):
    if not ApproveForm().validate_on_submit():
        abort(400)
    return decide(lambda: cases.approve(case_id, actor_id=g.staff.id, address=address()),
                  done=_("Approved: held points are posted."), page=_page,
                  back="admin.risk_queue")


@bp.post("/risk/cases/<int:case_id>/reject")
def risk_reject(case_id: int):
    _found(case_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _page(reject_form=form, failed_id=case_id), 422
    return decide(lambda: cases.reject(case_id, form.reason.data, actor_id=g.staff.id,
                                       address=address()),
                  done=_("Rejected: the member reads the reason."), page=_page,
                  back="admin.risk_queue")


@bp.post("/risk/cases")
def risk_bulk():
    form = BulkForm()
    if not form.validate_on_submit():
        return _page(bulk_form=form), 422
    reason = form.reason.data if form.decision.data == "reject" else None
    outcome = review.decide_many(form.case_ids.data, reason, actor_id=g.staff.id,
                                 address=address())
    if outcome.decided:
        flash(_("%(num)s cases decided.", num=len(outcome.decided)), "success")
    if outcome.already or outcome.missing:
        flash(_("Already decided by someone else, left as they were: %(ids)s.",
                ids=", ".join(f"#{n}" for n in outcome.already + outcome.missing)), "error")
        return _page(), 409
    return redirect(url_for("admin.risk_queue"), 303)


def _found(case_id: int) -> None:
    try:
        review.case(case_id)
    except NotFound:
        abort(404)


def _page(reject_form=None, failed_id: int | None = None, bulk_form=None):
    decided = request.args.get("show") == "decided"
    return render_template(
        "admin/risk_queue.html", found=review.page(decided, page_number()), decided=decided,
        approve_form=ApproveForm(formdata=None),
        reject_form=reject_form or RejectForm(formdata=None), failed_id=failed_id,
        bulk_form=bulk_form or BulkForm(formdata=None), masked=phones.mask,
        mask_address=mask_address, shown_device=lambda d: shown("device", d) if d else "—",
        words=risk_words)
