"""Members in the console: find them (clerks too), see one, adjust points, freeze."""
import secrets

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.loyalty import adjustments, members, phones, purchases, reads
from app.loyalty.errors import DomainError, NotFound
from app.loyalty.models import ADMIN, AWAITING, CLERK, utcnow
from app.loyalty.program import running_program
from app.web.messages import describe
from .console import address, bp, for_roles
from .member_forms import AdjustForm, FreezeForm, MemberSearchForm, ShowPhoneForm


@bp.get("/members")
@for_roles(ADMIN, CLERK)
def members_page():
    form = MemberSearchForm(formdata=request.args)
    found = None
    if request.args:
        if not form.validate():
            return render_template("admin/members.html", form=form, found=None,
                                   masked=phones.mask), 422
        found = members.search(form.q.data)
    return render_template("admin/members.html", form=form, found=found, masked=phones.mask)


@bp.get("/members/<member_no>")
@for_roles(ADMIN, CLERK)
def member_page(member_no: str):
    return _member(member_no)


@bp.post("/members/<member_no>/phone")
def member_phone(member_no: str):
    member = _found(member_no)
    if not ShowPhoneForm().validate_on_submit():
        abort(400)
    phone = members.show_phone(member.member_no, actor_id=g.staff.id, address=address())
    return _member(member_no, full_phone=phone)


@bp.post("/members/<member_no>/adjust")
def adjust(member_no: str):
    member = _found(member_no)
    form = AdjustForm()
    if not form.validate_on_submit():
        return _member(member_no, adjust_form=form, status=422)
    try:
        done = adjustments.adjust(member.id, int(form.points.data), form.reason.data,
                                  form.token.data, actor_id=g.staff.id, address=address())
    except DomainError as error:
        form.points.errors = [describe(error)]
        return _member(member_no, adjust_form=form, status=422)
    if done.status == AWAITING:
        flash(_("The adjustment of %(points)s points waits for a second administrator.",
                points=f"{done.points:+,}"), "info")
    else:
        flash(_("%(points)s points posted.", points=f"{done.points:+,}"), "success")
    return redirect(url_for("admin.member_page", member_no=member_no), 303)


@bp.post("/members/<member_no>/freeze")
def freeze(member_no: str):
    return _set_frozen(member_no, members.freeze, _("The account is frozen."))


@bp.post("/members/<member_no>/unfreeze")
def unfreeze(member_no: str):
    return _set_frozen(member_no, members.unfreeze, _("The account is unfrozen."))


def _set_frozen(member_no: str, change, done: str):
    _found(member_no)
    form = FreezeForm()
    if not form.validate_on_submit():
        return _member(member_no, freeze_form=form, status=422)
    try:
        change(member_no, form.reason.data, actor_id=g.staff.id, address=address())
    except DomainError as error:
        form.reason.errors = [describe(error)]
        return _member(member_no, freeze_form=form, status=422)
    flash(done, "success")
    return redirect(url_for("admin.member_page", member_no=member_no), 303)


def _found(member_no: str):
    try:
        return members.by_number(member_no)
    except NotFound:
        abort(404)


def _member(member_no: str, full_phone: str | None = None, adjust_form=None,
            freeze_form=None, status: int = 200):
    member, now = _found(member_no), utcnow()
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100000 else 1
    adjust_form = adjust_form or AdjustForm(formdata=None)
    adjust_form.token.data = secrets.token_urlsafe(24)
    return render_template(
        "admin/member.html", member=member, full_phone=full_phone, masked=phones.mask,
        lots=members.live_lots(member.id, now), orders=members.recent_orders(member.id),
        tier_changes=reads.tier_changes(member.id, limit=20),
        pending=purchases.pending_points(member.id),
        requests=adjustments.of_member(member.id), ledger=members.ledger_page(member.id, page),
        adjust_form=adjust_form, freeze_form=freeze_form or FreezeForm(formdata=None),
        phone_form=ShowPhoneForm(formdata=None),
        approval_above=running_program().adjust_approval_above), status
