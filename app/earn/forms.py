from flask_wtf import FlaskForm


class CheckInForm(FlaskForm):
    """Check in for today; the CSRF token is its only field."""


class ClaimForm(FlaskForm):
    """Claim the birthday gift; the CSRF token is its only field."""
