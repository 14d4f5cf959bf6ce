"""Every process counts the same sign-in failures, in the mall's own database by default or
in Redis (REDIS_URL): an attacker spreading guesses over the app servers is slowed as much as
one hitting a single server."""
import shutil
import subprocess
import time

import pytest
import redis

from app import create_app
from tests.conftest import _config
from tests.support import csrf_token, free_port, processes

# Other processes, which a test's standing clock cannot reach, share the database.
pytestmark = pytest.mark.real_clock


@pytest.fixture
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: `make test` installs it")
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)


def _guesses_in_a_process(database: str, storage: str, phone: str, count: int, results):
    """A separate app server process: `count` wrong passwords for `phone`."""
    app = create_app({**_config(database), "RATELIMIT_STORAGE_URI": storage})
    answers = []
    for _ in range(count):
        client = app.test_client()
        answers.append(client.post("/login", environ_base={"REMOTE_ADDR": "203.0.113.9"},
                                   data={"phone": phone, "password": "wrong-guess-1",
                                         "csrf_token": csrf_token(client)}).status_code)
    results.put(answers)


def guesses_across_processes(database: str, storage: str, phone: str) -> list[int]:
    """Three processes one after another guess 3, 2 and 1 times: 6 failures in all."""
    context = processes()
    results, answers = context.Queue(), []
    for count in (3, 2, 1):
        process = context.Process(target=_guesses_in_a_process,
                                args=(database, storage, phone, count, results))
        process.start()
        answers += results.get(timeout=60)
        process.join(timeout=30)
    return answers


def test_failures_on_three_app_servers_add_up_in_the_database_without_redis(database,
                                                                            make_member):
    phone = make_member().phone

    assert guesses_across_processes(database, "database://", phone) == [422] * 5 + [429]


# Where failures are counted has nothing to do with the database: SQLite alone will do.
ON_SQLITE = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


@ON_SQLITE
def test_failures_on_three_app_servers_add_up_in_redis(database, redis_url, make_member):
    phone = make_member().phone

    assert guesses_across_processes(database, redis_url, phone) == [422] * 5 + [429]


@ON_SQLITE
def test_in_memory_each_process_counts_only_its_own_failures(database, make_member):
    phone = make_member().phone

    assert guesses_across_processes(database, "memory://", phone) == [422] * 6
