"""Member tasks' outcomes and refusals in words."""
from flask_babel import gettext as _

from app.loyalty.errors import DomainError
from app.loyalty.tasks import CheckInOutcome
from app.web.messages import describe


def check_in_message(outcome: CheckInOutcome) -> str:
    if outcome.already:
        return _("You have already checked in today. Come back tomorrow!")
    if outcome.bonus:
        return _("+%(points)s points, with the %(days)s-day streak bonus!",
                 points=outcome.points, days=outcome.streak)
    return _("+%(points)s points. Day %(days)s of your streak.",
             points=outcome.points, days=outcome.streak)


def task_refusal(error: DomainError) -> str:
    """A refused task as a sentence; other refusals as the mall words them."""
    match error.code:
        case "birthday_gift_not_offered":
            return _("There is no birthday gift to claim: your birthday month earns double points.")
        case "no_birthday":
            return _("Add your birthday to your profile first.")
        case "not_birthday_month":
            return _("The birthday gift can be claimed during your birthday month.")
        case "already_claimed":
            return _("You have already claimed this year's birthday gift.")
        case "birthday_locked":
            return _("Your birthday is already set and cannot be changed.")
        case "unknown_invite":
            return _("This invite code is not valid. Check it, or leave it empty.")
        case "phone_taken":
            return _("This phone number is already registered. Sign in instead.")
        case _:
            return describe(error)
