"""Languages: Simplified Chinese by default, English on request; numbers, dates, money."""
from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import get_timezone_name
from flask import Flask, current_app, redirect, request, session, url_for
from flask_babel import LazyString, format_decimal, get_translations, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from app.loyalty.lots import expiry_day
from app.loyalty.program import running_program
from .dates import format_date, format_datetime, numbers, skeleton_text
from .redirects import local_path
from .request_babel import request_globals, request_locale


def select_locale() -> Locale:
    wanted = session.get("lang")
    if wanted in current_app.config["LANGUAGES"]:
        return parsed_locale(wanted)
    return parsed_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


@lru_cache(maxsize=8)
def parsed_locale(code: str) -> Locale:
    """A language's locale, looked up in Babel's data once per process, not once a request."""
    return Locale.parse(code)


def points(number) -> str:
    """Points as members read them, in their language."""
    if isinstance(number, int):
        return numbers(request_locale()).number(number)
    return format_decimal(number, format="#,##0")


def yuan(fen: int) -> str:
    """Integer fen as a price: 990 -> ¥9.90."""
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def multiplier(pct: int) -> str:
    """150 -> 1.5, 200 -> 2."""
    return f"{pct / 100:g}"


def localized(obj, field: str) -> str:
    """A data field in the member's language: `name` is Chinese, `name_en` English."""
    return in_language(obj, field, english=request_locale().language == "en")


def in_language(obj, field: str, *, english: bool) -> str:
    """A data field in English (`name_en`, or `name` when it has none) or in Chinese, for a
    caller that knows the language already."""
    if english:
        return getattr(obj, f"{field}_en", None) or getattr(obj, field)
    return getattr(obj, field)


def short_day(day: date) -> str:
    """Month and day; the year too when it is not this year."""
    this_year = datetime.now(running_program().tz).year
    return skeleton_text(day, "MMMd" if day.year == this_year else "yMMMd", request_locale())


def countdown(expires_at: datetime, now: datetime) -> str:
    """Time left, as the page shows it without JavaScript."""
    left = expires_at - now
    if left.days >= 1:
        return ngettext("%(num)s day left", "%(num)s days left", left.days)
    hours = left.seconds // 3600
    if hours:
        return ngettext("%(num)s hour left", "%(num)s hours left", hours)
    return _("less than an hour left")


def timezone_name(tz: str) -> str:
    """The program's timezone as members know it: China Standard Time, 中国标准时间."""
    return get_timezone_name(tz, locale=request_locale())


def translations():
    """The request's translations, looked up through Babel once for each language the request
    speaks in (Babel's look-up walks its request context three times on every word)."""
    locale = request_locale()
    if locale is None:   # outside a request: Babel's stand-in, which translates nothing
        return get_translations()
    kept = request_globals()
    found = getattr(kept, "mall_translations", None)
    if found is None or found[0] is not locale:
        found = kept.mall_translations = (locale, get_translations())
    return found[1]


def gettext(message: str, **variables) -> str:
    """flask_babel's gettext, with the request's translations found once."""
    text = translations().ugettext(message)
    return text % variables if variables else text


def pattern(message: str) -> Markup:
    """A translated sentence with its `%(name)s` places left to fill, as a template's `_()`
    would fill them (`pattern(...)|format(name=value)`, the value escaped): for a row of a
    list, translated once for the page rather than once a row."""
    return Markup(translations().ugettext(message))


def lazy_gettext(message: str, **variables) -> LazyString:
    """A word translated when it is shown, in the language of the request showing it."""
    return LazyString(gettext, message, **variables)


def register(app: Flask) -> None:
    env = app.jinja_env
    # Templates say most of the words: their `_()` and `ngettext()` reach the request's
    # translations without Babel's look-up on every word.
    env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n))
    env.filters["points"] = points
    env.filters["yuan"] = yuan
    env.filters["multiplier"] = multiplier
    env.filters["day"] = lambda d: format_date(d, "medium")
    env.filters["shortday"] = short_day
    env.filters["expiry_day"] = lambda at: format_date(expiry_day(at, running_program().tz),
                                                       "medium")
    env.filters["when"] = lambda at: format_datetime(at, "short")
    env.filters["localized"] = localized
    env.globals.update(pattern=pattern, localized=localized, countdown=countdown,
                       timezone_name=timezone_name, current_locale=lambda: str(request_locale()))

    @app.post("/lang/<code>")
    def set_language(code: str):
        if code in app.config["LANGUAGES"]:
            session["lang"] = code
        return redirect(local_path(request.form.get("next")) or url_for("storefront.home"))
