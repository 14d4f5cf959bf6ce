"""Clients the integration tests share: a signed-in member, a visitor and a store's till."""
import pytest

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
