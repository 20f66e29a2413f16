"""The public blueprint itself, apart from its routes, so that route modules and the package
can both import it without importing each other."""

from flask import Blueprint, request

portal = Blueprint("portal", "portal")


@portal.context_processor
def offer_help() -> dict[str, bool]:
    """Every public page ends with "Get help" (templates/components/get_help.html), but the
    contact page, which is all about it."""
    return {"get_help": request.endpoint != "portal.contact"}
