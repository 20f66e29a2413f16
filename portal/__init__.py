"""The public side: the start page and guidance, the request journey, the tracker and the
satisfaction survey.

Each module adds its routes to the blueprint (portal.blueprint)."""

from portal import (
    consent_forms,
    equality,
    journey,
    pages,
    statistics,
    survey,
    tracker,
    tracker_letters,
)
from portal.blueprint import portal
from portal.pages import CONTENT_PAGES, GUIDANCE

__all__ = [
    "CONTENT_PAGES",
    "GUIDANCE",
    "consent_forms",
    "equality",
    "journey",
    "pages",
    "portal",
    "statistics",
    "survey",
    "tracker",
    "tracker_letters",
]
