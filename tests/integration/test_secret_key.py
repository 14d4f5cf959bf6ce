"""The secret that signs sessions: without SECRET_KEY each installation makes its own, so
no published key can forge a member's session."""
import stat
import time

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from app import create_app
from app.config import instance_secret
from app.extensions import db
from tests.conftest import _config
from tests.support import processes

PUBLISHED_DEFAULT = "dev-only-secret-change-me"  # what the mall once shipped with


def test_without_a_secret_key_the_mall_makes_one_only_its_owner_can_read(tmp_path):
    secret = instance_secret(str(tmp_path / "instance"))

    kept = tmp_path / "instance" / "secret_key"
    assert kept.read_text() == secret and len(secret) >= 32
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_the_secret_stays_the_same_across_restarts_and_differs_between_installations(
        tmp_path):
    first = instance_secret(str(tmp_path / "a"))

    assert instance_secret(str(tmp_path / "a")) == first
    assert instance_secret(str(tmp_path / "b")) != first


def _secret_of(folder: str, queue) -> None:
    queue.put(instance_secret(folder))


def test_processes_starting_at_the_same_moment_agree_on_one_secret(tmp_path):
    context = processes()
    queue = context.Queue()
    workers = [context.Process(target=_secret_of, args=(str(tmp_path), queue))
               for _ in range(6)]
    for worker in workers:
        worker.start()
    secrets = {queue.get(timeout=30) for _ in workers}
    for worker in workers:
        worker.join()

    assert len(secrets) == 1
    assert secrets == {(tmp_path / "secret_key").read_text()}
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_a_session_forged_with_the_published_default_key_opens_nothing(database, make_member):
    app = create_app({**_config(database), "SECRET_KEY": None})
    member = make_member()
    forgery = Flask("forgery")
    forgery.secret_key = PUBLISHED_DEFAULT
    forger = SecureCookieSessionInterface().get_signing_serializer(forgery)
    now = time.time()
    cookie = forger.dumps({"_user_id": f"{member.id}:0", "_fresh": True, "seen": now,
                           "authenticated_at": now})
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)

    response = client.get("/profile")
    home = client.get("/").get_data(as_text=True)

    with app.app_context():
        db.engine.dispose()
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert member.phone not in home


def test_the_deploy_check_refuses_a_kept_secret_that_others_can_read(app, tmp_path):
    app.instance_path = str(tmp_path)
    instance_secret(str(tmp_path))
    (tmp_path / "secret_key").chmod(0o644)

    result = app.test_cli_runner().invoke(args=["deploy", "check"])

    assert result.exit_code == 1
    assert "chmod 600" in result.output
