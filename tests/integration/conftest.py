"""What the integration tests share: a signed-in member, a visitor, a store's till, an
administrator, a store clerk, and a category for items."""
import pytest

from app.extensions import db
from app.loyalty.models import Category
from tests.integration.api_support import Api, new_store
from tests.integration.route_support import english


@pytest.fixture
def shopper(member_client):
    """The signed-in member's client, reading the mall in English."""
    english(member_client)
    return member_client


@pytest.fixture
def visitor(client):
    """A visitor reading the mall in English."""
    english(client)
    return client


@pytest.fixture
def till(client):
    """The API as store SH001's till sees it."""
    _, key = new_store()
    return Api(client, key)


@pytest.fixture
def clerk(staff_client):
    """A store clerk signed in to the console, reading it in English."""
    client = staff_client("clerk")
    english(client)
    return client


@pytest.fixture
def admin(staff_client):
    """An administrator signed in to the console, reading it in English."""
    client = staff_client("admin")
    english(client)
    return client


@pytest.fixture
def category_id(app) -> int:
    """A tea category for the catalog's items."""
    category = Category(slug="tea", name="茶饮", name_en="Tea")
    db.session.add(category)
    db.session.commit()
    return category.id
