"""Recent sign-in: some actions need the password to have been entered a short while ago,
so a phone left signed in, or a stolen session, cannot spend a fortune or take the account."""
import time
from datetime import datetime, timedelta, timezone

from flask import current_app, session
from flask_login import current_user

from app.loyalty import reads

AUTHENTICATED_AT = "authenticated_at"


def now() -> float:
    """Seconds since the epoch: the clock the sign-in times are read against."""
    return time.time()


def mark_authenticated() -> None:
    """The member has just entered their password in this session."""
    session[AUTHENTICATED_AT] = now()


def _authenticated_at() -> float | None:
    at = session.get(AUTHENTICATED_AT)
    return at if isinstance(at, (int, float)) and not isinstance(at, bool) else None


def recently_authenticated() -> bool:
    """True when this session's password was entered within REAUTH_MINUTES."""
    at = _authenticated_at()
    return at is not None and 0 <= now() - at <= current_app.config["REAUTH_MINUTES"] * 60


def needs_reauth(points: int) -> bool:
    """A redemption asks for the password again when it was last entered more than
    REAUTH_MINUTES ago and the points redeemed since then, this redemption's included, come
    to more than REAUTH_ABOVE_POINTS: many small orders add up as one big one would.

    What was redeemed comes from the ledger, which an old copy of the cookie cannot wind
    back. A session never given the password (one restored by "keep me signed in") counts
    everything redeemed over the life of that cookie."""
    if recently_authenticated():
        return False
    limit = current_app.config["REAUTH_ABOVE_POINTS"]
    if points > limit:
        return True
    at = _authenticated_at()
    if at is None:
        at = now() - _seconds(current_app.config["REMEMBER_COOKIE_DURATION"])
    since = datetime.fromtimestamp(min(at, now()), timezone.utc)
    return reads.redeemed_since(current_user.id, since) + points > limit


def _seconds(duration: timedelta | int) -> float:
    return duration.total_seconds() if isinstance(duration, timedelta) else float(duration)
