"""The tracker's look-up limits: wrong surnames count per reference from one address (so nobody
can lock a requester out of their own reference from elsewhere), per address across references
(so one address cannot try many), and malformed references per address (not in one bucket that
everyone shares)."""

from __future__ import annotations

from reviews.references import format_reference, new_reference
from tests.journey import look_up
from tests.requests_data import make_request

ATTACKER = "192.0.2.1"
OWNER = "198.51.100.2"
SOMEONE_ELSE = "203.0.113.3"


def _reference(app) -> str:
    with app.app_context():
        return format_reference(make_request(requester_name="Sam Example").reference)


def test_wrong_surnames_from_one_address_do_not_lock_the_owner_out(app):
    reference = _reference(app)
    attacker = app.test_client()
    statuses = [look_up(attacker, reference, "Wrong", ATTACKER).status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 200, 429]
    # The attacker stays refused, even with the right surname.
    assert look_up(attacker, reference, "Example", ATTACKER).status_code == 429
    # The owner, elsewhere, gets in.
    response = look_up(app.test_client(), reference, "Example", OWNER)
    assert response.status_code == 302


def test_one_address_cannot_try_many_references(app):
    client = app.test_client()
    references = [format_reference(new_reference()) for _ in range(6)]
    statuses = [
        look_up(client, reference, "Wrong", ATTACKER).status_code
        for reference in references
        for _ in range(2)
    ]
    assert statuses == [200] * 10 + [429, 429]
    assert look_up(app.test_client(), references[0], "Wrong", OWNER).status_code == 200


def test_malformed_references_count_per_address(app):
    attacker = app.test_client()
    statuses = [look_up(attacker, "not a reference", "X", ATTACKER).status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 200, 429]
    assert look_up(app.test_client(), "also nonsense", "X", SOMEONE_ELSE).status_code == 200
    assert look_up(app.test_client(), _reference(app), "Example", SOMEONE_ELSE).status_code == 302
