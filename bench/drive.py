"""Serving and driving for the load bench: gunicorn as `make run` starts it, wrk on loopback,
a member signed in through the real sign-in form, and what a phone downloads for a page."""
import gzip
import json
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"
LUA = Path(__file__).with_name("load.lua")
CONNECTIONS, THREADS = 8, 2
# The member's phone, the same for the sign-in and for every request wrk makes as them: a
# session is tied to the browser that signed in (Flask-Login's session protection), and
# requests from another would mark it not fresh each time, the session cookie signed and
# sent again for every one, which a member browsing on their own phone never causes.
BROWSER = "Mozilla/5.0 (Linux; Android 14) PointsMallBench/1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(target: str, env: dict[str, str], log: Path):
    """gunicorn with 2 workers serving `target` (as `make run` serves wsgi:app); its URL and
    process id while the block runs."""
    port = free_port()
    with open(log, "ab") as out:
        server = subprocess.Popen(
            [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{port}", target],
            cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                requests.get(url + "/", timeout=60, allow_redirects=False)
                break
            except requests.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn serving {target} did not start: see {log}") \
                        from None
                time.sleep(0.2)
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def workers(master: int) -> list[int]:
    """The worker processes of a gunicorn master."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory so far (VmHWM), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return round(int(found.group(1)) / 1024, 1) if found else None


def sign_in(url: str, phone: str, password: str) -> requests.Session:
    """A session signed in through the sign-in form, with its CSRF token."""
    session = requests.Session()
    session.headers["User-Agent"] = BROWSER
    page = session.get(url + "/login", timeout=30)
    response = session.post(url + "/login", timeout=30, allow_redirects=False, data={
        "csrf_token": csrf_token(page.text), "phone": phone, "password": password})
    if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
        raise RuntimeError(f"signing in as {phone} failed: {response.status_code}")
    return session


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def shown_price(html: str) -> dict[str, str]:
    """The price a confirm form carries back (points_price, cash_fen), as the page shows it."""
    found = {name: re.search(rf'name="{name}"[^>]*value="(\d+)"', html)
             for name in ("points_price", "cash_fen")}
    if not all(found.values()):
        raise RuntimeError("no price on the confirm form")
    return {name: match.group(1) for name, match in found.items()}


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def wrk(url: str, seconds: int, *, cookie: str = "", mode: str = "get",
        env: dict[str, str] | None = None) -> dict:
    """wrk against `url` for `seconds` with 8 connections on 2 threads (as the member's
    browser when given their cookie): requests per second, latency percentiles in ms, and
    the answers by status."""
    command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s",
               "--timeout", "10s", "--latency", "-s", str(LUA)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}", "-H", f"User-Agent: {BROWSER}"]
    done = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 60,
                          env={**os.environ, "BENCH_MODE": mode, **(env or {})})
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if done.returncode or line is None:
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    raw = json.loads(line[len("BENCH "):])
    statuses = {int(code): n for code, n in raw["statuses"].items()}
    failed = sum(n for code, n in statuses.items() if not 200 <= code < 300)
    failed += sum(raw["socket_errors"].values()) + (raw["requests"] == 0)
    return {"requests": raw["requests"], "seconds": round(raw["duration_us"] / 1e6, 2),
            "requests_per_second": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000,
            "p99_ms": raw["p99_us"] / 1000, "max_ms": raw["max_us"] / 1000,
            "statuses": statuses, "socket_errors": raw["socket_errors"], "failed": failed}


class _References(HTMLParser):
    """The CSS, JavaScript and images an HTML page makes a browser fetch."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []   # (kind, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.found.append(("js", attrs["src"]))
        elif tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower().split()
            if "stylesheet" in rel:
                self.found.append(("css", attrs["href"]))
            elif "modulepreload" in rel or attrs.get("as") == "script":
                self.found.append(("js", attrs["href"]))
            elif {"icon", "preload", "apple-touch-icon"} & set(rel):
                self.found.append(("image", attrs["href"]))
        elif tag in ("img", "source") and (attrs.get("srcset") or attrs.get("src")):
            self.found.append(("image", phone_pick(attrs.get("srcset"), attrs.get("src"))))


def phone_pick(srcset: str | None, src: str | None, width: int = 360) -> str:
    """The candidate a phone takes from a srcset: the narrowest at least `width` pixels wide
    (a card on a 2x screen), else the widest; 2x for density descriptors; else src."""
    if not srcset:
        return src or ""
    candidates = []
    for part in srcset.split(","):
        bits = part.split()
        if bits:
            size = bits[1] if len(bits) > 1 else "1x"
            candidates.append((float(size[:-1]) * (1 if size.endswith("w") else width / 2),
                               bits[0]))
    wide = sorted(c for c in candidates if c[0] >= width)
    return (wide[0] if wide else max(candidates))[1]


def page_weight(session: requests.Session, url: str) -> dict:
    """What a phone downloads for the page: the HTML and every file it references (and the
    CSS references in turn), each compressed; totals in KB."""
    page = session.get(url, timeout=30)
    if page.status_code != 200:
        raise RuntimeError(f"{url} answered {page.status_code}")
    parser = _References()
    parser.feed(page.text)
    files, seen, queue = [], set(), [(kind, ref, url) for kind, ref in parser.found]
    while queue:
        kind, ref, base = queue.pop(0)
        address = urljoin(base, ref)
        if not ref or ref.startswith("data:") or address in seen:
            continue
        seen.add(address)
        got = session.get(address, timeout=30, headers={"Accept-Encoding": "gzip, br"},
                          stream=True)
        wire = got.raw.read(decode_content=False)
        size = len(wire) if got.headers.get("Content-Encoding") in ("gzip", "br") \
            else len(gzip.compress(wire, 6))
        files.append({"url": urlsplit(address).path, "kind": kind, "status": got.status_code,
                      "compressed_bytes": size})
        if kind == "css" and got.status_code == 200:
            text = (gzip.decompress(wire) if got.headers.get("Content-Encoding") == "gzip"
                    else wire).decode("utf-8", "replace")
            queue += [("image", found, address) for found in re.findall(
                r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text)]
    html = len(gzip.compress(page.content, 6))
    total = html + sum(f["compressed_bytes"] for f in files)
    js = sum(f["compressed_bytes"] for f in files if f["kind"] == "js")
    return {"html_kb": round(html / 1024, 1), "total_kb": round(total / 1024, 1),
            "js_kb": round(js / 1024, 1), "files": files,
            "missing": [f["url"] for f in files if f["status"] != 200]}
