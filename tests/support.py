"""What many test files share: a member's balance, calls raced from threads, a free port,
and a page's CSRF token."""
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
