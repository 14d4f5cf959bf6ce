"""The member card on the phone (/card): a QR code and 6 digits that sign the member in on a
store's kiosk once, within two minutes. The page asks for a code by POST (no GET writes);
htmx asks for a new one every minute, and without JavaScript the member taps for one."""
from flask import render_template
from flask_login import current_user, login_required

from app.loyalty import card_tokens
from app.web.forms import Form
from app.web.fragments import wants_fragment
from app.web.qr import qr_svg
from .views import bp

REFRESH_SECONDS = 60


class CardForm(Form):
    """Ask for a new card code; the CSRF token is its only field."""


@bp.get("/card")
@login_required
def card():
    return render_template("storefront/card.html", form=CardForm(), issued=None,
                           refresh=REFRESH_SECONDS)


@bp.post("/card/code")
@login_required
def card_code():
    form = CardForm()
    form.validate_on_submit()  # CSRFProtect has checked the token already
    issued = card_tokens.issue(current_user.id)
    template = "storefront/_card_code.html" if wants_fragment() else "storefront/card.html"
    qr = qr_svg(issued.code, sized=False).decode()
    return render_template(template, form=form, issued=issued, qr=qr, refresh=REFRESH_SECONDS)
