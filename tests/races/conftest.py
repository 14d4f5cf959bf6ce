"""The mall served by gunicorn, for the races over real HTTP."""
import pytest

from app.extensions import db
from tests.races.server import Gunicorn


@pytest.fixture
def server(app):
    """The mall served by gunicorn on the test's database (already holding its data)."""
    db.session.commit()
    started = []

    def start(workers: int = 4, preload: bool = False) -> Gunicorn:
        started.append(Gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers, preload))
        return started[-1]

    yield start
    for gunicorn in started:
        gunicorn.stop()
    db.session.rollback()
