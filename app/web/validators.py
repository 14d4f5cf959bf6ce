"""Form rules for what a member types about themself, defined once for every form that asks:
a name people can see, and one email address."""
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import ValidationError
from wtforms.validators import DataRequired, Email, Length, Optional

NAME_MAX = 60
EMAIL_MAX = 120
# Bidirectional embeddings, overrides and isolates: they reorder the text around a name.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that draw nothing, used to fake an empty name.
BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Line and paragraph separators, and characters with no meaning in text.
REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _visible(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNPS" and char not in BLANK_LOOKALIKES


def check_name(name: str) -> str | None:
    """Why a (stripped) name is refused: "hidden" for control and bidi characters or line
    breaks, "invisible" when nothing of it shows; None for a good name."""
    if any(unicodedata.category(c) in REFUSED_CATEGORIES or c in BIDI_CONTROLS for c in name):
        return "hidden"
    if not any(_visible(c) for c in name):
        return "invisible"
    return None


def _shown_name(form, field) -> None:
    problem = check_name(field.data or "")
    if problem == "hidden":
        raise ValidationError(_l("A name can't contain line breaks or hidden control "
                                 "characters."))
    if problem == "invisible":
        raise ValidationError(_l("Enter a name with at least one letter or character that "
                                 "shows."))


def name_rules() -> list:
    """A member's name (after the field strips it): required, at most 60 characters, at least
    one visible character, no control, bidi or line-break characters."""
    return [DataRequired(_l("Enter your name.")),
            Length(max=NAME_MAX, message=_l("Use at most 60 characters.")), _shown_name]


def email_rules() -> list:
    """An optional email address: exactly one mailbox (no display name, no list), checked by
    email-validator without looking anything up on the network."""
    return [Optional(), Length(max=EMAIL_MAX, message=_l("Use at most 120 characters.")),
            Email(message=_l("Enter an email address like name@example.com."),
                  check_deliverability=False, allow_smtputf8=False)]
