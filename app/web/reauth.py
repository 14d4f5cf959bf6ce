"""Recent sign-in: some actions need the password to have been entered a short while ago,
so a phone left signed in, or a stolen session, cannot spend a fortune or take the account."""
import time

from flask import current_app, session

AUTHENTICATED_AT = "authenticated_at"


def now() -> int:
    """Seconds since the epoch: the clock the sign-in times are read against."""
    return int(time.time())


def mark_authenticated() -> None:
    """The member has just entered their password in this session."""
    session[AUTHENTICATED_AT] = now()


def recently_authenticated() -> bool:
    """True when this session's password was entered within REAUTH_MINUTES."""
    at = session.get(AUTHENTICATED_AT)
    if not isinstance(at, int):
        return False
    return 0 <= now() - at <= current_app.config["REAUTH_MINUTES"] * 60


def needs_reauth(points: int) -> bool:
    """A redemption of more than REAUTH_ABOVE_POINTS asks for the password again unless it
    was entered recently."""
    return points > current_app.config["REAUTH_ABOVE_POINTS"] and not recently_authenticated()
