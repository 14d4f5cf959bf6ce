"""What the browser tests share: a served app, members, signing in, reading numbers,
viewports."""
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from werkzeug.serving import make_server

PASSWORD = "correct-horse-42"
START_POINTS = 12_000
QUALIFYING = 1_250  # of START_POINTS, earned from purchases: Silver, part-way to Gold
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
KIOSK = {"viewport": {"width": 1080, "height": 1920}, "has_touch": True}


@dataclass(frozen=True)
class Member:
    id: int
    phone: str
    password: str = PASSWORD


def points(text: str) -> int:
    """'12,000' -> 12000: the balance as the page shows it."""
    return int(text.strip().replace(",", ""))


def sign_in(page, member: Member, password: str | None = None) -> None:
    page.goto("/login")
    page.locator("#phone").fill(member.phone)
    page.locator("#password").fill(password or member.password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()


def tap(locator, phone: bool) -> None:
    """Tap on a touch device, click elsewhere."""
    if phone:
        locator.tap()
    else:
        locator.click()


def closing(app):
    """`app` whose answers close their body as soon as it is sent, or when it is dropped.
    Werkzeug's server closes the body after reading what is left of the request; a browser
    that resets the connection at that moment makes that read raise, and the body (an open
    static file) would be left to the garbage collector, warning in whichever test runs next."""
    def closing_app(environ, start_response):
        return _closed_when_done(app(environ, start_response))
    return closing_app


def _closed_when_done(body):
    try:
        yield from body
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


@contextmanager
def served(app, name: str):
    """`app` served from a thread on a free port of 127.0.0.1; yields its address."""
    server = make_server("127.0.0.1", 0, closing(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def expiring_and_reminded(live_app, member: Member, points: int, days: int) -> date:
    """`points` more for `member` that can be spent for `days` more local days, and the
    reminder job run; the local day those points last through."""
    from app.extensions import db
    from app.loyalty import ledger
    from app.loyalty.lots import end_of_local_day
    from app.loyalty.models import ADJUST, utcnow
    from app.loyalty.program import running_program
    from app.loyalty.transaction import lock_member, write_transaction
    from app.notify.expiry import remind

    with live_app.app_context():
        tz = running_program().tz
        last_day = utcnow().astimezone(tz).date() + timedelta(days=days)
        with write_transaction():
            ledger.credit(lock_member(member.id), points, kind=ADJUST, detail="gift",
                          now=utcnow(), expires_at=end_of_local_day(last_day, tz))
        remind(utcnow())
        db.session.remove()
    return last_day


def card_code(phone_page, member) -> str:
    """The 6 digits on the member's card, as the phone shows them."""
    sign_in(phone_page, member)
    phone_page.goto("/card")
    digits = phone_page.get_by_test_id("member-card-code")
    digits.wait_for()
    return digits.inner_text().replace(" ", "")
