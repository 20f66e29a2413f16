"""The public side: the start page and guidance, the request journey and the tracker.

Each module adds its routes to the blueprint (portal.blueprint)."""

from portal import journey, pages, tracker, tracker_letters
from portal.blueprint import portal
from portal.pages import CONTENT_PAGES, GUIDANCE

__all__ = ["CONTENT_PAGES", "GUIDANCE", "journey", "pages", "portal", "tracker", "tracker_letters"]
