"""Checks on the files people upload: what each one really is, that we can open it, a safe name.

Pure functions with no Flask in them, so the public journey and the staff screens share them. The
type is decided by the content, never by the file name or the browser's content type. The error
messages follow the GOV.UK file upload pattern and are shown next to the file field.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

import filetype
from PIL import Image, ImageOps
from pillow_heif import register_heif_opener
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

register_heif_opener()  # lets Pillow read HEIC, the format iPhones take photos in

ACCEPTED_TYPES_HINT = "PDF, JPG, PNG or HEIC (photos from a phone)"
HTML_ACCEPT = (
    ".pdf,.jpg,.jpeg,.png,.heic,.heif,application/pdf,image/jpeg,image/png,image/heic,image/heif"
)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"  # only ever arrives: it is stored as JPEG

EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", HEIC: "HEIF"}

# Above any phone camera's usual resolution (12 to 50 megapixels) and below Pillow's own
# decompression bomb limit, so a small file cannot make us decode a giant picture.
MAX_IMAGE_PIXELS = 60_000_000
IMAGE_JPEG_QUALITY = 90
MAX_FILENAME_STEM = 80

EMPTY_MESSAGE = "The selected file is empty"
WRONG_TYPE_MESSAGE = "The selected file must be a PDF, JPG, PNG or HEIC"
DAMAGED_MESSAGE = "The selected file is damaged. Try saving it again or take a photo of each page"
PROTECTED_PDF_MESSAGE = "The selected file is password protected. Remove the password and try again"

_MEGABYTE = 1024 * 1024
_PATH_SEPARATORS = re.compile(r"[/\\]")
_UPLOAD_EXTENSION = re.compile(r"\.(pdf|jpe?g|png|hei[cf])$", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content_type: str
    content: bytes
    size: int
    sha256: str


class UploadRejected(ValueError):
    """The file cannot be accepted; `message` says why, in words for the person uploading it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_upload(filename: str, data: bytes, max_bytes: int) -> CheckedUpload:
    """Accept a PDF as it is, and a JPEG, PNG or HEIC photo re-encoded without its metadata
    (HEIC as JPEG), or raise UploadRejected.

    `size` and `sha256` describe `content`, which is what gets stored.
    """
    if not data:
        raise UploadRejected(EMPTY_MESSAGE)
    if len(data) > max_bytes:
        raise UploadRejected(f"The selected file must be smaller than {max_bytes // _MEGABYTE}MB")
    detected_type = filetype.guess_mime(data)
    if detected_type == PDF:
        _check_pdf(data)
        content_type, content = PDF, data
    elif detected_type in _PILLOW_FORMATS:
        content = _image_content(data, detected_type)
        content_type = JPEG if detected_type == HEIC else detected_type
    else:
        raise UploadRejected(WRONG_TYPE_MESSAGE)
    return CheckedUpload(
        filename=safe_filename(filename, EXTENSIONS[content_type]),
        content_type=content_type,
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def safe_filename(filename: str, extension: str) -> str:
    """A name safe to show and to offer as a download, ending in `.{extension}` (give no dot).

    Browsers on Windows may send the whole path, so only the last part is kept. Letters and digits
    in any script survive, with spaces and `. - _ ( )`; an upload extension is replaced.
    """
    base_name = _PATH_SEPARATORS.split(unicodedata.normalize("NFC", filename))[-1]
    kept = "".join(
        " " if character.isspace() else character
        for character in base_name
        if character.isspace() or _is_allowed_in_filename(character)
    )
    stem = _UPLOAD_EXTENSION.sub("", " ".join(kept.split()))
    # Leading dots hide a file on Mac and Linux; Windows drops trailing ones.
    stem = stem.strip(" .")[:MAX_FILENAME_STEM].rstrip(" .")
    return f"{stem or 'document'}.{extension}"


def _is_allowed_in_filename(character: str) -> bool:
    # Combining marks count with letters: scripts such as Hindi or Bengali need them. Everything
    # else goes, including control and invisible formatting characters (a right-to-left override
    # can disguise an extension), symbols and emoji.
    category = unicodedata.category(character)
    return category.startswith(("L", "M")) or category == "Nd" or character in " .-_()"


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data))
    except DependencyError as error:
        # Trying an empty password on an AES-256 file needs the optional `cryptography` package;
        # without it we cannot tell whether the file opens, so it counts as protected.
        raise UploadRejected(PROTECTED_PDF_MESSAGE) from error
    except Exception as error:  # pypdf raises many kinds of error on a malformed file
        raise UploadRejected(DAMAGED_MESSAGE) from error
    # Files that are only "secured" against printing or copying open with an empty password.
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise UploadRejected(PROTECTED_PDF_MESSAGE)
    try:
        page_count = len(reader.pages)
    except Exception as error:
        raise UploadRejected(DAMAGED_MESSAGE) from error
    if page_count == 0:
        raise UploadRejected(DAMAGED_MESSAGE)


def _image_content(data: bytes, detected_type: str) -> bytes:
    """Check that the image decodes and return what to store: the picture alone, re-encoded,
    upright, with no metadata (a phone's EXIF holds where a photo was taken). HEIC becomes JPEG.
    The file as sent is kept nowhere."""
    try:
        # Turned into an error here rather than left to the caller's warning filters, so an
        # oversized image is refused the same way in every environment.
        with (
            warnings.catch_warnings(action="error", category=Image.DecompressionBombWarning),
            Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[detected_type]]) as image,
        ):
            # Opening reads only the header, so this refuses a huge picture before decoding it.
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise Image.DecompressionBombError(f"{image.size} is over {MAX_IMAGE_PIXELS}")
            if detected_type == PNG:
                _verify_png(data)
            image.load()  # decodes every byte, so a cut-off or damaged file fails here
            icc_profile = image.info.get("icc_profile")
            if detected_type == PNG:
                return _as_png(image, icc_profile)
            # No exif_transpose for HEIC: libheif has already turned the picture upright and
            # pillow-heif resets the EXIF orientation to 1.
            upright = image if detected_type == HEIC else ImageOps.exif_transpose(image)
            return _as_jpeg(upright, icc_profile)
    except Exception as error:  # Pillow raises many kinds of error on a malformed file
        raise UploadRejected(DAMAGED_MESSAGE) from error


def _verify_png(data: bytes) -> None:
    """Every chunk's checksum, the end included, which decoding the pixels does not check."""
    with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
        image.verify()


# The colour profile is the one piece of metadata kept: it keeps a phone's wide-gamut colours
# right and says nothing about the person.
def _as_jpeg(image: Image.Image, icc_profile: bytes | None) -> bytes:
    output = io.BytesIO()
    rgb = image.convert("RGB")
    rgb.info = {}  # what Pillow would otherwise write back: comments, EXIF
    rgb.save(output, format="JPEG", quality=IMAGE_JPEG_QUALITY, icc_profile=icc_profile)
    return output.getvalue()


def _as_png(image: Image.Image, icc_profile: bytes | None) -> bytes:
    """Lossless: the same pixels, without text chunks or EXIF."""
    output = io.BytesIO()
    image.info = {}  # what Pillow would otherwise write back: text chunks, EXIF
    image.save(output, format="PNG", icc_profile=icc_profile)
    return output.getvalue()
