"""The words of an expiry reminder, in the program's language, for the inbox and email.

Members have no language of their own yet, so reminders speak the program's default
locale. Links point only into the mall: a path in the inbox, MALL_URL + path by email.
"""
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _

from app.loyalty import reminders
from app.loyalty.reminders import Due, Message

# Spending always draws the soonest-expiring points first, so anything the member can
# afford now uses up the points expiring first: the catalog filtered to what they can afford.
SPEND_PATH = "/catalog?affordable=1"
INBOX_PATH = "/inbox"


def remind(now: datetime | None = None) -> int:
    """Write every expiry reminder now due, in these words; how many expiring
    points were reminded."""
    return reminders.send_due(now, compose)


def compose(due: Due, name: str) -> Message:
    """An expiry reminder for one member's expiring points, addressed to `name`."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        points = format_decimal(due.points, format="#,##0")
        day = format_date(due.day, format="long")
        title = _("Points expiring soon")
        body = _("%(points)s points expire on %(day)s. Redeem them before then.",
                 points=points, day=day)
        subject = _("%(points)s points expire on %(day)s", points=points, day=day)
        context = {"name": name, "points": points, "day": day, "body": body,
                   "spend_url": mall_url(SPEND_PATH), "inbox_url": mall_url(INBOX_PATH),
                   "mall_url": mall_url("/"), "subject": subject}
        env = current_app.jinja_env
        text = env.get_template("email/expiry.txt").render(context)
        html = env.get_template("email/expiry.html").render(context)
    return Message(title=title, body=body, link=SPEND_PATH, subject=subject, text=text,
                   html=html)


def mall_url(path: str) -> str:
    """An absolute address on the mall itself."""
    return current_app.config["MALL_URL"].rstrip("/") + path
