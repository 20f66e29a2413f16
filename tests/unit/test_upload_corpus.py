"""An upload corpus, made by the test on each run (no binary files kept): polyglots, wrong
extensions, decompression bombs, encrypted PDFs, truncated files and active content, each with
what must happen to it: refused (with the message the person sees), or accepted (under which
name and type, and what staff are warned of)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from reviews.uploads import UploadRejected, check_upload

LIMIT = 10 * 1024 * 1024
WRONG_TYPE = "The selected file must be a PDF, JPG, PNG or HEIC"
DAMAGED = "The selected file is damaged. Try saving it again or take a photo of each page"
PROTECTED = "The selected file is password protected. Remove the password and try again"
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _pdf(change: Callable[[PdfWriter], None] | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if change is not None:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _action(kind: str, **entries: str) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    return action


def _open_action(action: DictionaryObject) -> Callable[[PdfWriter], None]:
    def change(writer: PdfWriter) -> None:
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return change


def _page_action(writer: PdfWriter) -> None:
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS="app.alert(1)")}
    )


def _document_javascript(writer: PdfWriter) -> None:
    """A script in the document's name tree, run when the PDF opens in a viewer."""
    tree = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("hello"), _action("/JavaScript", JS="app.alert('hi');")]
            )
        }
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )


def _encrypted(user_password: str) -> Callable[[PdfWriter], None]:
    def change(writer: PdfWriter) -> None:
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")

    return change


def _image(kind: str, size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 100, 50)).save(buffer, format=kind)
    return buffer.getvalue()


def _zip(name: str = "payload.html", content: bytes = b"<script>alert(1)</script>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a giant picture: a decompression bomb by its promise."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def _pdf_with_flate_bomb() -> bytes:
    """A page whose content stream inflates 200 times over: accepted, because the checks never
    inflate page content (only a viewer does, a page at a time)."""

    def change(writer: PdfWriter) -> None:
        page = writer.pages[0]
        stream = DecodedStreamObject()
        stream.set_data(b" " * 2_000_000)
        page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())

    return _pdf(change)


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    data: Callable[[], bytes]
    refused: str | None = None  # the message, when the file is refused
    stored_as: tuple[str, str] | None = None  # (filename, content type), when accepted
    warned: tuple[str, ...] = ()  # words that must be in the warning staff see
    not_stored: tuple[bytes, ...] = ()  # bytes of the original that must not be kept


CORPUS = [
    # Plain files, for contrast.
    Case("plain pdf", "letter.pdf", _pdf, stored_as=("letter.pdf", "application/pdf")),
    Case("plain png", "photo.png", lambda: _image("PNG"), stored_as=("photo.png", "image/png")),
    # Wrong extensions: the content decides.
    Case(
        "png named .pdf", "letter.pdf", lambda: _image("PNG"), stored_as=("letter.png", "image/png")
    ),
    Case("pdf named .jpg", "scan.jpg", _pdf, stored_as=("scan.pdf", "application/pdf")),
    Case(
        "html named .pdf",
        "letter.pdf",
        lambda: b"<html><script>alert(1)</script></html>",
        WRONG_TYPE,
    ),
    Case("zip named .pdf", "letter.pdf", _zip, WRONG_TYPE),
    Case(
        "windows program named .pdf", "letter.pdf", lambda: b"MZ\x90\x00" + b"\0" * 200, WRONG_TYPE
    ),
    Case("eicar named .pdf", "letter.pdf", lambda: EICAR, WRONG_TYPE),
    # Polyglots.
    Case(
        "html before the pdf",
        "letter.pdf",
        lambda: b"<html><body>hi</body></html>\n" + _pdf(),
        WRONG_TYPE,
    ),
    Case(
        "zip appended to a pdf",
        "letter.pdf",
        lambda: _pdf() + _zip(),
        stored_as=("letter.pdf", "application/pdf"),
        warned=("something else after the end of the PDF",),
    ),
    Case(
        "html inside a pdf's first bytes",
        "letter.pdf",
        lambda: _pdf().replace(b"\n", b"\n<html><script>alert(1)</script>\n", 1),
        stored_as=("letter.pdf", "application/pdf"),
        warned=("web page",),
    ),
    Case(
        "zip appended to a jpeg",
        "photo.jpg",
        lambda: _image("JPEG") + _zip(),
        stored_as=("photo.jpg", "image/jpeg"),
        not_stored=(b"PK\x03\x04",),
    ),
    Case(
        "zip appended to a png",
        "photo.png",
        lambda: _image("PNG") + _zip(),
        stored_as=("photo.png", "image/png"),
        not_stored=(b"PK\x03\x04",),
    ),
    # Decompression bombs.
    Case(
        "png claiming 100000 by 100000 pixels",
        "bomb.png",
        lambda: _png_claiming(100_000, 100_000),
        DAMAGED,
    ),
    Case(
        "pdf page that inflates 200 times",
        "bomb.pdf",
        _pdf_with_flate_bomb,
        stored_as=("bomb.pdf", "application/pdf"),
    ),
    # Encrypted PDFs.
    Case(
        "pdf needing a password", "secret.pdf", lambda: _pdf(_encrypted("open sesame")), PROTECTED
    ),
    Case(
        "pdf with only an owner password",
        "locked.pdf",
        lambda: _pdf(_encrypted("")),
        stored_as=("locked.pdf", "application/pdf"),
    ),
    # Truncated files.
    Case("pdf cut to its first 100 bytes", "cut.pdf", lambda: _pdf()[:100], DAMAGED),
    Case(
        "jpeg cut in half",
        "cut.jpg",
        lambda: (lambda d: d[: len(d) // 2])(_image("JPEG", (400, 300))),
        DAMAGED,
    ),
    Case(
        "png cut in half",
        "cut.png",
        lambda: (lambda d: d[: len(d) // 2])(_image("PNG", (400, 300))),
        DAMAGED,
    ),
    Case("empty file", "empty.pdf", lambda: b"", "The selected file is empty"),
    # Active content in PDFs: accepted (people send what the Met sent them) and flagged.
    Case(
        "pdf with document javascript",
        "js.pdf",
        lambda: _pdf(_document_javascript),
        stored_as=("js.pdf", "application/pdf"),
        warned=("JavaScript",),
    ),
    Case(
        "pdf opening with javascript",
        "open.pdf",
        lambda: _pdf(_open_action(_action("/JavaScript", JS="app.alert(1)"))),
        stored_as=("open.pdf", "application/pdf"),
        warned=("JavaScript",),
    ),
    Case(
        "pdf opening with a launch action",
        "launch.pdf",
        lambda: _pdf(_open_action(_action("/Launch", F="calc.exe"))),
        stored_as=("launch.pdf", "application/pdf"),
        warned=("opens another program",),
    ),
    Case(
        "pdf with an embedded file",
        "attached.pdf",
        lambda: _pdf(lambda writer: writer.add_attachment("payload.exe", b"MZ\x90\x00")),
        stored_as=("attached.pdf", "application/pdf"),
        warned=("files inside",),
    ),
    Case(
        "pdf page with an automatic action",
        "aa.pdf",
        lambda: _pdf(_page_action),
        stored_as=("aa.pdf", "application/pdf"),
        warned=("runs by itself",),
    ),
    Case(
        "pdf hiding JavaScript in a hex-escaped name",
        "hidden.pdf",
        lambda: (
            _pdf(_open_action(_action("/JavaScript", JS="app.alert(1)")))
            .replace(b"/JavaScript", b"/J#61vaScript")
            .replace(b"/JS ", b"/J#53 ")
        ),
        stored_as=("hidden.pdf", "application/pdf"),
        warned=("JavaScript",),
    ),
    Case(
        "pdf opening at a page (not active)",
        "goto.pdf",
        lambda: _pdf(lambda writer: writer.add_outline_item(title="Start", page_number=0)),
        stored_as=("goto.pdf", "application/pdf"),
    ),
]


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_upload_corpus(case: Case):
    data = case.data()
    if case.refused is not None:
        with pytest.raises(UploadRejected) as refused:
            check_upload(case.filename, data, LIMIT)
        assert refused.value.message == case.refused
        return
    checked = check_upload(case.filename, data, LIMIT)
    assert (checked.filename, checked.content_type) == case.stored_as
    if case.warned:
        assert checked.active_content is not None
        for words in case.warned:
            assert words in checked.active_content
    else:
        assert checked.active_content is None
    for original in case.not_stored:
        assert original in data and original not in checked.content
