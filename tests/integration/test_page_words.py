"""Words a page says on every card or row, translated once for the page, read the same as
when each card translated them: in Chinese by default, in English after switching."""
import re

from flask_babel import force_locale

from app.web.i18n import gettext
from tests.integration.route_support import english, text
from tests.support import csrf_token

UNIT = re.compile(r'<span class="price__unit">([^<]*)</span>')
REDEEM = re.compile(r'data-testid="redeem-button"[^>]*>([^<]*)</a>', flags=re.S)


def card_words(html: str) -> tuple[list[str], list[str]]:
    return UNIT.findall(html), REDEEM.findall(html)


def test_every_card_on_the_catalog_and_home_says_its_words_in_the_members_language(
        member_client, make_item):
    for name in ("乌龙茶", "绿茶"):
        make_item(name=name, points_price=100)
    for url in ("/catalog", "/"):
        assert card_words(text(member_client.get(url))) == (["积分"] * 2, ["立即兑换"] * 2)
    english(member_client)
    for url in ("/catalog", "/"):
        assert card_words(text(member_client.get(url))) == (["pts"] * 2, ["Redeem"] * 2)


def test_an_item_page_finds_its_card_words_itself(member_client, make_item):
    item = make_item(points_price=100)
    assert card_words(text(member_client.get(f"/catalog/{item.id}"))) == (["积分"], ["立即兑换"])
    english(member_client)
    assert card_words(text(member_client.get(f"/catalog/{item.id}"))) == (["pts"], ["Redeem"])


def test_words_follow_a_language_forced_within_the_request(app):
    with app.test_request_context("/"):
        assert gettext("Redeem") == "立即兑换"
        with force_locale("en"):
            assert gettext("Redeem") == "Redeem"
        assert gettext("Redeem") == "立即兑换"
        assert gettext("Balance %(n)s", n="1,200") == "余额 1,200"


def test_numbers_and_dates_follow_a_language_forced_within_the_request(app):
    from datetime import date

    from app.web.dates import format_date
    from app.web.i18n import localized, pattern

    class Named:
        name, name_en = "绿茶", "Green tea"

    with app.test_request_context("/"):
        assert (format_date(date(2026, 3, 1)), localized(Named, "name")) == ("2026年3月1日", "绿茶")
        with force_locale("en"):
            assert format_date(date(2026, 3, 1)) == "Mar 1, 2026"
            assert localized(Named, "name") == "Green tea"
            assert pattern("Balance %(n)s") % {"n": "<b>"} == "Balance &lt;b&gt;"
        assert (format_date(date(2026, 3, 1)), localized(Named, "name")) == ("2026年3月1日", "绿茶")


def test_the_header_and_footer_say_their_words_in_the_members_language(member_client):
    def frame(html: str) -> list[str]:
        return [re.search(pattern, html).group(1) for pattern in (
            r'<a class="skip-link" href="#main">([^<]*)</a>', r'aria-label="([^"]*)">\s*<span',
            r'data-testid="balance">[^<]*</strong> ([^<]*)</span>',
            r'<button class="linklike" type="submit">([^<]*)</button>')]

    assert frame(text(member_client.get("/"))) == ["跳到主要内容", "我的积分", "积分", "退出登录"]
    english(member_client)
    assert frame(text(member_client.get("/"))) == ["Skip to content", "Your points", "pts",
                                                   "Sign out"]


def test_pages_compiled_with_their_words_read_as_when_every_word_is_translated_at_render(
        app, member_client, staff_client, make_item, monkeypatch):
    item = make_item(name="乌龙茶", points_price=100)
    admin = staff_client("admin")
    pages = [(member_client, url) for url in (
        "/", "/catalog", f"/catalog/{item.id}", "/points", "/orders")]
    pages += [(admin, "/admin/"), (admin, "/admin/items")]

    def read() -> list[str]:
        responses = [client.get(url) for client, url in pages]
        assert [response.status_code for response in responses] == [200] * len(pages)
        return [text(response) for response in responses]

    compiled = {}
    for language in ("zh_CN", "en"):
        for client in (member_client, admin):
            assert client.post(f"/lang/{language}", data={
                "csrf_token": csrf_token(client, "/rules")}).status_code == 302
        compiled[language] = read()
        with monkeypatch.context() as patch:
            patch.setattr(app.jinja_env, "language_environment", lambda: None)
            assert read() == compiled[language], language
    assert ["我的积分" in compiled[language][0] for language in compiled] == [True, False]
