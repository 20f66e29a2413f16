"""The public blueprint itself, apart from its routes, so that route modules and the package
can both import it without importing each other."""

from flask import Blueprint

portal = Blueprint("portal", "portal")
