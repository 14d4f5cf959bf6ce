"""The locale and timezone flask_babel chose for the request, read where it keeps them.

flask_babel's get_locale() and get_timezone() walk the application context through three
proxy look-ups on every call, and a page of fifty rows asks several hundred times. Once
flask_babel has chosen (on the first call of a request, or inside force_locale), the choice
sits on the request's `g`; these read it there and fall back to flask_babel otherwise, so
they always answer what flask_babel would."""
from babel import Locale
from flask import g
from flask_babel import get_locale, get_timezone

_request_g = g._get_current_object   # the request's own `g` (the proxy's documented way in)


def _chosen():
    try:
        return _request_g()._flask_babel
    except (RuntimeError, AttributeError):   # outside a request, or nothing chosen yet
        return None


def request_locale() -> Locale | None:
    """flask_babel.get_locale(), without its look-up once the request's locale is chosen."""
    locale = getattr(_chosen(), "babel_locale", None)
    return locale if locale is not None else get_locale()


def request_zone_name() -> str:
    """The name of flask_babel.get_timezone(), the program's timezone for the request."""
    tzinfo = getattr(_chosen(), "babel_tzinfo", None)
    return (tzinfo if tzinfo is not None else get_timezone()).zone


def request_globals():
    """The request's `g` itself (None outside one), to keep what a request computes once."""
    try:
        return _request_g()
    except RuntimeError:
        return None
