"""The wording of each letter, as team leaders edit it: versions kept in the database
(`LetterTemplate`), one of them active per letter kind; the wording that shipped is version 1.

Wording is plain text in a small, safe form. No Jinja and nothing evaluated: text between braces
must be one of the kind's listed placeholders (`PLACEHOLDERS`), filled by plain substitution
from the recorded facts, and a whole line `[if name]`, `[if not name]` or `[end]` keeps or drops
the lines between by whether that fact is there. `{{` and `}}` stand for a brace itself. Once
filled, the text is the letter's body, which caseworkers may still change before it goes:
blank lines part paragraphs, a line starting `## ` is a heading, lines starting `- ` are a list
and a line starting `! ` is a paragraph that stands out. The letter's page shows the body with
autoescape on, so nothing in it can become markup.

The letterhead, addresses, date, references, greeting and sign-off are layout, not wording:
templates/letters/_letter.html.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select, update

from reviews import clock
from reviews.audit import record_audit
from reviews.database import db
from reviews.letter_wording import SHIPPED_WORDING
from reviews.models import LetterTemplate, StaffUser

MAX_LENGTH = 20_000
"""The longest wording a team leader may save (and the longest letter a caseworker may send)."""

# Placeholders every letter can use.
_COMMON: dict[str, str] = {
    "reference": "Our tracking reference for the request",
    "recipient_name": "The name of the person the letter is to",
    "complainant_name": "The name of the person who made the complaint",
    "the_complaint": (
        "'your complaint', or 'the complaint made by' and the complainant's name when a "
        "representative gets the letter"
    ),
    "mps_reference": "The Met's reference for the complaint ('not known' if we do not have it)",
    "contact_email": "Our email address",
    "track_url": "The address of the online tracker (shown as a link)",
    "for_representative": "Yes when the letter is to a representative (use it with [if])",
}
_DATED = {"date": "The date of the letter"}
_REVIEW_WINDOW = {"review_window": "The time limit for asking for a review, like '28 days'"}

PLACEHOLDERS: dict[str, dict[str, str]] = {
    "acknowledgement": {
        **_COMMON,
        **_DATED,
        **_REVIEW_WINDOW,
        "received_on": "The date we received the request",
        "late": "Yes when the request was late and we have not decided about it yet",
        "awaited": "A list of what we still need from them (empty when nothing)",
        "estimated_allocation_month": "The month we expect a caseworker to start (may be empty)",
    },
    "information-needed": {
        **_COMMON,
        **_DATED,
        "information_requested": "What we asked for, as the caseworker typed it",
    },
    "late-request-refused": {
        **_COMMON,
        **_DATED,
        **_REVIEW_WINDOW,
        "refusal_reason": "Why we refused the late request, as typed (may be empty)",
    },
    "no-right-of-review": {
        **_COMMON,
        **_DATED,
        "validity_explanation": "Why we cannot review it, in the words chosen for that reason",
    },
    "forwarded-to-iopc": {
        **_COMMON,
        **_DATED,
        "shared_with_iopc": "What we sent the IOPC, as typed",
    },
    # No {date}: a team leader approves the decision letter before the day it is sent, and the
    # letterhead carries the date it goes.
    "decision": {
        **_COMMON,
        "upheld": "Yes when the outcome was not reasonable and proportionate (use it with [if])",
        "decision_reasons": "The reasons for the decision, as typed",
        "recommendations": "A list of what we recommend the Met does (empty when not upheld)",
        "refer_to_iopc": "Yes when we referred the complaint to the IOPC (use it with [if])",
        "met_replies_in_writing": "Our promise: 'The Met must reply to our recommendations ...'",
    },
    "mps-response": {
        **_COMMON,
        **_DATED,
        "mps_response": "The Met's reply, as typed",
        "mps_response_received_on": "The date the Met replied (may be empty)",
    },
}


class WordingError(ValueError):
    """Wording that cannot be used, with the reason in words a team leader can act on."""


@dataclass(frozen=True)
class Block:
    """A part of a letter's body: a heading, a paragraph (of lines), an important paragraph or
    a list (of items)."""

    kind: str  # "heading", "paragraph", "important" or "list"
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Wording:
    """The wording of a letter kind in one version."""

    kind: str
    version: int
    text: str


# A fact's value: text, or a list (of items, or of paragraphs as typed) that fills a block.
Value = str | tuple[str, ...] | bool

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_CONDITION = re.compile(r"^\[(if|if not|end)(?: ([a-z_]+))?\]$")


def check(kind: str, text: str) -> None:
    """Raise WordingError, saying which line and why, unless `text` is wording `kind` can use."""
    if not text.strip():
        raise WordingError("Enter the letter's wording")
    if len(text) > MAX_LENGTH:
        raise WordingError(f"The wording must be {MAX_LENGTH:,} characters or fewer")
    open_conditions: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            _check_condition(kind, number, stripped, open_conditions)
        else:
            _check_braces(kind, number, line)
    if open_conditions:
        raise WordingError(f"Line {open_conditions[-1]}: this [if] has no [end]")


_LONE_BRACE = {
    "{": "a {{ has no matching }}. Write {{{{ for a brace itself",
    "}": "a }} has no matching {{. Write }}}} for a brace itself",
}


def _check_braces(kind: str, number: int, line: str) -> None:
    for match in _TOKEN.finditer(line):
        lone = _LONE_BRACE.get(match.group(0))
        if lone is not None:
            raise WordingError(f"Line {number}: " + lone.format())
        name = match.group(1)
        if name is not None and name not in PLACEHOLDERS[kind]:
            raise WordingError(
                f"Line {number}: {{{name}}} is not a placeholder this letter can use. "
                "Use one of those listed"
            )


def _check_condition(kind: str, number: int, line: str, open_conditions: list[int]) -> None:
    match = _CONDITION.match(line)
    if match is None:
        raise WordingError(
            f"Line {number}: {line} is not a condition. Write [if name], [if not name] or [end]"
        )
    keyword, name = match.groups()
    if keyword == "end":
        if name is not None:
            raise WordingError(f"Line {number}: write [end] on its own")
        if not open_conditions:
            raise WordingError(f"Line {number}: this [end] has no [if] before it")
        open_conditions.pop()
        return
    if name is None or name not in PLACEHOLDERS[kind]:
        raise WordingError(
            f"Line {number}: [{keyword} {name or ''}] names no placeholder this letter can use"
        )
    open_conditions.append(number)


def fill(kind: str, text: str, values: Mapping[str, Value]) -> str:
    """The wording with its conditions decided and its placeholders filled from `values`: the
    letter's body as text. Each placeholder is replaced once, so text in a value (what a
    caseworker typed) is never read as a placeholder or a condition. A list fills a block: its
    items as list lines, or, on a line of its own, its paragraphs as typed."""
    check(kind, text)
    kept: list[str] = []
    keeping: list[bool] = []
    for line in text.splitlines():
        match = _CONDITION.match(line.strip())
        if match:
            keyword, name = match.groups()
            if keyword == "end":
                keeping.pop()
            else:
                present = bool(values.get(name))
                keeping.append(present if keyword == "if" else not present)
            continue
        if all(keeping):
            kept.append(_substitute(line, values))
    return _tidy("\n".join(kept))


def _substitute(line: str, values: Mapping[str, Value]) -> str:
    whole = re.fullmatch(r"\s*(- )?\{([a-z_]+)\}\s*", line)
    if whole and isinstance(values.get(whole.group(2)), tuple):
        items = values[whole.group(2)]
        assert isinstance(items, tuple)
        if whole.group(1):  # "- {list}": one list line per item
            return "\n".join(f"- {item}" for item in items)
        return "\n\n".join(items)

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        value = values.get(match.group(1), "")
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, tuple):
            return "; ".join(value)
        return value

    return _TOKEN.sub(replace, line)


def _tidy(text: str) -> str:
    """No runs of blank lines (a condition left out leaves some), no blank start or end."""
    lines = [line.rstrip() for line in text.splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip("\n")


def normalised(text: str) -> str:
    """A body as it compares: Windows line endings and trailing spaces do not make it edited."""
    return _tidy(text.replace("\r\n", "\n").replace("\r", "\n"))


def blocks(body: str) -> tuple[Block, ...]:
    """The letter's body (filled wording, perhaps changed by a caseworker) as the parts its page
    shows."""
    parts: list[Block] = []
    for chunk in re.split(r"\n\s*\n", normalised(body)):
        parts.extend(_chunk_blocks([line.strip() for line in chunk.splitlines() if line.strip()]))
    return tuple(parts)


def _chunk_blocks(lines: list[str]) -> list[Block]:
    """One paragraph's lines as blocks: headings and bold lines stand alone, list lines group."""
    parts: list[Block] = []
    run: list[str] = []  # lines of one paragraph or one list, in `run_kind`
    run_kind = "paragraph"
    for line in lines:
        kind, content = _line_kind(line)
        if run and (kind != run_kind or kind in ("heading", "important")):
            parts.append(Block(run_kind, tuple(run)))
            run = []
        run_kind = kind
        run.append(content)
    if run:
        parts.append(Block(run_kind, tuple(run)))
    return parts


def _line_kind(line: str) -> tuple[str, str]:
    for marker, kind in (("## ", "heading"), ("! ", "important"), ("- ", "list")):
        if line.startswith(marker):
            return kind, line[len(marker) :].strip()
    return "paragraph", line


# Versions in the database -----------------------------------------------------------------------


def _shipped(kind: str) -> Wording:
    return Wording(kind, 1, SHIPPED_WORDING[kind])


def active_wording(kind: str) -> Wording:
    """The wording letters of `kind` use now: the active version, or else the shipped one."""
    row = db.session.scalars(
        select(LetterTemplate).where(LetterTemplate.kind == kind, LetterTemplate.active)
    ).first()
    return Wording(kind, row.version, row.text) if row else _shipped(kind)


def wording_version(kind: str, version: int) -> Wording | None:
    """The wording of `kind` in `version`, or None if there is no such version."""
    row = db.session.scalars(
        select(LetterTemplate).where(LetterTemplate.kind == kind, LetterTemplate.version == version)
    ).first()
    if row is not None:
        return Wording(kind, row.version, row.text)
    return _shipped(kind) if version == 1 and not _stored(kind) else None


def versions(kind: str) -> list[LetterTemplate]:
    """Every version of the wording of `kind`, newest first (the shipped one stored if needed)."""
    _store_shipped(kind)
    return list(
        db.session.scalars(
            select(LetterTemplate)
            .where(LetterTemplate.kind == kind)
            .order_by(LetterTemplate.version.desc())
        )
    )


def _stored(kind: str) -> bool:
    return bool(
        db.session.scalar(
            select(func.count()).select_from(LetterTemplate).where(LetterTemplate.kind == kind)
        )
    )


def _store_shipped(kind: str) -> None:
    # Migration 0020 stores version 1; a database made otherwise gets it when first needed.
    if not _stored(kind):
        shipped = _shipped(kind)
        db.session.add(
            LetterTemplate(
                kind=kind, version=1, text=shipped.text, active=True, created_at=clock.now()
            )
        )
        db.session.flush()


def save_wording(
    kind: str, text: str, staff_user: StaffUser, *, restored_from: int | None = None
) -> LetterTemplate:
    """Keep `text` as the newest version of the wording of `kind` and make it the one letters
    use, with its audit event, in the caller's transaction. Raises WordingError if it cannot be
    used."""
    text = normalised(text)
    check(kind, text)
    _store_shipped(kind)
    number = db.session.scalar(
        select(func.max(LetterTemplate.version)).where(LetterTemplate.kind == kind)
    )
    db.session.execute(
        update(LetterTemplate).where(LetterTemplate.kind == kind).values(active=False)
    )
    row = LetterTemplate(
        kind=kind,
        version=(number or 0) + 1,
        text=text,
        active=True,
        created_at=clock.now(),
        created_by_id=staff_user.id,
    )
    db.session.add(row)
    db.session.flush()
    detail: dict[str, object] = {"kind": kind, "version": row.version}
    if restored_from is not None:
        detail["restored_from"] = restored_from
    record_audit("letter_wording_saved", staff_user=staff_user, detail=detail)
    return row


def restore_wording(kind: str, version: int, staff_user: StaffUser) -> LetterTemplate:
    """Make an older version's wording the newest version again (its number stays in the list).
    Raises WordingError if there is no such version."""
    old = wording_version(kind, version)
    if old is None:
        raise WordingError(f"There is no version {version}")
    return save_wording(kind, old.text, staff_user, restored_from=version)
