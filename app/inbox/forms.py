from flask_wtf import FlaskForm


class MarkAllReadForm(FlaskForm):
    """Mark every notice read; the CSRF token is its only field."""
