"""A call or format request linked to a review request is part of that case: a caseworker
refused the case (another caseworker owns it) is refused its call and format requests too,
on every staff address that names one, by every method."""

from __future__ import annotations

from flask import url_for

from reviews import clock
from reviews.database import db
from reviews.models import AccessibleFormatRequest, CallbackAttempt, CallbackRequest
from tests.app.test_staff_access import methods, request, staff_rules
from tests.requests_data import make_request
from tests.staff_helpers import sign_in

LINKED_ARGUMENTS = {"callback_id", "format_id"}


def _linked_items(app, owner_id: int) -> tuple[int, int, int]:
    with app.app_context():
        case = make_request(owner_id=owner_id)
        callback = CallbackRequest(
            review_request=case,
            source="review-request",
            name="Sam Example",
            phone="07700 900123",
            due_on=clock.today(),
        )
        format_request = AccessibleFormatRequest(
            review_request=case,
            submission_key="linked-key",
            document="The decision letter",
            format="large-print",
            name="Sam Example",
            preferred_contact="post",
            address="1 Example Road",
            due_on=clock.today(),
        )
        db.session.add_all([callback, format_request])
        db.session.commit()
        return case.id, callback.id, format_request.id


def test_every_linked_address_refuses_a_caseworker_refused_the_case(
    app, client, caseworker, other_caseworker
):
    case_id, callback_id, format_id = _linked_items(app, other_caseworker.id)
    sign_in(client, caseworker)
    assert client.get(f"/staff/requests/{case_id}").status_code == 403
    ids = {"callback_id": callback_id, "format_id": format_id}
    tried = []
    for rule in staff_rules(app):
        if not rule.arguments & LINKED_ARGUMENTS:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: ids.get(name, 1) for name in rule.arguments})
        for method in methods(rule):
            response = request(client, method, url, "/staff/")
            assert response.status_code == 403, (method, url, response.status_code)
            tried.append((method, rule.endpoint))
    assert ("GET", "staff.callback_attempt") in tried
    assert ("POST", "staff.close_callback") in tried
    assert ("POST", "staff.format_done") in tried
    with app.app_context():
        assert db.session.get(CallbackRequest, callback_id).status == "open"
        assert db.session.get(AccessibleFormatRequest, format_id).status == "open"
        assert db.session.query(CallbackAttempt).count() == 0


def test_the_owner_still_works_them(app, client, caseworker):
    _, callback_id, format_id = _linked_items(app, caseworker.id)
    sign_in(client, caseworker)
    assert client.get(f"/staff/callbacks/{callback_id}").status_code == 200
    assert client.get(f"/staff/formats/{format_id}").status_code == 200
