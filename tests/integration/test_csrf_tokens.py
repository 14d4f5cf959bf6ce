"""The token every page's layout carries: a form posted with it is accepted, a token of
another session or past its time is refused, and a page's forms carry the same token."""
import re
from datetime import timedelta

from tests.integration.route_support import text
from tests.integration.test_routes_inbox import notice

LAYOUT_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
ANY_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def layout_token(client, url: str = "/rules") -> str:
    return LAYOUT_TOKEN.search(text(client.get(url))).group(1)


def to_english(client, token: str):
    return client.post("/lang/en", data={"csrf_token": token, "next": "/rules"})


def test_a_form_posted_with_the_layouts_token_is_accepted(member_client):
    response = to_english(member_client, layout_token(member_client, "/"))

    assert response.status_code == 302
    assert '<html lang="en"' in text(member_client.get("/rules"))


def test_a_token_made_for_another_session_is_refused(app, member_client):
    someone_elses = layout_token(app.test_client())

    assert to_english(member_client, someone_elses).status_code == 400
    assert '<html lang="zh-CN"' in text(member_client.get("/rules"))


def test_a_token_past_the_time_limit_is_refused(app, client, clock):
    app.config["WTF_CSRF_TIME_LIMIT"] = 600
    token = layout_token(client)

    clock.shift(timedelta(seconds=600))
    assert to_english(client, token).status_code == 302
    clock.shift(timedelta(seconds=1))
    assert to_english(client, token).status_code == 400


def test_a_pages_layout_and_its_forms_carry_one_token(member_client, member):
    notice(member.id, "a")

    html = text(member_client.get("/inbox"))

    tokens = [form or layout for form, layout in ANY_TOKEN.findall(html)]
    assert len(tokens) >= 4 and len(set(tokens)) == 1
