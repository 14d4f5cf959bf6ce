"""Words a page says on every card or row, translated once for the page, read the same as
when each card translated them: in Chinese by default, in English after switching."""
import re

from flask_babel import force_locale

from app.web.i18n import gettext
from tests.integration.route_support import english, text

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
