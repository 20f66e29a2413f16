"""The consent form a complainant signs to let someone act for them, to download as a PDF or a
Word document, each also in large print.

One source, `consent_form`: the form's parts in order. The PDF is that rendered to HTML
(templates/consent/form.html) and made a PDF by WeasyPrint, as letters are (web.letters); the
Word document is the same parts written as WordprocessingML with the standard library. The form
is the same for everyone: it holds nothing about any request, so it can be served to anyone.
"""

from __future__ import annotations

import functools
import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape  # escapes what we write, parses no XML: # nosec B406

from flask import Response, abort, current_app, render_template

from portal.blueprint import portal

# isort: off
# web.letters puts back Pillow's truncated-image setting that importing WeasyPrint changes: it
# must load first, so WeasyPrint is already loaded (with the setting restored) when named here.
import web.letters  # noqa: F401
import weasyprint
from weasyprint.urls import URLFetcher

# isort: on

ADDRESS = "MOPAC Police Complaint Reviews Team, 169 Union Street, London SE1 0LL"
PHONE = "020 7983 4000"
TITLE = "Consent form: let someone ask for a police complaint review for me"

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The downloads, by file name: (format, large print).
DOWNLOADS = {
    "consent-form.pdf": ("pdf", False),
    "consent-form.docx": ("docx", False),
    "consent-form-large-print.pdf": ("pdf", True),
    "consent-form-large-print.docx": ("docx", True),
}


@dataclass(frozen=True)
class Part:
    """One part of the form: a heading, a paragraph, a bulleted list (`items`) or a space to
    write an answer (`kind="answer"`, `text` its label, `lines` how many lines to leave)."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    lines: int = 1


def consent_form(contact_email: str) -> tuple[Part, ...]:
    return (
        Part(
            "paragraph",
            "Mayor's Office for Policing and Crime (MOPAC), Police Complaint Reviews Team",
        ),
        Part(
            "paragraph",
            "Fill in this form if you made a complaint about the Metropolitan Police (the Met) and"
            " you want someone else to ask us to review its outcome for you. It lets us talk to"
            " them about your complaint.",
        ),
        Part("heading", "Part 1: about you, the person who made the complaint"),
        Part("answer", "Your full name"),
        Part("answer", "Your address", lines=3),
        Part("answer", "Your date of birth"),
        Part("answer", "Your phone number or email address"),
        Part("answer", "The Met's complaint reference, if you know it"),
        Part("heading", "Part 2: about the person you want to act for you"),
        Part("answer", "Their full name"),
        Part("answer", "Their organisation, if they have one"),
        Part("answer", "Their phone number or email address"),
        Part("heading", "Part 3: your permission"),
        Part(
            "paragraph",
            "I give permission for the person in part 2 to ask MOPAC to review the outcome of my"
            " complaint, and to act for me in the review. MOPAC may share information about my"
            " complaint and the review with them.",
        ),
        Part("paragraph", "I can take back this permission at any time by telling MOPAC."),
        Part("answer", "Signature", lines=2),
        Part("answer", "Date"),
        Part("heading", "Part 4: send this form to us"),
        Part(
            "paragraph",
            "Write the tracking reference of the review request on the form, if you have it."
            " Then send the form to us in one of these ways:",
        ),
        Part(
            "bullets",
            items=(
                f"by post to {ADDRESS}",
                f"by email: a scan or a clear photo of each page, to {contact_email}",
                "on the tracking page of the review request: choose 'Send us a document' and"
                " upload a scan or a clear photo",
            ),
        ),
        Part("answer", "Tracking reference, if you have it"),
        Part(
            "paragraph",
            f"If you need this form in another format, or help to fill it in, call {PHONE} or"
            f" email {contact_email}.",
        ),
    )


@portal.get("/consent-form/<name>")
def consent_form_download(name: str) -> Response:
    if name not in DOWNLOADS:
        abort(404)
    kind, large_print = DOWNLOADS[name]
    parts = consent_form(current_app.config["CONTACT_EMAIL"])
    if kind == "pdf":
        content, mimetype = consent_form_pdf(parts, large_print), PDF
    else:
        content, mimetype = consent_form_docx(parts, large_print), DOCX
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# PDF --------------------------------------------------------------------------------------------


class _NoFetching(URLFetcher):
    """Refuses every URL: the form is made from its template alone, never from the network or
    local files."""

    def __init__(self) -> None:
        super().__init__(fail_on_errors=True)

    def fetch(self, url, headers=None):
        raise ValueError(f"the consent form may not load external resources: {url[:80]}")


def consent_form_pdf(parts: tuple[Part, ...], large_print: bool) -> bytes:
    """An A4 PDF, tagged for screen readers (PDF/UA-1), with system fonts only."""
    html = render_template("consent/form.html", title=TITLE, parts=parts, large_print=large_print)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_NoFetching())
    return document.write_pdf(pdf_variant="pdf/ua-1")


# Word -------------------------------------------------------------------------------------------

# Type sizes in half-points, as WordprocessingML counts them: 12pt standard; large print 18pt
# (RNIB clear print), headings bigger still.
SIZES = {
    False: {"body": 24, "heading": 28, "title": 32},
    True: {"body": 36, "heading": 40, "title": 48},
}
FONT = "Arial"
# Every file in the archive has this date: the form does not change with the time it is made.
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _run(text: str, size: int, bold: bool = False) -> str:
    weight = "<w:b/>" if bold else ""
    return (
        f'<w:r><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>{weight}'
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )


def _paragraph(runs: str, style: str | None = None, extra: str = "") -> str:
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    spacing = '<w:spacing w:after="160" w:line="360" w:lineRule="auto"/>'
    return f"<w:p><w:pPr>{style_xml}{spacing}{extra}</w:pPr>{runs}</w:p>"


# An empty paragraph ruled underneath: a line to write on.
_WRITING_LINE = '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="0B0C0C"/></w:pBdr>'


def _document_xml(parts: tuple[Part, ...], large_print: bool) -> str:
    size = SIZES[large_print]
    body = [_paragraph(_run(TITLE, size["title"], bold=True), "Title")]
    for part in parts:
        if part.kind == "heading":
            body.append(_paragraph(_run(part.text, size["heading"], bold=True), "Heading1"))
        elif part.kind == "paragraph":
            body.append(_paragraph(_run(part.text, size["body"])))
        elif part.kind == "bullets":
            body.extend(_paragraph(_run(f"• {item}", size["body"])) for item in part.items)
        elif part.kind == "answer":
            body.append(_paragraph(_run(part.text, size["body"], bold=True)))
            body.extend(
                _paragraph(_run("", size["body"]), extra=_WRITING_LINE) for _ in range(part.lines)
            )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body>{"".join(body)}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567"'
        ' w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>'
    )


def _styles_xml(large_print: bool) -> str:
    """Title and Heading 1 as real styles, so screen readers and Word's navigation pane see
    the form's headings."""
    size = SIZES[large_print]

    def style(style_id: str, name: str, points: int, outline: str = "") -> str:
        return (
            f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>'
            f'<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>{outline}</w:pPr>'
            f'<w:rPr><w:b/><w:sz w:val="{points}"/></w:rPr></w:style>'
        )

    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:styles xmlns:w="{W}">'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>'
        f'<w:sz w:val="{size["body"]}"/><w:lang w:val="en-GB"/></w:rPr></w:style>'
        + style("Title", "Title", size["title"])
        + style("Heading1", "heading 1", size["heading"], '<w:outlineLvl w:val="0"/>')
        + "</w:styles>"
    )


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_OPC = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OOXML = "application/vnd.openxmlformats"
_WORD = f"{_OOXML}-officedocument.wordprocessingml"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_OPC}/content-types">'
    f'<Default Extension="rels" ContentType="{_OOXML}-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{_WORD}.document.main+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{_WORD}.styles+xml"/>'
    '<Override PartName="/docProps/core.xml"'
    f' ContentType="{_OOXML}-package.core-properties+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    f'{_XML}<Relationships xmlns="{_OPC}/relationships">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="word/document.xml"/>'
    f'<Relationship Id="rId2" Type="{_OPC}/relationships/metadata/core-properties"'
    ' Target="docProps/core.xml"/>'
    "</Relationships>"
)
_DOCUMENT_RELS = (
    f'{_XML}<Relationships xmlns="{_OPC}/relationships">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_CORE = (
    f'{_XML}<cp:coreProperties xmlns:cp="{_OPC}/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
    f"<dc:title>{escape(TITLE)}</dc:title>"
    "<dc:creator>Mayor's Office for Policing and Crime (MOPAC)</dc:creator>"
    "<dc:language>en-GB</dc:language>"
    "</cp:coreProperties>"
)


@functools.cache
def _docx(parts: tuple[Part, ...], large_print: bool) -> bytes:
    files = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _PACKAGE_RELS,
        "docProps/core.xml": _CORE,
        "word/_rels/document.xml.rels": _DOCUMENT_RELS,
        "word/document.xml": _document_xml(parts, large_print),
        "word/styles.xml": _styles_xml(large_print),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def consent_form_docx(parts: tuple[Part, ...], large_print: bool) -> bytes:
    """A Word document (.docx): the parts as WordprocessingML in a zip, with no other
    library."""
    return _docx(parts, large_print)
