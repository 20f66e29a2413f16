"""The back-office blueprint itself, apart from its routes, so that route modules and the
package can both import it without importing each other."""

from collections.abc import Iterable

from flask import Blueprint, request, url_for

from web.query import known_args

staff = Blueprint("staff", "staff", url_prefix="/staff")


@staff.app_template_global()
def page_url(page: int, filters: Iterable[str] = ()) -> str:
    """This page's URL with its `filters` (the names of the query arguments it reads) kept and
    another page number. Only those names are passed on: anything else in the query, url_for's
    own keywords such as `_scheme` or `_external` included, is dropped."""
    if request.endpoint is None:  # only a request that matched no route has none
        raise RuntimeError("page_url needs the request's own page")
    values = {**(request.view_args or {}), **known_args(request.args, filters), "page": page}
    return url_for(request.endpoint, **values)
