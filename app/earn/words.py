"""Member tasks' outcomes in words (their refusals: app/web/messages.py)."""
from flask_babel import gettext as _

from app.loyalty.tasks import CheckInOutcome


def check_in_message(outcome: CheckInOutcome) -> str:
    if outcome.already:
        return _("You have already checked in today. Come back tomorrow!")
    if outcome.bonus:
        return _("+%(points)s points, with the %(days)s-day streak bonus!",
                 points=outcome.points, days=outcome.streak)
    return _("+%(points)s points. Day %(days)s of your streak.",
             points=outcome.points, days=outcome.streak)

