"""The back-office blueprint itself, apart from its routes, so that route modules and the
package can both import it without importing each other."""

from flask import Blueprint, request, url_for

staff = Blueprint("staff", "staff", url_prefix="/staff")


@staff.app_template_global()
def page_url(page: int) -> str:
    """This page's URL with its filters kept and another page number."""
    if request.endpoint is None:  # only a request that matched no route has none
        raise RuntimeError("page_url needs the request's own page")
    values = {**(request.view_args or {}), **request.args.to_dict(), "page": page}
    return url_for(request.endpoint, **values)
