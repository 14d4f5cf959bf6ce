"""Limits are checked where they are set: a page with no limit of its own works none out,
and a limit on the whole application, if one is ever set, is checked on every page."""
from app.extensions import limiter
from app.web.rate_limits import check_only_where_limited
from tests.conftest import own_app, sign_in


def limits_worked_out(monkeypatch) -> list[str]:
    """The endpoints for which Flask-Limiter works out which limits apply, from now on."""
    manager, seen = limiter.limit_manager, []
    resolve = manager.resolve_limits

    def resolve_and_note(app, endpoint=None, *args, **kwargs):
        seen.append(endpoint)
        return resolve(app, endpoint, *args, **kwargs)

    monkeypatch.setattr(manager, "resolve_limits", resolve_and_note)
    return seen


def test_a_member_page_without_a_limit_works_out_no_limits(member_client, monkeypatch):
    seen = limits_worked_out(monkeypatch)

    for page in ("/", "/catalog", "/points"):
        assert member_client.get(page).status_code == 200

    assert seen == []


def test_sign_in_still_works_out_its_limits(client, monkeypatch):
    seen = limits_worked_out(monkeypatch)

    assert sign_in(client, "13800000000", "wrong").status_code == 422   # no such member

    assert "auth.login" in seen


def test_a_limit_on_the_whole_application_keeps_the_check_before_every_request(
        database, monkeypatch):
    app = own_app(database)
    assert limiter._check_request_limit not in app.before_request_funcs[None]
    monkeypatch.setattr(limiter.limit_manager, "_default_limits", [["1 per second"]])

    app.before_request_funcs[None].append(limiter._check_request_limit)
    check_only_where_limited(app)

    assert limiter._check_request_limit in app.before_request_funcs[None]
