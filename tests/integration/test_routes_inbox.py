"""The inbox through the test client: list, open (which changes nothing), mark read, follow,
mark all read, someone else's notice."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty.models import Notice
from tests.conftest import sign_in
from tests.integration.route_support import HTMX, attrs, bulk_notices, by_testid, text
from tests.support import csrf_token


def notice(member_id: int, body: str, link: str = "/catalog?affordable=1",
           read: bool = False) -> int:
    row = Notice(member_id=member_id, kind="expiry", title="积分即将过期", body=body, link=link)
    db.session.add(row)
    db.session.commit()
    if read:
        row.read_at = row.created_at
        db.session.commit()
    return row.id


def read_at(notice_id: int):
    db.session.rollback()
    return db.session.scalar(select(Notice.read_at).where(Notice.id == notice_id))


def badge(client, url: str = "/") -> list[str]:
    return by_testid(text(client.get(url)), "inbox-badge")


def test_the_inbox_lists_notices_newest_first_with_the_unread_ones_marked(member_client, member):
    older = notice(member.id, "800 积分将于 2026年12月1日 过期。", read=True)
    newer = notice(member.id, "1,200 积分将于 2026年12月20日 过期。")

    html = text(member_client.get("/inbox"))

    assert by_testid(html, "notice-body") == ["1,200 积分将于 2026年12月20日 过期。",
                                              "800 积分将于 2026年12月1日 过期。"]
    assert f'data-notice-id="{newer}" data-unread="true"' in html
    assert f'data-notice-id="{older}" data-unread="false"' in html


def test_the_header_bell_counts_unread_notices_on_every_page(member_client, member):
    notice(member.id, "a")
    notice(member.id, "b")
    notice(member.id, "c", read=True)

    for url in ("/", "/catalog", "/points", "/orders", "/inbox"):
        assert badge(member_client, url) == ["2"], url


@pytest.mark.parametrize("url", ["/rules", "/card", "/earn", "/catalog/999999", "/no-such-page"])
def test_the_header_bell_counts_unread_notices_on_pages_that_read_nothing_else_of_the_member(
        member_client, member, url):
    notice(member.id, "a")

    assert badge(member_client, url) == ["1"]


def test_no_badge_shows_when_nothing_is_unread(member_client, member):
    notice(member.id, "read already", read=True)

    html = text(member_client.get("/"))

    assert 'data-testid="inbox-bell"' in html
    assert by_testid(html, "inbox-badge") == []


def test_opening_a_notice_shows_it_and_changes_nothing(member_client, member):
    notice_id = notice(member.id, "1,200 积分将于 2026年12月20日 过期。")

    response = member_client.get(f"/inbox/{notice_id}")

    assert response.status_code == 200
    assert by_testid(text(response), "notice-body") == ["1,200 积分将于 2026年12月20日 过期。"]
    assert read_at(notice_id) is None
    assert badge(member_client) == ["1"]


def test_an_unread_notice_marks_itself_read_through_htmx_or_offers_a_button(member_client,
                                                                           member):
    notice_id = notice(member.id, "1,200 积分将于 2026年12月20日 过期。")

    html = text(member_client.get(f"/inbox/{notice_id}"))

    form = attrs(html, "notice-read")
    assert form["method"] == "post" and form["action"] == f"/inbox/{notice_id}/read"
    assert form["hx-post"] == f"/inbox/{notice_id}/read" and form["hx-trigger"] == "load"
    assert by_testid(html, "notice-mark-read") == ["标为已读"]
    assert re.search(r'id="notice-read".*?name="csrf_token"', html, flags=re.S)


def test_a_read_notice_offers_no_mark_read_button(member_client, member):
    notice_id = notice(member.id, "x", read=True)

    html = text(member_client.get(f"/inbox/{notice_id}"))

    assert by_testid(html, "notice-mark-read") == []
    assert "hx-trigger" not in html


def test_the_notice_link_is_a_form_that_posts_to_go(member_client, member):
    notice_id = notice(member.id, "x")

    for page in (f"/inbox/{notice_id}", "/inbox"):
        html = text(member_client.get(page))
        form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>((?:(?!</form>).)*?'
                         r'data-testid="notice-link")', html, flags=re.S)
        assert form, page
        assert form.group(1) == f"/inbox/{notice_id}/go", page
        assert 'method="post"' in form.group(0) and 'name="csrf_token"' in form.group(2), page
        assert by_testid(html, "notice-link") == ["看看能兑换什么"], page


def test_marking_a_notice_read_with_the_button_goes_back_to_it_and_clears_the_badge(
        member_client, member):
    notice_id = notice(member.id, "x")

    response = member_client.post(f"/inbox/{notice_id}/read",
                                  data={"csrf_token": csrf_token(member_client)})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/inbox/{notice_id}"
    assert read_at(notice_id) is not None
    assert badge(member_client) == []
    assert by_testid(text(member_client.get(f"/inbox/{notice_id}")), "notice-mark-read") == []


def test_marking_a_notice_read_through_htmx_updates_the_bell_out_of_band(member_client,
                                                                         member):
    notice_id = notice(member.id, "x")
    notice(member.id, "still unread")

    response = member_client.post(f"/inbox/{notice_id}/read", headers=HTMX,
                                  data={"csrf_token": csrf_token(member_client)})

    assert response.status_code == 200
    bell = attrs(text(response), "inbox-bell")
    assert bell["id"] == "bell" and bell["hx-swap-oob"] == "true"
    assert by_testid(text(response), "inbox-badge") == ["1"]
    assert 'id="notice-read"' not in text(response)
    assert read_at(notice_id) is not None
    assert badge(member_client) == ["1"]


def test_marking_a_notice_read_twice_keeps_the_first_time(member_client, member):
    notice_id = notice(member.id, "x")
    member_client.post(f"/inbox/{notice_id}/read", data={"csrf_token": csrf_token(member_client)})
    first = read_at(notice_id)

    response = member_client.post(f"/inbox/{notice_id}/read", headers=HTMX,
                                  data={"csrf_token": csrf_token(member_client)})

    assert response.status_code == 200
    assert read_at(notice_id) == first


def test_following_a_notices_link_marks_it_read_and_lands_on_the_affordable_catalog(
        member_client, member):
    notice_id = notice(member.id, "1,200 积分将于 2026年12月20日 过期。")

    response = member_client.post(f"/inbox/{notice_id}/go",
                                  data={"csrf_token": csrf_token(member_client)})

    assert response.status_code == 303
    assert response.headers["Location"] == "/catalog?affordable=1"
    assert read_at(notice_id) is not None
    assert badge(member_client) == []


def test_following_a_notices_link_is_no_longer_a_get(member_client, member):
    notice_id = notice(member.id, "x")

    assert member_client.get(f"/inbox/{notice_id}/go").status_code == 405
    assert read_at(notice_id) is None


@pytest.mark.parametrize("link", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_a_link_that_would_leave_the_mall_goes_to_the_notice_instead(member_client, member,
                                                                      link):
    notice_id = notice(member.id, "x", link=link)

    response = member_client.post(f"/inbox/{notice_id}/go",
                                  data={"csrf_token": csrf_token(member_client)})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/inbox/{notice_id}"
    assert link not in text(member_client.get(f"/inbox/{notice_id}"))


@pytest.mark.parametrize("action", ["read", "go"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["form", "htmx"])
def test_marking_a_notice_read_without_a_csrf_token_is_refused_and_changes_nothing(
        member_client, member, action, headers):
    notice_id = notice(member.id, "x")

    response = member_client.post(f"/inbox/{notice_id}/{action}", data={}, headers=headers)

    assert response.status_code == 400
    assert read_at(notice_id) is None
    assert badge(member_client) == ["1"]


def test_mark_all_read_reads_every_notice_and_clears_the_badge(member_client, member):
    ids = [notice(member.id, "a"), notice(member.id, "b")]

    response = member_client.post("/inbox/read", data={"csrf_token": csrf_token(member_client)})

    assert response.status_code == 302 and response.headers["Location"] == "/inbox"
    assert all(read_at(i) is not None for i in ids)
    assert badge(member_client) == []


def test_mark_all_read_without_a_csrf_token_is_refused_and_changes_nothing(member_client,
                                                                            member):
    notice_id = notice(member.id, "a")

    response = member_client.post("/inbox/read", data={})

    assert response.status_code == 400
    assert read_at(notice_id) is None
    assert badge(member_client) == ["1"]


def test_mark_all_read_leaves_other_members_notices_unread(member_client, member, make_member):
    other = make_member()
    theirs = notice(other.id, "theirs")
    notice(member.id, "mine")

    member_client.post("/inbox/read", data={"csrf_token": csrf_token(member_client)})

    assert read_at(theirs) is None


@pytest.mark.parametrize("method, path", [("GET", "/inbox/{id}"), ("POST", "/inbox/{id}/read"),
                                          ("POST", "/inbox/{id}/go")])
def test_another_members_notice_is_not_found_and_stays_unread(member_client, make_member,
                                                              method, path):
    other = make_member()
    theirs = notice(other.id, "1,200 积分将于 2026年12月20日 过期。")

    response = member_client.open(path.format(id=theirs), method=method,
                                  data={"csrf_token": csrf_token(member_client)})

    assert response.status_code == 404
    assert "1,200" not in text(response)
    assert read_at(theirs) is None


def test_a_notice_that_does_not_exist_is_not_found(member_client):
    assert member_client.get("/inbox/999999").status_code == 404
    assert member_client.post("/inbox/999999/read",
                              data={"csrf_token": csrf_token(member_client)}).status_code == 404


@pytest.mark.parametrize("method, path", [("GET", "/inbox"), ("GET", "/inbox/1"),
                                          ("POST", "/inbox/1/read"), ("POST", "/inbox/1/go")])
def test_the_inbox_asks_a_signed_out_visitor_to_sign_in(client, method, path):
    response = client.open(path, method=method, data={"csrf_token": csrf_token(client, "/login")})

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_empty_inbox_says_so(member_client):
    html = text(member_client.get("/inbox"))

    assert by_testid(html, "notice-row") == []
    assert 'class="empty"' in html


def test_each_member_sees_only_their_own_notices_and_count(app, member_client, member,
                                                          make_member):
    other = make_member()
    notice(other.id, "theirs")
    notice(member.id, "mine")

    assert by_testid(text(member_client.get("/inbox")), "notice-body") == ["mine"]
    other_client = app.test_client()
    sign_in(other_client, other.phone)
    assert badge(other_client) == ["1"]
    assert by_testid(text(other_client.get("/inbox")), "notice-body") == ["theirs"]


def test_the_inbox_shows_fifty_notices_at_a_time_and_links_to_older_ones(member_client,
                                                                          member):
    bulk_notices(member.id, 55)

    first = text(member_client.get("/inbox"))
    second = text(member_client.get("/inbox?page=2"))

    assert len(by_testid(first, "notice-row")) == 50 and len(by_testid(second, "notice-row")) == 5
    assert 'href="/inbox?page=2"' in first and 'href="/inbox?page=1"' not in first
    assert 'href="/inbox?page=1"' in second and 'href="/inbox?page=3"' not in second


@pytest.mark.parametrize("page", ["0", "abc", "999999999999", "٣"])
def test_a_bogus_inbox_page_number_shows_the_first_page(member_client, member, page):
    bulk_notices(member.id, 55)

    response = member_client.get(f"/inbox?page={page}")

    assert response.status_code == 200
    assert len(by_testid(text(response), "notice-row")) == 50


def test_mark_all_read_is_offered_while_an_older_page_holds_an_unread_notice(member_client,
                                                                            member):
    bulk_notices(member.id, 1, read=False)
    bulk_notices(member.id, 50, read=True)

    first = text(member_client.get("/inbox"))

    assert 'data-unread="true"' not in first
    assert by_testid(first, "inbox-read-all")
