"""What a journey's upload page needs before the person may go on, whoever is filling it in
(the public journey or staff entering a request that came by post or email)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from reviews.database import db
from reviews.drafts import add_document, documents_of_kind
from reviews.models import Draft
from web.forms.uploads import check_chosen_files

# Upload pages where the person may instead say the document will follow, and the answer that
# records it (the form's one checkbox, `letter_to_follow`, asks it on both).
TO_FOLLOW = {"letter-upload": "letter_to_follow", "consent-authority": "copy_to_follow"}


def upload_answers(slug: str, to_follow: bool) -> dict[str, Any]:
    """What an upload page saves as its step's answers when the person goes on."""
    return {TO_FOLLOW[slug]: to_follow} if slug in TO_FOLLOW else {}


def cannot_continue(slug: str, has_files: bool, to_follow: bool) -> str | None:
    """Why the person cannot go on from the upload page `slug` yet, or None."""
    if slug == "letter-upload" and not has_files and not to_follow:
        return "Upload your outcome letter, or tell us you will send it later"
    if slug == "consent-upload" and not has_files:
        return "Upload their signed permission"
    if slug == "consent-authority" and not has_files and not to_follow:
        return "Upload a copy, or tell us you will send one later"
    return None


def store_uploads(draft: Draft, kind: str, files: Any) -> list[str]:
    """Keep every acceptable file of an upload page's form on the draft, and commit; an error
    for each file that is not kept. The public journey and staff entering a request both use it."""
    most = current_app.config["MAX_UPLOAD_FILES"]
    checked = check_chosen_files(
        files,
        room=most - len(documents_of_kind(draft, kind)),
        no_room=f"You can upload up to {most} files here. Remove a file to add another",
    )
    for upload in checked.accepted:
        add_document(draft, kind, upload)
    db.session.commit()
    return checked.errors
