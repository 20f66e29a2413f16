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
from pypdf.generic import IndirectObject, NameObject

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
    # For staff, in words: what a PDF carries that could act when opened (JavaScript, a launch
    # action, files inside it, an action that runs by itself), or other kinds of file hidden in
    # it. None for a file with none. Images never carry any: they are re-encoded.
    active_content: str | None = None


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
    active_content = None
    if detected_type == PDF:
        reader = _check_pdf(data)
        content_type, content = PDF, data
        active_content = pdf_active_content(data, reader)
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
        active_content=active_content,
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


def _check_pdf(data: bytes) -> PdfReader:
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
    return reader


# Active content ------------------------------------------------------------------------------
# A PDF from the Met is accepted whatever it carries (refusing it would stop a review), but staff
# are told before they open one that could do something: the staff download is always a file to
# save, never shown in the browser. Names are looked for twice: in the file's bytes (with `#xx`
# escapes undone, an old way to hide `/JavaScript`), and in every object reachable from the
# trailer, which finds those packed in compressed object streams. Page content is never inflated.

_ACTIVE_NAMES = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/Launch": "an action that opens another program",
    "/EmbeddedFile": "files inside it",
    "/EmbeddedFiles": "files inside it",
    "/RichMedia": "files inside it",
    "/AA": "an action that runs by itself when it is opened or read",
    "/XFA": "an interactive form that can run scripts",
}
_PDF_NAME = re.compile(rb"/[A-Za-z0-9#]{2,40}")
_NAME_ESCAPE = re.compile(r"#([0-9A-Fa-f]{2})")
_PDF_END = b"%%EOF"
# HTML that a browser would run if it were shown the file as a web page.
_HTML_START = re.compile(rb"<\s*(html|script|body|iframe|svg)\b", re.IGNORECASE)
_MOST_OBJECTS_WALKED = 50_000


def pdf_active_content(data: bytes, reader: PdfReader) -> str | None:
    """What staff are warned of in this PDF, in words, or None."""
    found: list[str] = []
    names = {_unescaped(match.decode("latin-1")) for match in _PDF_NAME.findall(data)}
    names |= _names_in_objects(reader)
    for name, words in _ACTIVE_NAMES.items():
        if name in names and words not in found:
            found.append(words)
    found.extend(_other_files_inside(data))
    return "; ".join(found) if found else None


def _unescaped(name: str) -> str:
    return _NAME_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), name)


def _names_in_objects(reader: PdfReader) -> set[str]:
    """Every dictionary key, and every name value, in the objects reachable from the trailer."""
    names: set[str] = set()
    seen: set[tuple[int, int]] = set()
    pending: list[object] = [reader.trailer]
    walked = 0
    while pending and walked < _MOST_OBJECTS_WALKED:
        item = pending.pop()
        walked += 1
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = _resolved(item)
        if isinstance(item, dict):
            names.update(str(key) for key in item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, NameObject):
            names.add(str(item))
    return names


def _resolved(reference: IndirectObject) -> object:
    try:
        return reference.get_object()
    except Exception:  # a broken reference leads nowhere; the rest is still walked
        return None


def _other_files_inside(data: bytes) -> list[str]:
    """Signs that the PDF is also another kind of file (a polyglot)."""
    found = []
    end = data.rfind(_PDF_END)
    after = data[end + len(_PDF_END) :] if end != -1 else b""
    if after.strip(b" \t\r\n\x00"):
        found.append("something else after the end of the PDF (another file hidden in it)")
    if _HTML_START.search(data[:1024]):
        found.append("a web page at its start, which a browser could run")
    return found


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
