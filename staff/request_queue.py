"""The request queue: every request staff may see, filtered, searched, sorted by what is due
and paged, in SQL (reviews.casework). Team leaders select requests here for a bulk action
(staff.bulk).

Search terms are names, email addresses, phone numbers and references: personal data, which
must stay out of URLs (browser history, proxy and server logs) and cookies. So the search form
posts the terms, the server keeps them for a short while (reviews.search) and the queue's URL
carries only that search's random id: paging, sorting and filtering keep the search, and
neither the URL nor the session says what it was. Each listing is audited, with the terms of a
search: who looked for whom.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from reviews import clock
from reviews.audit import record_audit
from reviews.database import db
from reviews.deadlines import days_late, waiting_for
from reviews.references import format_reference
from reviews.request_queue import OWNER_ME, OWNER_NOBODY, SORTS, Filters, QueuePage, queue
from reviews.rules import format_date
from reviews.search import keep_search, kept_search, kind_of
from reviews.workflow import CAN_READ_REQUESTS, CASEWORKER, STATUS_LABELS, TEAM_LEADER
from reviews.workload import queue_owners
from staff.access import role_required
from staff.blueprint import staff
from web.forms import TextField
from web.query import known_args, whole_number

# The queue's "Only show" checkboxes: the query string value and what it filters on.
ONLY_SHOW = {
    "late": "Late requests",
    "overdue": "Overdue",
    "duplicate": "Possible duplicates",
    "adjustments": "Adjustments needed",
    "consent": "Signed consent awaited",
}


class SearchForm(FlaskForm):
    search = TextField(
        "Search requests",
        description=(
            "A tracking reference, an MPS reference, or part of a name, organisation, email "
            "address or phone number"
        ),
        max_length=(200, "Search for 200 characters or fewer"),
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )


# The query arguments the queue reads (kept by its links).
QUEUE_ARGS = ("search", "status", "owner", "only", "sort", "order", "page")


def _number(text: str) -> int | None:
    return whole_number(text, minimum=1)


def _filters(search: str | None) -> Filters:
    args = request.args
    status = args.get("status", "")
    owner = args.get("owner", "")
    only = set(args.getlist("only"))
    sort = args.get("sort", "")
    return Filters(
        status=status if status == "open" or status in STATUS_LABELS else None,
        owner=owner if owner in (OWNER_ME, OWNER_NOBODY) or _number(owner) else None,
        late="late" in only,
        overdue="overdue" in only,
        duplicate="duplicate" in only,
        adjustments="adjustments" in only,
        consent_awaited="consent" in only,
        search=search,
        sort=sort if sort in SORTS else "received",
        descending=args.get("order") == "descending",
        page=_number(args.get("page", "")) or 1,
    )


def queue_url(**changes: str | int | None) -> str:
    """The queue's address with these query values changed (None drops one)."""
    # Typed as url_for types its query values.
    # Only the queue's own arguments: url_for's keywords (`_scheme`, ...) never get through.
    values: dict[str, Any] = {**known_args(request.args, QUEUE_ARGS), **changes}
    return url_for("staff.requests_queue", **values)


def _pagination(page: int, pages: int) -> dict[str, object] | None:
    """The GOV.UK pagination component: first, last, and the pages either side of this one."""
    if pages < 2:
        return None
    items: list[dict[str, object]] = []
    previous = 0
    for number in sorted({1, page - 1, page, page + 1, pages} & set(range(1, pages + 1))):
        if number > previous + 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": queue_url(page=number), "current": number == page})
        previous = number
    return {
        "items": items,
        "previous": {"href": queue_url(page=page - 1)} if page > 1 else None,
        "next": {"href": queue_url(page=page + 1)} if page < pages else None,
        "landmarkLabel": "Pages of requests",
    }


def _audit_listing(filters: Filters, result: QueuePage) -> None:
    """Who listed which requests: the filters, the page, and a search's terms (who looked for
    whom). Committed with nothing else."""
    detail: dict[str, Any] = {
        "filters": {
            name: value
            for name, value in vars(filters).items()
            if name not in ("search", "page") and value
        },
        "page": result.page,
        "shown": len(result.rows),
        "total": result.total,
    }
    if filters.search:
        detail["search"] = {"kind": kind_of(filters.search), "terms": filters.search}
    record_audit("listed-requests", staff_user=current_user, detail=detail)
    db.session.commit()


@staff.route("/requests", methods=["GET", "POST"])
@role_required(*CAN_READ_REQUESTS)
def requests_queue():
    form = SearchForm()
    if form.validate_on_submit():
        text = " ".join((form.search.data or "").split())
        search_id = None
        if text:
            search_id = keep_search(current_user, text).id
            db.session.commit()
        return redirect(queue_url(search=search_id, page=None))
    key = request.args.get("search")
    search = kept_search(current_user, key) if key else None
    if request.method == "GET":
        form.search.data = search
    filters = _filters(search)
    today = clock.today()
    result = queue(current_user, filters, today)
    # Caseworkers see only their own cases and unallocated ones: no one else to filter on.
    owners = [] if current_user.role == CASEWORKER else queue_owners()
    page = render_template(
        "staff/requests.html",
        form=form,
        result=result,
        filters=filters,
        search_key=key if search else None,
        search_expired=bool(key) and search is None,
        owners=owners,
        status_labels=STATUS_LABELS,
        only_show=ONLY_SHOW,
        pagination=_pagination(result.page, result.pages),
        queue_url=queue_url,
        format_reference=format_reference,
        format_date=format_date,
        waiting_for=waiting_for,
        days_late=days_late,
        london_date=clock.london_date,
        can_bulk=current_user.role == TEAM_LEADER,
        today=today,
    )
    if request.method == "GET":
        # After the page is made: the audit's commit would expire the rows it shows.
        _audit_listing(filters, result)
    return page
