"""The member's inbox: reminders and other notices from the mall."""
from app.web.forms import Form


class MarkAllReadForm(Form):
    """Mark every notice read; the CSRF token is its only field."""


class NoticeForm(Form):
    """Mark one notice read, or follow its link; the CSRF token is its only field."""
