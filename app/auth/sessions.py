"""A member's session: starting one, and the sign-in limits on every form that checks a
password or a code sent by SMS."""
from flask import current_app, g, session
from flask_login import login_user

from app.extensions import limiter
from app.loyalty.models import Member
from app.web.reauth import mark_authenticated


def start_session(member: Member, remember: bool = False) -> None:
    """A fresh session for a member who just gave their password (signing in or joining),
    keeping only the language they chose."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(member, remember=remember)
    mark_authenticated()


def wrong_guess() -> None:
    """This request's password was wrong: the one mistake the sign-in limits count."""
    g.wrong_guess = True


def _failed(response) -> bool:
    """Only wrong passwords count: a member who signs in, or who gets something else in a
    form wrong while giving the right password, is never slowed down."""
    return g.get("wrong_guess", False)


def password_guesses_limited(phone_from_address):
    """The sign-in limits, shared by every form that checks a member's password, so each
    form is no fresh allowance of guesses. Guessing one member's password from one address
    is slowed to a crawl, while the member, signing in from their own phone, is not locked
    out by someone else's guesses. `phone_from_address` gives "address|phone"."""

    def limited(view):
        view = limiter.shared_limit(lambda: current_app.config["SIGN_IN_LIMITS_PER_ADDRESS"],
                                    scope="sign-in-address", methods=["POST"],
                                    deduct_when=_failed)(view)
        return limiter.shared_limit(lambda: current_app.config["SIGN_IN_LIMITS"],
                                    scope="sign-in", key_func=phone_from_address,
                                    methods=["POST"], deduct_when=_failed)(view)

    return limited
