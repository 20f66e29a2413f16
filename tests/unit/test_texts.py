"""Which numbers a text can go to (reviews.texts.uk_mobile), and who gets texts."""

from __future__ import annotations

import pytest

from reviews.models import ReviewRequest
from reviews.notifications import UPDATES_TO_REQUESTER
from reviews.texts import _UPDATES_TO_REQUESTER, text_recipient, uk_mobile


@pytest.mark.parametrize(
    ("given", "number"),
    [
        ("07700 900982", "+447700900982"),
        ("07700900982", "+447700900982"),
        ("+44 7700 900982", "+447700900982"),
        ("0044 7911 123456", "+447911123456"),
        ("07624 123456", "+447624123456"),  # Isle of Man mobiles
    ],
)
def test_uk_mobiles_in_any_form_are_kept_in_international_form(given, number):
    assert uk_mobile(given) == number


@pytest.mark.parametrize(
    "given",
    [
        None,
        "",
        "  ",
        "020 7946 0000",  # a landline
        "0800 123 4567",  # freephone
        "07000 123456",  # a personal number, which forwards anywhere
        "07600 123456",  # a pager
        "0770 090 098",  # too short
        "+33 6 12 34 56 78",  # a French mobile
        "not a number",
    ],
)
def test_other_numbers_cannot_get_texts(given):
    assert uk_mobile(given) is None


def requester(**fields) -> ReviewRequest:
    values = {
        "text_updates": True,
        "requester_phone": "07700 900982",
        "updates_to": "requester",
    }
    values.update(fields)
    return ReviewRequest(**values)


def test_texts_go_to_a_requester_who_asked_for_them_and_gets_updates():
    assert text_recipient(requester()) == "+447700900982"
    assert text_recipient(requester(updates_to="both")) == "+447700900982"
    assert text_recipient(requester(text_updates=False)) is None
    # A representative who asked for updates to go to the complainant only.
    assert text_recipient(requester(updates_to="complainant")) is None
    # The number was changed to a landline since.
    assert text_recipient(requester(requester_phone="020 7946 0000")) is None


def test_texts_and_email_agree_on_who_gets_updates():
    assert _UPDATES_TO_REQUESTER == UPDATES_TO_REQUESTER
