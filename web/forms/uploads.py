"""The one path a file takes from a form to the domain: the files chosen, each checked by its
content (reviews.uploads), no more than there is room for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from werkzeug.datastructures import FileStorage

from reviews.uploads import (
    ACCEPTED_TYPES_HINT,
    HTML_ACCEPT,
    CheckedUpload,
    UploadRejected,
    check_upload,
)


@dataclass
class CheckedFiles:
    accepted: list[CheckedUpload] = field(default_factory=list)
    # One message for each file refused, or for nothing chosen, in the GOV.UK wording.
    errors: list[str] = field(default_factory=list)


def check_chosen_files(
    files: Iterable[FileStorage] | None, room: int, no_room: str
) -> CheckedFiles:
    """Check each chosen file, up to `room` of them; `no_room` is the error once they are full."""
    chosen = [(upload.filename, upload) for upload in files or [] if upload and upload.filename]
    if not chosen:
        return CheckedFiles(errors=["Select a file to upload"])
    checked = CheckedFiles()
    largest = current_app.config["MAX_UPLOAD_FILE_BYTES"]
    for filename, upload in chosen:
        if len(checked.accepted) >= room:
            checked.errors.append(no_room)
            break
        try:
            checked.accepted.append(check_upload(filename, upload.read(), largest))
        except UploadRejected as rejected:
            checked.errors.append(f"{filename}: {rejected.message}")
    return checked


def upload_limits() -> dict[str, Any]:
    """What an upload page tells the browser and the person about the files it takes."""
    return {
        "accept": HTML_ACCEPT,
        "accepted_types": ACCEPTED_TYPES_HINT,
        "max_megabytes": current_app.config["MAX_UPLOAD_FILE_BYTES"] // (1024 * 1024),
    }
