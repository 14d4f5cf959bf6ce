from app.web.forms import Form


class CheckInForm(Form):
    """Check in for today; the CSRF token is its only field."""


class ClaimForm(Form):
    """Claim the birthday gift; the CSRF token is its only field."""
