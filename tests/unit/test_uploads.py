import hashlib
import io
import struct
import warnings
import zipfile
import zlib

import pillow_heif
import pytest
from PIL import Image, ImageCms
from pypdf import PdfWriter

from reviews.uploads import HTML_ACCEPT, CheckedUpload, UploadRejected, check_upload, safe_filename

MB = 1024 * 1024
LIMIT = 10 * MB

EMPTY = "The selected file is empty"
WRONG_TYPE = "The selected file must be a PDF, JPG, PNG or HEIC"
DAMAGED = "The selected file is damaged. Try saving it again or take a photo of each page"
PASSWORD_PROTECTED = "The selected file is password protected. Remove the password and try again"

EXIF_ORIENTATION = 0x0112
EXIF_MAKE = 0x010F
ROTATE_90_CLOCKWISE = 6


# Fixtures are made in memory on each run: no binary files in the repository.


def pdf_bytes(pages: int = 1, **encryption: str) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if encryption:
        # RC4 because pypdf needs the optional `cryptography` package to write AES.
        writer.encrypt(algorithm="RC4-128", **encryption)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_claiming_aes256_encryption() -> bytes:
    """A hand-built PDF encrypted with AES-256 under a password no one knows."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -4"
        b" /CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen /Length 32 >> >>"
        b" /StmF /StdCF /StrF /StdCF"
        + b"".join(
            b" /%s <%s>" % (key, bytes([index + 1]).hex().encode() * length)
            for index, (key, length) in enumerate(
                [(b"O", 48), (b"U", 48), (b"OE", 32), (b"UE", 32), (b"Perms", 16)]
            )
        )
        + b" >>",
    ]
    document = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(document))
        document += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_offset = len(document)
    document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    document += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    document += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R >>\n" % (len(objects) + 1)
    document += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(document)


def picture(size: tuple[int, int] = (60, 40)) -> Image.Image:
    return Image.new("RGB", size, (200, 30, 30))


def image_bytes(image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    picture().save(buffer, format=image_format, **options)
    return buffer.getvalue()


def heic_bytes(exif: Image.Exif | None = None, icc_profile: bytes | None = None) -> bytes:
    image = picture()
    if icc_profile:
        image.info["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    pillow_heif.from_pillow(image).save(
        buffer, format="HEIF", quality=60, exif=exif.tobytes() if exif else None
    )
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """Only the start of a PNG: enough for Pillow to read the picture's size."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        checksum = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("letter.txt", "Dear complainant")
    return buffer.getvalue()


def rejection(filename: str, data: bytes, max_bytes: int = LIMIT) -> str:
    with pytest.raises(UploadRejected) as caught:
        check_upload(filename, data, max_bytes)
    return caught.value.message


# Accepted files


def test_a_pdf_is_kept_as_it_is_and_described():
    data = pdf_bytes(pages=2)
    assert check_upload("Outcome letter.pdf", data, LIMIT) == CheckedUpload(
        filename="Outcome letter.pdf",
        content_type="application/pdf",
        content=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def test_a_pdf_secured_only_against_printing_or_copying_is_accepted():
    data = pdf_bytes(user_password="", owner_password="owner secret")
    assert check_upload("letter.pdf", data, LIMIT).content == data


@pytest.mark.parametrize(
    ("filename", "data", "content_type", "expected_name"),
    [
        ("page 1.png", image_bytes("PNG"), "image/png", "page 1.png"),
        ("page 2.jpeg", image_bytes("JPEG"), "image/jpeg", "page 2.jpg"),
        ("page 3.JPG", image_bytes("JPEG", progressive=True), "image/jpeg", "page 3.jpg"),
        # The content decides, so the name is corrected rather than the file refused.
        ("letter.pdf", image_bytes("PNG"), "image/png", "letter.png"),
        ("scan.png", pdf_bytes(), "application/pdf", "scan.pdf"),
    ],
)
def test_images_and_pdfs_are_named_after_what_they_really_are(
    filename, data, content_type, expected_name
):
    upload = check_upload(filename, data, LIMIT)
    assert (upload.filename, upload.content_type) == (expected_name, content_type)


def test_a_file_exactly_at_the_limit_is_accepted():
    data = pdf_bytes()
    assert check_upload("letter.pdf", data, max_bytes=len(data)).size == len(data)


def test_a_heic_photo_becomes_an_upright_jpeg_without_its_exif():
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATE_90_CLOCKWISE
    exif[EXIF_MAKE] = "Phone"

    upload = check_upload("IMG_0001.HEIC", heic_bytes(exif=exif), LIMIT)

    assert (upload.filename, upload.content_type) == ("IMG_0001.jpg", "image/jpeg")
    assert upload.size == len(upload.content)
    assert upload.sha256 == hashlib.sha256(upload.content).hexdigest()
    with Image.open(io.BytesIO(upload.content)) as converted:
        assert converted.format == "JPEG"
        assert converted.size == (40, 60)  # taken sideways, stored upright
        assert not converted.getexif()


def test_a_heic_photo_keeps_its_colour_profile():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = check_upload("IMG_0002.heif", heic_bytes(icc_profile=profile), LIMIT)
    with Image.open(io.BytesIO(upload.content)) as converted:
        assert converted.info["icc_profile"] == profile


GPS_INFO = 0x8825
GPS_LATITUDE_REF = 1


def _exif_with_a_position() -> Image.Exif:
    exif = Image.Exif()
    exif[EXIF_MAKE] = "Phone"
    exif.get_ifd(GPS_INFO)[GPS_LATITUDE_REF] = "N"
    return exif


@pytest.mark.parametrize(
    ("image_format", "options"),
    [
        ("JPEG", {"comment": b"marker-comment"}),
        ("PNG", {}),
    ],
)
def test_an_image_keeps_no_metadata_not_even_where_it_was_taken(image_format, options):
    """Re-encoded on arrival, so no EXIF (GPS position, camera), text or comment is stored:
    the original is kept nowhere."""
    exif = _exif_with_a_position()
    data = image_bytes(image_format, exif=exif.tobytes(), **options)
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(GPS_INFO)  # the test photo does carry a position

    upload = check_upload(f"photo.{image_format.lower()}", data, LIMIT)

    assert b"marker-comment" not in upload.content and b"Phone" not in upload.content
    assert upload.sha256 == hashlib.sha256(upload.content).hexdigest()
    assert upload.size == len(upload.content)
    with Image.open(io.BytesIO(upload.content)) as stored:
        assert stored.format == image_format
        assert not stored.getexif()
        assert "comment" not in stored.info


def test_a_png_keeps_no_text_chunks():
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "marker-author")
    upload = check_upload("scan.png", image_bytes("PNG", pnginfo=text), LIMIT)
    assert b"marker-author" not in upload.content


def test_a_jpeg_taken_sideways_is_stored_upright():
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATE_90_CLOCKWISE
    upload = check_upload("IMG_0003.jpg", image_bytes("JPEG", exif=exif.tobytes()), LIMIT)
    with Image.open(io.BytesIO(upload.content)) as stored:
        assert stored.size == (40, 60)


def test_a_jpeg_keeps_its_colour_profile():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = check_upload("IMG_0004.jpg", image_bytes("JPEG", icc_profile=profile), LIMIT)
    with Image.open(io.BytesIO(upload.content)) as stored:
        assert stored.info["icc_profile"] == profile


# Refused files


def test_an_empty_file_is_refused():
    assert rejection("letter.pdf", b"") == EMPTY


def test_a_file_one_byte_over_the_limit_is_refused_with_the_limit_in_megabytes():
    assert rejection("letter.pdf", bytes(5 * MB + 1), max_bytes=5 * MB) == (
        "The selected file must be smaller than 5MB"
    )


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("letter.pdf", b"Dear complainant,\nThank you for your complaint."),
        ("letter.jpg", zip_bytes()),
        ("letter.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(120)),  # a Windows program
        ("letter.png", image_bytes("GIF")),
        ("letter.heic", image_bytes("WEBP")),
    ],
)
def test_anything_but_a_pdf_jpeg_png_or_heic_is_refused_whatever_its_name(filename, data):
    assert rejection(filename, data) == WRONG_TYPE


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.7\n", id="pdf header only"),
        pytest.param(pdf_bytes()[:300], id="cut-off pdf"),
        pytest.param(pdf_bytes(pages=0), id="pdf without pages"),
        pytest.param(image_bytes("PNG")[:-20], id="cut-off png"),
        pytest.param(image_bytes("JPEG")[:-50], id="cut-off jpeg"),
        pytest.param(heic_bytes()[:-100], id="cut-off heic"),
    ],
)
def test_a_damaged_file_is_refused(data):
    assert rejection("letter", data) == DAMAGED


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(pdf_bytes(user_password="letter password"), id="rc4"),
        # Refused whether or not `cryptography` is installed to try the empty password.
        pytest.param(pdf_claiming_aes256_encryption(), id="aes-256"),
    ],
)
def test_a_pdf_that_needs_a_password_to_open_is_refused(data):
    assert rejection("letter.pdf", data) == PASSWORD_PROTECTED


@pytest.mark.parametrize(
    ("width", "height"),
    [
        pytest.param(8_000, 8_000, id="over our limit"),
        pytest.param(10_000, 10_000, id="over Pillow's warning limit"),
        pytest.param(20_000, 20_000, id="over Pillow's error limit"),
    ],
)
def test_a_huge_picture_is_refused_without_decoding_it_or_leaking_a_warning(width, height):
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")  # as in production: warnings printed, not raised
        assert rejection("letter.png", png_header(width, height)) == DAMAGED
    assert leaked == []


def test_the_rejection_message_is_also_the_exception_text():
    error = UploadRejected(EMPTY)
    assert isinstance(error, ValueError)
    assert str(error) == error.message == EMPTY


# Names


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\letter.pdf", "letter.pdf"),
        ("/var/tmp/..\\..\\letter.pdf", "letter.pdf"),
        ("let\x00ter\x1b[31m\x7f.pdf", "letter31m.pdf"),
        ("📄 Outcome letter 😡.pdf", "Outcome letter.pdf"),
        ("  many   spaces\tand\nlines .pdf", "many spaces and lines.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe.pdf"),  # right-to-left override removed
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("<img src=x onerror=alert('hi')>.pdf", "img srcx onerroralert(hi).pdf"),
        ("Письмо из полиции.pdf", "Письмо из полиции.pdf"),
        ("पुलिस पत्र.pdf", "पुलिस पत्र.pdf"),  # combining vowel signs are kept
        ("cafe\u0301.pdf", "café.pdf"),  # decomposed accents are composed
        ("Letter 12.03.2024", "Letter 12.03.2024.pdf"),  # dots in a name are not an extension
        ("scan.JPEG", "scan.pdf"),
        ("report.final.pdf", "report.final.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("..", "document.pdf"),
        ("😀😀.pdf", "document.pdf"),
        ("", "document.pdf"),
        ("a" * 200 + ".pdf", "a" * 80 + ".pdf"),
        ("a" * 79 + " b.pdf", "a" * 79 + ".pdf"),  # no trailing space left by the cut
    ],
)
def test_safe_filename(filename, expected):
    assert safe_filename(filename, "pdf") == expected


@pytest.mark.parametrize("extension", [".pdf", ".jpg", ".jpeg", ".png", ".heic", ".heif"])
def test_every_extension_the_file_field_accepts_is_replaced(extension):
    assert extension in HTML_ACCEPT.split(",")
    assert safe_filename(f"photo{extension.upper()}", "jpg") == "photo.jpg"
