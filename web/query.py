"""Query-string values read safely: only the names a page knows, numbers the database can hold.

A query argument is data the person (or anyone) typed: it must never reach `url_for` as one of
its own keywords (`_scheme`, `_anchor`, `_method`, `_external`), and a number must be plain ASCII
digits that fit a database integer (`str.isdigit` also accepts "²" and "①", which `int` refuses).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, Map

# Nine digits: every such number fits a 32-bit database integer.
MAX_DIGITS = 9
MAX_DATABASE_INTEGER = 2**31 - 1


def whole_number(text: str | None, *, minimum: int = 0) -> int | None:
    """`text` as a whole number if it is 1 to 9 ASCII digits and at least `minimum`, else None."""
    if not text or len(text) > MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number >= minimum else None


def known_args(args: MultiDict[str, str], names: Iterable[str]) -> dict[str, Any]:
    """The query arguments among `names` (each with all its values), for `url_for`: nothing
    else a request carries gets through, url_for's own keywords included."""
    return {name: args.getlist(name) for name in names if name in args}


class DatabaseIdConverter(IntegerConverter):
    """The `int` converter of every route: a number in the address is at most the largest
    database integer, so a longer one is "not found" rather than an overflow (500)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_DATABASE_INTEGER)
        super().__init__(map, *args, **kwargs)
