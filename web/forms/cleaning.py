"""Control characters never reach a form, a query or the database.

PostgreSQL cannot store NUL in text (every later save of a draft holding one failed with a 500),
and the other control characters (C0, DEL, C1) and Unicode's noncharacters are never typed on
purpose, are invalid in HTML and break pages that show them again. So they are taken out of
every value the request parses, in one place: the request's parameter storage, which WTForms
(through Flask-WTF) and every `request.args` / `request.form` read. Tab, line feed and
carriage return are kept. File contents are not touched (they are checked by what they are,
in reviews.uploads).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

# C0 controls except tab (09), line feed (0A) and carriage return (0D); DEL and the C1 controls
# (7F-9F); and Unicode's noncharacters. None is typed on purpose, and HTML forbids them all, so a
# page showing one back would be invalid.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
    )
    + "]"
)


def without_control_characters(value: str) -> str:
    """`value` with every control character and noncharacter taken out but tab, newline and
    carriage return."""
    return CONTROL_CHARACTERS.sub("", value)


def _cleaned(value: Any) -> Any:
    return without_control_characters(value) if isinstance(value, str) else value


class CleanedParameters(ImmutableMultiDict[str, Any]):
    """The request's query and form values, and form field names, without control characters
    (uploaded files are kept as they are)."""

    def __init__(self, mapping: Iterable[tuple[str, Any]] | Mapping[str, Any] | None = None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            pairs: Iterable[tuple[str, Any]] = mapping.items(multi=True)
        elif isinstance(mapping, Mapping):
            pairs = MultiDict(mapping).items(multi=True)
        else:
            pairs = mapping
        super().__init__([(_cleaned(key), _cleaned(value)) for key, value in pairs])


class CleanedRequest(Request):
    """The app's request class: `args`, `form` and `values` are CleanedParameters."""

    parameter_storage_class = CleanedParameters
