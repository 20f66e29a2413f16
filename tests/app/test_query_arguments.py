"""Query arguments are data, never instructions: names url_for reserves (`_scheme`, `_anchor`,
`_method`, `_external`) and numbers too large for the database give a page, not a 500."""

from __future__ import annotations

import pytest

from reviews.workflow import ADMIN, CASEWORKER
from tests.journey_data import complainant_steps
from tests.staff_helpers import make_staff

UPLOAD_SLUG = "letter-upload"
RESERVED = ("_scheme", "_anchor", "_method", "_external")


@pytest.mark.parametrize("name", RESERVED)
def test_queue_ignores_url_for_reserved_arguments(app, client_as, name):
    client = client_as(make_staff(app, CASEWORKER, "q@example.org"))
    response = client.get(f"/staff/requests?{name}=x&page=2&status=open")
    assert response.status_code == 200
    assert "x://" not in response.text and "#x" not in response.text


@pytest.mark.parametrize("name", RESERVED)
def test_audit_log_ignores_url_for_reserved_arguments(app, client_as, name):
    client = client_as(make_staff(app, ADMIN, "a@example.org"))
    response = client.get(f"/staff/audit?{name}=x&action=staff.sign_in")
    assert response.status_code == 200
    assert "x://" not in response.text


@pytest.mark.parametrize(
    "query",
    [
        "page=" + "9" * 30,
        "page=" + "9" * 5000,
        "request=" + "9" * 30,
        "user=" + "9" * 30,
        "page=²",
        "user=①",
        "request=²",
    ],
)
def test_audit_log_numbers_out_of_range(app, client_as, query):
    client = client_as(make_staff(app, ADMIN, "a@example.org"))
    response = client.get(f"/staff/audit?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["page=" + "9" * 30, "page=²", "owner=²", "owner=" + "9" * 30])
def test_queue_numbers_out_of_range(app, client_as, query):
    client = client_as(make_staff(app, CASEWORKER, "q@example.org"))
    assert client.get(f"/staff/requests?{query}").status_code == 200


@pytest.mark.parametrize("name", RESERVED)
def test_page_url_keeps_only_the_filters(app, name):
    from staff.blueprint import page_url

    with app.test_request_context(f"/staff/audit?{name}=x&action=a&other=b"):
        assert page_url(2, ("action",)) == "/staff/audit?action=a&page=2"


@pytest.mark.parametrize("name", RESERVED)
def test_removing_an_upload_ignores_url_for_reserved_arguments(journey, name):
    journey.walk(complainant_steps()[:2])
    response = journey.post(f"/request/{UPLOAD_SLUG}/remove/1?{name}=x&change=1")
    assert response.status_code == 302
    assert response.location == f"/request/{UPLOAD_SLUG}?change=1"


@pytest.mark.parametrize("number", ["9" * 12, "9" * 30, "2147483648"])
def test_ids_in_the_address_beyond_any_database_id_are_not_found(app, client_as, number):
    client = client_as(make_staff(app, CASEWORKER, "q@example.org"))
    assert client.get(f"/staff/requests/{number}").status_code == 404
