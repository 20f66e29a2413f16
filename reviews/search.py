"""Searching the requests: what a search matches, and keeping its terms on the server.

A search finds a request by its tracking reference or the Met's reference (any case, any
spacing or separators), or by part of a name (the requester's, the complainant's), an
organisation, an email address or a phone number (digits only, +44 read as 0). Every match is
worked out in SQL.

A search finds its matches through an index, not by reading every request (migration 0023):
on PostgreSQL, trigram indexes (pg_trgm) on the very expressions compared below, whose
constants are therefore written into the SQL; on SQLite, the FTS5 trigram table
`review_request_search` first narrows the search to the requests that may match, then the
conditions below decide, exactly as without it. Neither is part of the models (`SEARCH_INDEX`
names them, for the comparison of models and migrations).

Search terms are personal data: they stay out of URLs and cookies. `keep_search` stores them
for SEARCH_LIFETIME under a random id that only the person who searched can use; the queue's
address carries that id. Expired searches are deleted whenever someone searches.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, delete, func, literal_column, or_, select, table, text

from reviews import clock
from reviews.database import db
from reviews.models import ReviewRequest, StaffSearch, StaffUser
from reviews.references import parse_reference

SEARCH_LIFETIME = timedelta(hours=1)
# The prefix of the names of the search's indexes and tables (migration 0023).
SEARCH_INDEX = "review_request_search"
# A trigram index finds nothing shorter than a trigram.
_TRIGRAM = 3
# Fewer digits than this are not a phone number worth matching (a house number, a year).
_PHONE_DIGITS = 6

REFERENCE = "reference"
MPS_REFERENCE = "mps-reference"
PERSON = "person"  # a name, organisation, email address or phone number


def in_the_models(name: str | None, *_: object) -> bool:
    """Whether a table or index is one the models describe: not the search's, which each
    database has its own way (Alembic's `include_name`, when comparing them with the models)."""
    return not (name or "").startswith(SEARCH_INDEX)


def keep_search(user: StaffUser, terms: str) -> StaffSearch:
    """Store the terms for a while under a new random id (in the caller's transaction)."""
    now = clock.now()
    db.session.execute(delete(StaffSearch).where(StaffSearch.expires_at < now))
    search = StaffSearch(
        id=secrets.token_urlsafe(16),
        staff_user_id=user.id,
        terms=terms,
        created_at=now,
        expires_at=now + SEARCH_LIFETIME,
    )
    db.session.add(search)
    return search


def kept_search(user: StaffUser, search_id: str) -> str | None:
    """The terms kept under `search_id` for this person, or None if there are none now."""
    search = db.session.get(StaffSearch, search_id) if len(search_id) <= 32 else None
    if search is None or search.staff_user_id != user.id or search.expires_at < clock.now():
        return None
    return search.terms


def _compact(text: str) -> str:
    """Letters and digits only, upper case: how references compare."""
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def _sql(value: str) -> Any:
    """A constant written into the SQL, as the indexes' expressions are."""
    return literal_column("'" + value.replace("'", "''") + "'")


def _sql_compact(column: Any) -> Any:
    """The same in SQL, for the separators the Met's references use."""
    for separator in (" ", "/", "-", ".", "\\"):
        column = func.replace(column, _sql(separator), _sql(""))
    return func.upper(column)


def phone_digits(text: str) -> str:
    """A phone number's digits, as dialled in the UK: +44 (or 0044) read as 0."""
    digits = re.sub(r"\D", "", text)
    for prefix in ("0044", "44"):
        if digits.startswith(prefix) and len(digits) >= len(prefix) + 9:
            return "0" + digits[len(prefix) :]
    return digits


def _sql_phone(column: Any) -> Any:
    column = func.replace(func.replace(column, _sql("+44"), _sql("0")), _sql("(0)"), _sql(""))
    for separator in (" ", "-", "(", ")", "."):
        column = func.replace(column, _sql(separator), _sql(""))
    return column


def _contains(column: Any, text: str) -> Any:
    return func.lower(column).contains(text.lower(), autoescape=True)


def kind_of(text: str) -> str:
    """What a search looks for, for the audit log: a tracking reference, something that may be
    the Met's reference (letters and digits), or a person."""
    if parse_reference(text.strip()):
        return REFERENCE
    if re.search(r"\d", text) and re.search(r"[A-Za-z]", text) and "@" not in text:
        return MPS_REFERENCE
    return PERSON


def matching(text: str) -> Any:
    """The SQL condition a request meets when it matches the search."""
    text = " ".join(text.split())
    reference = parse_reference(text)
    if reference:
        return ReviewRequest.reference == reference
    terms: list[tuple[str, str]] = [("words", text)]  # what the SQLite index is asked
    conditions = [
        _contains(column, text)
        for column in (
            ReviewRequest.requester_name,
            ReviewRequest.complainant_name,
            ReviewRequest.representative_organisation,
            ReviewRequest.requester_email,
            ReviewRequest.complainant_email,
        )
    ]
    compact = _compact(text)
    if len(compact) >= 4 and any(c.isdigit() for c in compact):
        conditions.append(_sql_compact(ReviewRequest.mps_reference) == compact)
        terms.append(("mps_reference", compact))
    digits = phone_digits(text)
    if len(digits) >= _PHONE_DIGITS and not re.search(r"[A-Za-z@]", text):
        conditions += [
            _sql_phone(column).contains(digits, autoescape=True)
            for column in (ReviewRequest.requester_phone, ReviewRequest.complainant_phone)
        ]
        terms.append(("phones", digits))
    if len(text) < _TRIGRAM or db.session.get_bind().dialect.name != "sqlite":
        return or_(*conditions)
    return and_(ReviewRequest.id.in_(_may_match(terms)), or_(*conditions))


def _may_match(terms: list[tuple[str, str]]) -> Any:
    """The ids of requests whose columns hold these terms, as the SQLite trigram index finds
    them (any case): each a phrase, which a trigram index matches anywhere in the column."""
    quoted = [(column, term.replace('"', '""')) for column, term in terms]
    phrases = " OR ".join(f'{column} : "{term}"' for column, term in quoted)
    index = table(SEARCH_INDEX)
    return (
        select(literal_column("rowid"))
        .select_from(index)
        .where(text(f"{SEARCH_INDEX} MATCH :phrases").bindparams(phrases=phrases))
    )
