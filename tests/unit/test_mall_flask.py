"""The mall's Flask finds once whether a function it calls for requests is a coroutine."""
import functools

import pytest

import app as mall
from app import MallFlask


def test_a_plain_function_is_called_as_it_is_and_looked_at_only_once(monkeypatch):
    looked_at = []
    monkeypatch.setattr(mall, "iscoroutinefunction", lambda f: looked_at.append(f) or False)
    flask_app = MallFlask(__name__)

    def view():
        return "ok"

    hook = functools.partial(view)
    assert [flask_app.ensure_sync(f) for f in (view, hook, view, hook)] == [view, hook] * 2
    assert looked_at == [view, hook]


def test_a_callable_that_cannot_be_referred_to_weakly_is_still_called_as_it_is():
    flask_app = MallFlask(__name__)
    assert flask_app.ensure_sync(len) is len


def test_a_coroutine_function_is_handed_to_flask_as_before():
    async def view():
        return "ok"

    with pytest.raises(RuntimeError, match="async"):   # Flask without its async extra
        MallFlask(__name__).ensure_sync(view)
