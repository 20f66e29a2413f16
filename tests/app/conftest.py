import pytest

from tests.app.test_journey import Journey


@pytest.fixture
def journey(client):
    """A no-JavaScript browser for the review request journey."""
    return Journey(client)
