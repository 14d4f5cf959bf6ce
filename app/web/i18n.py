"""Languages: Simplified Chinese by default, English on request; numbers and dates."""
from flask import Flask, current_app, redirect, request, session, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale

from app.loyalty.lots import expiry_day
from app.loyalty.program import program


def select_locale() -> str:
    wanted = session.get("lang")
    if wanted in current_app.config["LANGUAGES"]:
        return wanted
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def yuan(fen: int) -> str:
    """Integer fen as a price: 990 -> ¥9.90."""
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def localized(obj, field: str) -> str:
    """A data field in the member's language: `name` is Chinese, `name_en` English."""
    if str(get_locale()).startswith("en"):
        return getattr(obj, f"{field}_en", None) or getattr(obj, field)
    return getattr(obj, field)


def register(app: Flask) -> None:
    app.jinja_env.filters["points"] = lambda n: format_decimal(n, format="#,##0")
    app.jinja_env.filters["yuan"] = yuan
    app.jinja_env.filters["day"] = lambda d: format_date(d, format="medium")
    app.jinja_env.filters["expiry_day"] = lambda at: format_date(
        expiry_day(at, program().tz), format="medium")
    app.jinja_env.filters["when"] = lambda at: format_datetime(at, format="short")
    app.jinja_env.globals["localized"] = localized
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())

    @app.post("/lang/<code>")
    def set_language(code: str):
        if code in app.config["LANGUAGES"]:
            session["lang"] = code
        target = request.form.get("next", "")
        return redirect(target if target.startswith("/") and not target.startswith("//")
                        else url_for("mall.home"))
