"""The texts of the SMS messages that carry codes, in the member's language."""
from flask import current_app, url_for
from flask_babel import gettext as _

from app.loyalty.models import JOIN, SIGN_IN
from app.loyalty.phone_codes import IssuedCode


def code_text(purpose: str, issued: IssuedCode) -> str:
    """What the phone receives. A phone that is no member's gets no code to sign in or
    reset a password with, only where to join; one that is a member's, asking to join,
    gets a code that signs them in instead."""
    mall, code = _("Points Mall"), issued.code
    if purpose == JOIN:
        if issued.member_id is None:
            return _("[%(mall)s] Your code to join is %(code)s. It expires in 5 minutes. "
                     "Never share it with anyone.", mall=mall, code=code)
        return _("[%(mall)s] This number is already a member. Enter %(code)s on the joining "
                 "page to sign in; the other fields can stay empty. It expires in 5 minutes.",
                 mall=mall, code=code)
    if issued.member_id is None:
        join_url = current_app.config["MALL_URL"].rstrip("/") + url_for("auth.join")
        return _("[%(mall)s] No account uses this number. Join at %(url)s",
                 mall=mall, url=join_url)
    if purpose == SIGN_IN:
        return _("[%(mall)s] Your sign-in code is %(code)s. It expires in 5 minutes. "
                 "Never share it with anyone.", mall=mall, code=code)
    return _("[%(mall)s] Your code to choose a new password is %(code)s. It expires in "
             "5 minutes. If you didn't ask for it, ignore this message.", mall=mall, code=code)
