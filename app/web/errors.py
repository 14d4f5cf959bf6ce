"""Error pages in the mall's own style, and domain errors turned into messages."""
from flask import Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from app.loyalty.errors import DomainError

TITLES = {
    400: _l("Something in that request was not right"),
    403: _l("That is not yours to open"),
    404: _l("We could not find that page"),
    405: _l("That action is not allowed here"),
    500: _l("Something went wrong on our side"),
}


def describe(error: DomainError) -> str:
    """A domain error as a sentence a member understands."""
    d = error.details
    match error.code:
        case "insufficient_points":
            return _("Not enough points: you need %(short)s more.", short=f"{d['short']:,}")
        case "sold_out":
            return _("Sold out.")
        case "limit_reached":
            return _("You have reached the limit of %(limit)s per member.", limit=d["limit"])
        case "tier_too_low":
            return _("This item is for higher tiers.")
        case "not_on_sale":
            return _("This item is not on sale now.")
        case "invalid_quantity":
            return _("Choose a quantity from 1 to %(maximum)s.", maximum=d["maximum"])
        case "not_cancellable":
            return _("This order can no longer be cancelled.")
        case "payment_rejected":
            return _("The payment notification was not accepted.")
        case _:
            return _("That could not be done.")


def register(app: Flask) -> None:
    app.jinja_env.globals["describe"] = describe

    def page(status: int, message: str | None = None):
        return render_template("errors/error.html", status=status, title=TITLES[status],
                               message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, _("This form has expired. Go back, reload the page and try again."))

    for status in (400, 403, 404, 405, 500):
        app.register_error_handler(status, lambda e, s=status: page(s))
