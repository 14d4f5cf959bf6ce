"""Names people can see and single email addresses, on every form that takes them: a hostile
one is refused with a message on the field, and nothing is stored."""
from html import unescape

import pytest

from tests.integration.route_support import by_testid, text
from tests.integration.test_routes_join import asked, code_form, members, profile_form, saved

HIDDEN = "A name can't contain line breaks or hidden control characters."
INVISIBLE = "Enter a name with at least one letter or character that shows."
HOSTILE_NAMES = [
    pytest.param("\u200b\u200b\u200b", INVISIBLE, id="zero-width-spaces-only"),
    pytest.param("\u200d\ufeff", INVISIBLE, id="zero-width-joiner-and-bom-only"),
    pytest.param("\u3164", INVISIBLE, id="hangul-filler"),
    pytest.param("\u2800\u2800", INVISIBLE, id="braille-blank"),
    pytest.param("\u0301\u0301", INVISIBLE, id="combining-marks-only"),
    pytest.param("\u202egnp.exe", HIDDEN, id="right-to-left-override"),
    pytest.param("李\u202a雷", HIDDEN, id="left-to-right-embedding"),
    pytest.param("\u2067李雷\u2069", HIDDEN, id="right-to-left-isolate"),
    pytest.param("Li\nNa", HIDDEN, id="line-feed"),
    pytest.param("Li\r\nNa", HIDDEN, id="crlf"),
    pytest.param("Li\u2028Na", HIDDEN, id="line-separator"),
    pytest.param("Li\u2029Na", HIDDEN, id="paragraph-separator"),
    pytest.param("Li\u0085Na", HIDDEN, id="next-line"),
    pytest.param("Li\x07Na", HIDDEN, id="bell"),
    pytest.param("Li\tNa", HIDDEN, id="tab"),
    pytest.param("Li\x1b[31mNa", HIDDEN, id="terminal-escape"),
    pytest.param("\u00a0\u3000 ", "Enter your name.", id="unicode-spaces-only"),
    pytest.param("名" * 61, "Use at most 60 characters.", id="too-long"),
]
GOOD_NAMES = ["韩梅梅", "José O'Brien-Smith", "Zoë", "👩\u200d💻 李", "  李雷  ", "名" * 60]
HOSTILE_EMAILS = ["victim,a@b.c", "<a@b.c>", "Li Na <li.na@example.cn>", "a@b.c, c@d.e",
                  "a@b.c;c@d.e", "a@b.c\nBcc: x@example.cn", '"a,b"@example.cn',
                  "a@localhost", "a@b", "@example.cn", "a@@example.cn", "a..b@example.cn",
                  "张三@example.cn"]


def _refused(response, field: str, message: str) -> None:
    html = unescape(text(response))
    assert response.status_code == 422
    assert f'id="{field}-error"' in html
    assert any(message in e for e in by_testid(html, "error-message")), \
        by_testid(html, "error-message")


@pytest.mark.parametrize("name, message", HOSTILE_NAMES)
def test_joining_with_a_hostile_name_is_refused_and_no_member_is_made(visitor, name, message):
    code = asked(visitor)

    response = visitor.post("/join/code", data=code_form(visitor, code, name=name))

    _refused(response, "name", message)
    assert members() == 0


@pytest.mark.parametrize("name, message", HOSTILE_NAMES)
def test_a_hostile_name_in_the_profile_is_refused_and_nothing_is_saved(shopper, member, name,
                                                                       message):
    before = saved(member.id)

    response = shopper.post("/profile", data=profile_form(shopper, name=name))

    _refused(response, "name", message)
    assert saved(member.id) == before


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_names_in_any_script_with_emoji_and_spaces_around_are_kept(shopper, member, name):
    response = shopper.post("/profile", data=profile_form(shopper, name=name))

    assert response.status_code == 303
    assert saved(member.id)[0] == name.strip()


@pytest.mark.parametrize("address", HOSTILE_EMAILS)
def test_an_email_that_is_not_exactly_one_mailbox_is_refused_and_nothing_is_saved(
        shopper, member, address):
    before = saved(member.id)

    response = shopper.post("/profile", data=profile_form(shopper, email=address))

    _refused(response, "email", "Enter an email address like name@example.com.")
    assert saved(member.id) == before


@pytest.mark.parametrize("address", ["li.na@example.cn", "LI.NA+points@mail.example.com.cn",
                                     "a@例子.中国"])
def test_a_single_mailbox_is_kept(shopper, member, address):
    response = shopper.post("/profile", data=profile_form(shopper, email=address))

    assert response.status_code == 303 and saved(member.id)[1] == address
