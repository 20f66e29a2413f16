"""The callback and accessible-format queues: calls from the journey and from the accessibility
pages, the safety answers shown first, each try recorded with what happened, closing a callback,
replying to a format request, and the audit log of each."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from reviews.accessibility import format_reply_due, request_callback, send_format_request
from reviews.database import db
from reviews.models import AccessibleFormatRequest, AuditEvent, CallbackAttempt, CallbackRequest
from reviews.rules import format_date
from tests.forms import csrf_token, form_fields
from tests.journey_data import complainant_steps, replace_step
from tests.requests_data import TODAY


def add_callback(app, **fields) -> int:
    details = {"source": "accessibility", "name": "Ali Example", "phone": "07700 900983"}
    with app.app_context():
        callback = request_callback(TODAY, **{**details, **fields})
        db.session.commit()
        return callback.id


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def audits(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        db.session.expunge_all()
        return list(events)


def test_calls_from_the_journey_and_the_accessibility_pages_both_appear(
    app, journey, caseworker, client_as
):
    staff_client = client_as(caseworker)
    steps = replace_step(complainant_steps(), "adjustments-needed", {"needed": "yes"})
    steps = replace_step(
        steps,
        "adjustments",
        {
            "adjustments": ["callback"],
            "callback_phone": "07700 900982",
            "callback_times": "Weekday mornings",
        },
        after="adjustments-needed",
    )
    journey.walk(steps)
    journey.send()
    public = app.test_client()
    public.post(
        "/accessibility/ask-for-a-call",
        data={
            **form_fields(public, "/accessibility/ask-for-a-call"),
            "full_name": "Ali Example",
            "phone": "07700900983",
            "safe": ["say-who", "leave-message"],
        },
    )
    page = staff_client.get("/staff/callbacks").text
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.S)[1:]
    assert len(rows) == 2
    sam, ali = rows
    assert "Sam Example" in sam and "Review request" in sam and "Weekday mornings" in sam
    assert "Ali Example" in ali and "Accessibility page" in ali
    # Sam said it is not safe to say who is calling: that is flagged where it cannot be missed.
    cells = re.findall(r"<td[^>]*>(.*?)</td>", sam, re.S)
    assert "govuk-tag--red" in cells[3] and "No" in cells[3]
    assert cells[4].strip() == "Yes"
    assert re.findall(r"<td[^>]*>(.*?)</td>", ali, re.S)[3].strip() == "Yes"


def test_record_each_try_then_close(app, client_as, caseworker):
    staff_client = client_as(caseworker)
    callback_id = add_callback(
        app, safe_to_leave_message=True, safe_to_say_who_is_calling=False, best_times="Evenings"
    )
    path = f"/staff/callbacks/{callback_id}"
    page = staff_client.get(path).text
    assert "Safe to say who is calling: no." in page
    assert "Safe to leave a message: no." not in page
    assert 'value="left-message"' in page
    assert "Nobody has tried to call yet." in page

    missing = post(staff_client, path)
    assert missing.status_code == 200
    assert "Select what happened when you called" in missing.text
    response = post(staff_client, path, result="no-answer", note="Rang out")
    assert response.location == f"{path}#tries"
    post(staff_client, path, result="left-message")
    page = staff_client.get(path).text
    assert "Tries so far (2)" in page
    assert "Rang out" in page and "No answer: we left a message" in page
    assert page.count("Casey Worker") >= 3  # signed in as, and on each try
    with app.app_context():
        results = db.session.scalars(
            select(CallbackAttempt.result).order_by(CallbackAttempt.id)
        ).all()
        assert results == ["no-answer", "left-message"]
    assert [event.detail for event in audits(app, "recorded-call-attempt")] == [
        {"callback_id": callback_id, "result": "no-answer"},
        {"callback_id": callback_id, "result": "left-message"},
    ]
    assert audits(app, "viewed-callback")[0].staff_user_id == caseworker.id

    close = f"{path}/close"
    assert "Select how it ended" in post(staff_client, close).text
    response = post(staff_client, close, outcome="spoke", note="They want letters by post")
    assert response.location == "/staff/callbacks"
    assert "No calls to make." in staff_client.get("/staff/callbacks").text
    page = staff_client.get(path).text
    assert "Closed: We spoke to them" in page and "They want letters by post" in page
    assert "Record this try" not in page
    # A closed callback takes no more tries, and closing again changes nothing.
    post(staff_client, path, result="answered")
    assert staff_client.get(close).location == path
    with app.app_context():
        callback = db.session.get(CallbackRequest, callback_id)
        assert (callback.status, callback.closed_outcome) == ("done", "spoke")
        assert callback.closed_at is not None and len(callback.attempts) == 2
    assert audits(app, "closed-callback")[0].detail == {
        "callback_id": callback_id,
        "outcome": "spoke",
    }


def test_no_message_is_left_unless_it_is_safe(app, caseworker, client_as):
    staff_client = client_as(caseworker)
    callback_id = add_callback(app, safe_to_leave_message=False, safe_to_say_who_is_calling=True)
    path = f"/staff/callbacks/{callback_id}"
    page = staff_client.get(path).text
    assert "Safe to leave a message: no." in page
    assert "Safe to say who is calling: no." not in page
    assert 'value="left-message"' not in page
    refused = post(staff_client, path, result="left-message")
    assert "Select what happened when you called" in refused.text
    post(staff_client, path, result="wrong-number")
    with app.app_context():
        assert db.session.scalars(select(CallbackAttempt.result)).all() == ["wrong-number"]


def test_calls_are_listed_soonest_due_first_with_overdue_ones_marked(app, caseworker, client_as):
    staff_client = client_as(caseworker)
    add_callback(app, name="Later Person")
    with app.app_context():
        overdue = request_callback(
            TODAY - timedelta(days=10), source="accessibility", name="Early Person", phone="1"
        )
        db.session.commit()
        due = overdue.due_on
    page = staff_client.get("/staff/callbacks").text
    assert page.index("Early Person") < page.index("Later Person")
    assert re.search(rf"{format_date(due)}\s*<strong class=\"govuk-tag govuk-tag--red\"", page)


def add_format_request(app, key: str, asked_on=TODAY, name: str = "Bo Example") -> int:
    with app.app_context():
        format_request = send_format_request(
            asked_on,
            key,
            document="The privacy notice",
            format="language",
            format_detail="Welsh",
            name=name,
            preferred_contact="post",
            address="1 High Street\nLondon",
        )
        return format_request.id


def test_format_requests_due_in_five_working_days_and_marked_answered(app, client_as, caseworker):
    staff_client = client_as(caseworker)
    later = add_format_request(app, "later")
    add_format_request(app, "overdue", TODAY - timedelta(days=14), "Early Person")
    page = staff_client.get("/staff/formats").text
    assert page.index("Early Person") < page.index("Bo Example")
    assert format_date(format_reply_due(TODAY)) in page
    assert "Overdue" in page and "Another language: Welsh" in page

    path = f"/staff/formats/{later}"
    page = staff_client.get(path).text
    assert "1 High Street" in page and "Post" in page
    assert "Enter what you sent and how" in post(staff_client, path).text
    response = post(staff_client, path, response_note="Posted a Welsh copy")
    assert response.location == "/staff/formats"
    assert "Bo Example" not in staff_client.get("/staff/formats").text
    page = staff_client.get(path).text
    assert "What we sent" in page and "Posted a Welsh copy" in page
    assert "Mark as answered" not in page
    with app.app_context():
        answered = db.session.get(AccessibleFormatRequest, later)
        assert answered.status == "done" and answered.completed_at is not None
    assert [event.detail for event in audits(app, "answered-format-request")] == [
        {"format_request_id": later}
    ]
    assert audits(app, "viewed-format-request")[0].staff_user_id == caseworker.id


def test_unknown_items_are_not_found(caseworker, client_as):
    staff_client = client_as(caseworker)
    for path in ("/staff/callbacks/99", "/staff/callbacks/99/close", "/staff/formats/99"):
        assert staff_client.get(path).status_code == 404


def test_the_call_page_says_an_interpreter_is_needed_and_formats_the_reference(
    app, caseworker, client_as
):
    from reviews.accessibility import request_callback_for
    from reviews.references import format_reference
    from tests.requests_data import make_request

    with app.app_context():
        review_request = make_request(
            adjustments=["callback", "interpreter"], interpreter_language="Polish"
        )
        callback = request_callback_for(review_request, TODAY, "07700 900982")
        db.session.commit()
        callback_id, reference = callback.id, review_request.reference
    page = client_as(caseworker).get(f"/staff/callbacks/{callback_id}").text
    assert re.search(r"Interpreter\s*</dt>\s*<dd[^>]*>\s*Needed: Polish", page)
    formatted = format_reference(reference)
    assert re.search(rf"Tracking reference\s*</dt>\s*<dd[^>]*>\s*{formatted}", page)

    # A call asked for from the accessibility pages, with no request to say, asks it.
    other = add_callback(app, reference_given=None)
    page = client_as(caseworker).get(f"/staff/callbacks/{other}").text
    assert re.search(r"Interpreter\s*</dt>\s*<dd[^>]*>\s*Not known: ask", page)


def test_a_format_request_links_to_the_review_request_it_names(app, caseworker, client_as):
    from reviews.references import format_reference
    from tests.requests_data import make_request

    with app.app_context():
        review_request = make_request()
        request_id, reference = review_request.id, review_request.reference
        linked = send_format_request(
            TODAY,
            "linked",
            document="Our decision letter",
            format="large-print",
            name="Sam Example",
            preferred_contact="post",
            address="1 High Street",
            reference_given=reference,
        ).id
    page = client_as(caseworker).get(f"/staff/formats/{linked}").text
    assert (
        f'<a class="govuk-link" href="/staff/requests/{request_id}">'
        f"See review request {format_reference(reference)}</a>"
    ) in page
    unlinked = add_format_request(app, "unlinked")
    assert "See review request" not in client_as(caseworker).get(f"/staff/formats/{unlinked}").text
