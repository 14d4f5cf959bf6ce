"""A real server for race and crash tests: gunicorn with several worker processes on a
free loopback port, and visitors that talk to it over HTTP as browsers would."""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import select

from app.extensions import db
from app.loyalty.models import Item
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


class Gunicorn:
    """gunicorn serving the mall on `database_url` with `workers` processes."""

    def __init__(self, database_url: str, workers: int = 4, preload: bool = False):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret"}
        self.process = subprocess.Popen(
            [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--graceful-timeout", "2", "--log-level", "warning",
             *(["--preload"] if preload else []), "wsgi:app"],
            cwd=ROOT, env=env, start_new_session=True)
        self.workers = workers
        self.wait_until_serving()

    def wait_until_serving(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                if requests.get(self.base + "/rules", timeout=10).status_code == 200:
                    if len(self.worker_pids()) == self.workers:
                        return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start serving")

    def worker_pids(self) -> list[int]:
        """The worker processes the master has forked."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except FileNotFoundError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)

    def kill(self) -> None:
        """The whole server dies at once, master and workers, as in a power cut."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)


def prices(item_ids) -> dict[int, tuple[int, int]]:
    """The items' prices (points, cash fen) as their confirm pages show them now."""
    rows = db.session.execute(select(Item.id, Item.points_price, Item.cash_fen)
                              .where(Item.id.in_(list(item_ids)))).all()
    return {item_id: (points, cash_fen) for item_id, points, cash_fen in rows}


class Visitor:
    """A member's browser session, without a browser: cookies, CSRF token, forms."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.token = ""

    def sign_in(self, phone: str, password: str) -> None:
        self.token = self._token(self.http.get(self.base + "/login", timeout=30).text)
        answer = self.http.post(self.base + "/login", timeout=30, allow_redirects=False,
                                data={"phone": phone, "password": password,
                                      "csrf_token": self.token})
        assert answer.status_code == 302, f"sign-in failed: {answer.status_code}"
        self.token = self._token(self.http.get(self.base + "/", timeout=30).text)

    def redeem(self, item_id: int, key: str, price: tuple[int, int],
               timeout: float = 60) -> requests.Response:
        """Confirm a redemption at `price` (points, cash fen), as the confirm page shows it."""
        return self.http.post(f"{self.base}/catalog/{item_id}/redeem", timeout=timeout,
                              allow_redirects=False,
                              data={"csrf_token": self.token, "key": key, "quantity": "1",
                                    "points_price": str(price[0]),
                                    "cash_fen": str(price[1])})

    def cancel(self, code: str, timeout: float = 60) -> requests.Response:
        return self.http.post(f"{self.base}/orders/{code}/cancel", timeout=timeout,
                              allow_redirects=False, data={"csrf_token": self.token})

    @staticmethod
    def _token(html: str) -> str:
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        assert match, "no CSRF token on the page"
        return match.group(1)


def order_code(answer: requests.Response) -> str | None:
    """The order code a successful redemption redirects to."""
    match = re.search(r"/orders/([A-Z0-9]+)$", answer.headers.get("Location", ""))
    return match.group(1) if match else None
