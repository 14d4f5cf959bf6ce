"""What every page's layout needs: the signed-in member's wallet for the header, and the
frame around it (words, links, the navigation) found once per request instead of through a
look-up at each place the layout writes it."""
from functools import cached_property

from flask import Flask, current_app, g, request, url_for
from flask_login import current_user
from markupsafe import Markup

from app.loyalty import reads
from app.loyalty.models import utcnow
from app.loyalty.program import running_program
from .csrf_tokens import csrf_token
from .i18n import translations
from .request_babel import request_globals, request_locale


def current_wallet(*, never_expiring: bool = False) -> reads.Wallet | None:
    """The signed-in member's wallet with the header bell's count of unread notices, read
    once per request (with the points that never expire, for a page that shows them: ask
    before the page renders)."""
    member = current_user._get_current_object()
    if not member.is_authenticated:
        return None
    kept = request_globals()
    found = kept.get("wallet")
    if found is None or (never_expiring and found.never_expiring is None):
        found = kept.wallet = reads.wallet(member.id, utcnow(), running_program(),
                                           never_expiring=never_expiring, unread_notices=True)
    return found


def forget_wallet() -> None:
    """Read the wallet again when next asked: the request has changed what it holds."""
    g.pop("wallet", None)


def N_(msgid: str) -> str:
    """Marks a word for the translation file; it is translated when the layout is built."""
    return msgid


WORDS = {"mall": N_("Points Mall"), "skip": N_("Skip to content"), "main": N_("Main"),
         "card": N_("Member card"), "rules": N_("Program rules"), "sign_out": N_("Sign out"),
         "your_points": N_("Your points"), "pts": N_("pts"), "inbox": N_("Inbox")}
PATTERNS = {"expire_on": N_("expire on %(day)s")}   # filled in by the template's `format`


def _layout_words() -> dict[str, Markup]:
    # As a template's own `_()` gives them: marked safe and formatted, so `%%` reads `%`.
    found = translations()
    words = {name: Markup(found.ugettext(msgid)) % {} for name, msgid in WORDS.items()}
    words.update((name, Markup(found.ugettext(msgid))) for name, msgid in PATTERNS.items())
    return words


class Layout:
    """One request's frame around the page, each part found when the layout first asks.

    What is the same for every member and every request is kept in `kept` (the app's) once
    made: the words by language, the links by language and script root, and the navigation
    by language, script root and page."""

    def __init__(self, kept: dict[str, dict]) -> None:
        self._kept = kept
        self._request = request._get_current_object()

    @cached_property
    def locale(self) -> str:
        return str(request_locale())

    @cached_property
    def english(self) -> bool:
        return self.locale.startswith("en")

    @cached_property
    def signed_in(self) -> bool:
        return current_user.is_authenticated

    @cached_property
    def csrf(self) -> str:
        return csrf_token()

    @cached_property
    def words(self) -> dict[str, Markup]:
        found = self._kept["words"].get(self.locale)
        if found is None:
            found = self._kept["words"][self.locale] = _layout_words()
        return found

    @cached_property
    def navigation(self) -> Markup:
        """The member's navigation links (the same in the header and the tab bar)."""
        template = current_app.jinja_env.get_template("_nav_links.html")
        here = self._request
        key = (template, self.locale, here.script_root, here.endpoint)
        found = self._kept["navigation"].get(key)
        if found is None:
            found = self._kept["navigation"][key] = Markup(template.render(request=here))
        return found

    @cached_property
    def links(self) -> dict[str, str]:
        """The layout's links and static files."""
        key = (self.locale, self._request.script_root)
        found = self._kept["links"].get(key)
        if found is None:
            found = self._kept["links"][key] = {
                "home": url_for("storefront.home"), "card": url_for("storefront.card"),
                "rules": url_for("storefront.rules"), "logout": url_for("auth.logout"),
                "points": url_for("storefront.points"), "inbox": url_for("inbox.notices"),
                "catalog": url_for("storefront.catalog"), "earn": url_for("earn.page"),
                "language": url_for("set_language", code="zh_CN" if self.english else "en"),
                "logo": url_for("static", filename="img/logo.svg"),
                "css": url_for("static", filename="css/mall.css"),
                "htmx": url_for("static", filename="js/htmx-2.0.11.min.js"),
                "js": url_for("static", filename="js/mall.js")}
        return found

    @cached_property
    def here(self) -> str:
        """This page's address for the language switch to come back to."""
        here = self._request
        return here.full_path if here.query_string else here.path


def register(app: Flask) -> None:
    kept = app.extensions["layout"] = {"words": {}, "links": {}, "navigation": {}}

    @app.context_processor
    def layout_context():
        return {"wallet": current_wallet(), "program": running_program(),
                "mall_name": app.config["MALL_NAME"], "layout": Layout(kept)}
