"""What many test files share: a member's balance, calls raced from threads, other
processes, a free port, and a page's CSRF token."""
import multiprocessing
import re
import socket
import threading

from sqlalchemy import select

from app.extensions import db
from app.loyalty.models import Member


def balance(member_id: int) -> int:
    """The member's balance as committed now (requests and threads use sessions of their own)."""
    db.session.rollback()
    return db.session.scalar(select(Member.points_balance).where(Member.id == member_id))


def race(calls, app=None, timeout: float = 60) -> list:
    """Run each call in its own thread (inside its own app context when given `app`), all
    released at once; their results or the exceptions they raised, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            if app is None:
                barrier.wait()
                results[index] = call()
                return
            with app.app_context():
                barrier.wait()
                results[index] = call()
        except Exception as error:  # handed to the test, not lost in the thread
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if app is not None:
        db.session.rollback()
        db.session.expire_all()
    return results


def processes() -> multiprocessing.context.BaseContext:
    """Processes of their own, for tests of what separate OS processes do: each is forked
    from a server process that imported the mall and the tests' helpers once, rather than
    started as a fresh interpreter that imports them again (about a second each). Like a
    spawned process, it shares nothing with the test's process: not its standing clock,
    its open connections, nor its threads; it opens the database itself."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.conftest"])
    return context


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def csrf_token(client, url: str = "/rules") -> str:
    """The CSRF token from a page's form, as a browser would find it (every page's footer
    has forms)."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)
