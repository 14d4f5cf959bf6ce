"""The kiosk's pages: enrolment, the attract screen, signing in with the member card, done."""
from flask import current_app, g, redirect, render_template, request, url_for

from app.extensions import limiter
from app.loyalty import card_tokens, kiosks
from app.web.messages import describe
from .blueprint import bp, kiosk_required
from .forms import DoneForm, EnrolForm, ScanForm
from .session import (
    begin_member_session,
    current_kiosk,
    end_member_session,
    kiosk_member,
    set_credential,
)


def _this_kiosk() -> str:
    kiosk = current_kiosk()
    return f"kiosk:{kiosk.id}" if kiosk is not None else f"address:{request.remote_addr}"


def _refused(response) -> bool:
    """Only refused codes count: a busy kiosk signing many members in is never slowed."""
    return g.get("code_refused", False)


@bp.route("/enrol", methods=["GET", "POST"])
def enrol():
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            kiosk, secret = kiosks.enrol(form.code.data)
        except kiosks.EnrolmentRefused as error:
            form.code.errors.append(describe(error))
        else:
            end_member_session()
            response = redirect(url_for("kiosk.attract"))
            set_credential(response, kiosk, secret)
            return response
    status = 422 if form.errors else 200
    return render_template("kiosk/enrol.html", form=form, kiosk=current_kiosk()), status


@bp.get("")
@kiosk_required
def attract():
    if kiosk_member() is not None:
        return redirect(url_for("kiosk.member"))
    return render_template("kiosk/attract.html", form=ScanForm())


@bp.post("/scan")
@kiosk_required
@limiter.limit(lambda: current_app.config["KIOSK_CODE_LIMITS"], key_func=_this_kiosk,
               scope="kiosk-card-code", deduct_when=_refused)
def scan():
    form = ScanForm()
    if form.validate_on_submit():
        try:
            person = card_tokens.use(form.code.data, current_kiosk().id)
        except card_tokens.CardCodeRefused:
            g.code_refused = True
        else:
            begin_member_session(person.id)
            return redirect(url_for("kiosk.member"))
    g.code_refused = True
    form.code.data = ""
    form.code.errors = [describe(card_tokens.CardCodeRefused())]
    return render_template("kiosk/attract.html", form=form), 422


@bp.post("/done")
@kiosk_required
def done():
    DoneForm().validate_on_submit()  # CSRF checked by CSRFProtect already
    end_member_session()
    return redirect(url_for("kiosk.attract"))


@bp.post("/still-here")
@kiosk_required
def still_here():
    """A touch on a page that sent no request: the member is still there."""
    return ("", 204) if kiosk_member() is not None else ("", 401)
