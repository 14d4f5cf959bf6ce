"""Words for staff about catalog details, coupon codes and catalog files the core refused."""
from flask_babel import gettext as _

from app.loyalty import catalog, coupon_pools


def field_problem(field: str, problem: str) -> str:
    """What is wrong with one field of an item, in a sentence for staff."""
    match (field, problem):
        case ("points_price", catalog.NOT_POSITIVE):
            return _("The points price must be more than 0.")
        case ("cash_fen", catalog.NEGATIVE):
            return _("The cash part cannot be negative.")
        case ("stock" | "change", catalog.NEGATIVE):
            return _("Stock cannot go below zero.")
        case ("stock", catalog.SET_BY_CODES) | ("kind", catalog.SET_BY_CODES):
            return _("A coupon item's stock is its unused codes: add codes instead.")
        case ("stock", catalog.REQUIRED):
            return _("This item has unlimited stock: set a stock first.")
        case ("sale_ends_at", catalog.ENDS_BEFORE_START):
            return _("The sale must end after it starts.")
        case ("category_id", _unknown):
            return _("Choose a category that exists.")
        case ("min_tier_id", _unknown):
            return _("Choose a tier that exists.")
        case ("per_member_limit", catalog.BELOW_ONE):
            return _("The limit per member must be at least 1, or empty for no limit.")
        case ("cost_fen", catalog.NEGATIVE):
            return _("The cost cannot be negative.")
        case ("quota", catalog.BELOW_ONE):
            return _("The quota must be at least 1, or empty for no quota.")
        case ("quota_period", _unknown):
            return _("Choose a quota for each day or each month.")
        case ("starts_at", "past"):
            return _("A price step starts in the future: choose a later time.")
        case ("starts_at", "duplicate"):
            return _("This item already has a price step at this time.")
        case ("starts_at", "too_many"):
            return _("At most 50 price steps can wait at once.")
        case ("starts_at", "applied"):
            return _("A step whose time has come stays, as the item's price history.")
        case ("kind", catalog.UNKNOWN):
            return _("Choose pickup, coupon code or service.")
        case ("kind", "not_coupon"):
            return _("Only coupon items have a pool of codes.")
        case ("change", catalog.ZERO):
            return _("Enter a change other than 0.")
        case ("change", catalog.NOT_POSITIVE):
            return _("A restock adds stock: enter a number above 0.")
        case ("reason", _unknown):
            return _("Choose restock or correction.")
        case (_field, catalog.REQUIRED):
            return _("This field is required.")
        case (_field, catalog.TOO_LONG):
            return _("This is too long.")
        case (_field, catalog.NOT_A_NUMBER):
            return _("Enter a whole number.")
    return _("This value is not valid.")


def code_problem(line: int, problem: str, code: str) -> str:
    """What is wrong with one line of pasted or uploaded coupon codes."""
    match problem:
        case coupon_pools.DUPLICATE:
            return _("Line %(line)s: %(code)s appears twice.", line=line, code=code)
        case coupon_pools.IN_POOL:
            return _("Line %(line)s: %(code)s is already in a pool.", line=line, code=code) \
                if line else _("Some of these codes were just added by someone else.")
        case coupon_pools.TOO_LONG:
            return _("Line %(line)s: a code has at most 24 characters.", line=line)
        case coupon_pools.BAD_CHARACTERS:
            return _("Line %(line)s: only letters, digits and ASCII punctuation, no spaces.",
                     line=line)
        case coupon_pools.TOO_MANY:
            return _("At most 10,000 codes at once.")
    return _("There are no codes to add.")


def file_problem(line: int, field: str, problem: str) -> str:
    """What is wrong with one row of a catalog file."""
    match (field, problem):
        case ("file", "too_large"):
            return _("The file is too large: at most 5,000 rows and 2 MB.")
        case ("file", "not_text"):
            return _("The file is not UTF-8 CSV text.")
        case ("file", "header"):
            return _("The first row must be the header row of an exported catalog.")
        case ("id", catalog.UNKNOWN):
            return _("Line %(line)s: no item has this id.", line=line)
        case ("row", "columns"):
            return _("Line %(line)s: the row does not have one value for every column.",
                     line=line)
        case (_field, "not_a_time"):
            return _("Line %(line)s: %(field)s is not a date and time.", line=line,
                     field=_field)
    return _("Line %(line)s: %(field)s: %(problem)s", line=line, field=field,
             problem=field_problem(field, problem))


def describe(error) -> str:
    """Every problem a catalog refusal reports, one sentence each."""
    problems = error.details.get("problems") or ()
    match error.code:
        case "invalid_item":
            return " ".join(field_problem(f, p) for f, p in dict(problems).items()) or \
                _("These item details are not valid.")
        case "invalid_codes":
            return " ".join(code_problem(*problem) for problem in problems) or \
                _("These coupon codes were not added.")
    return " ".join(file_problem(*problem) for problem in problems) or \
        _("Nothing was imported from this catalog file.")


def image_problem(reason: str) -> str:
    """Why an uploaded image was refused."""
    from app.media import images

    match reason:
        case images.TOO_LARGE:
            return _("The image is too large: at most 5 MB.")
        case images.TOO_MANY_PIXELS:
            return _("The image has too many pixels: at most 40 megapixels.")
        case images.ANIMATED:
            return _("Upload a still image, not an animation.")
        case images.EMPTY:
            return _("The file is empty.")
    return _("This file is not a JPEG, PNG or WebP image.")


def stock_reason(reason: str) -> str:
    """Why stock moved, in a word or two for staff."""
    from app.loyalty.models import CODES_ADDED, CORRECTION, OPENING, REDEMPTION, RESTOCK

    return {RESTOCK: _("Restock"), CORRECTION: _("Correction"), REDEMPTION: _("Redemption"),
            CODES_ADDED: _("Codes added"), OPENING: _("Opening stock")}.get(
        reason, _("Returned by an order"))
