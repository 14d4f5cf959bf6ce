"""The member's inbox: reminders and other notices from the mall."""
from flask_wtf import FlaskForm


class MarkAllReadForm(FlaskForm):
    """Mark every notice read; the CSRF token is its only field."""


class NoticeForm(FlaskForm):
    """Mark one notice read, or follow its link; the CSRF token is its only field."""
