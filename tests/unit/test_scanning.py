"""The clamd INSTREAM client (reviews.scanning), against a fake clamd on 127.0.0.1."""

from __future__ import annotations

import os
import tempfile

import pytest

from reviews.scanning import ClamdScanner, ScannerError, Verdict, parse_reply
from tests.clamd import EICAR, FakeClamd
from tests.network import unused_port


def test_the_eicar_test_string_is_found():
    with FakeClamd() as clamd:
        verdict = ClamdScanner.from_setting(clamd.setting).scan(b"%PDF-1.4\n" + EICAR)
    assert verdict == Verdict(infected=True, detail="Eicar-Test-Signature")
    assert clamd.commands == [b"zINSTREAM\0"]


def test_a_clean_file_is_clean_and_sent_whole_in_chunks():
    data = os.urandom(200_000)  # more than three 64 KB chunks
    with FakeClamd() as clamd:
        verdict = ClamdScanner.from_setting(clamd.setting).scan(data)
    assert verdict == Verdict(infected=False)
    assert clamd.streams == [data]


def test_a_unix_socket():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "clamd.ctl")
        with FakeClamd(unix_path=path):
            assert ClamdScanner.from_setting(path).scan(EICAR).infected
            assert not ClamdScanner.from_setting(f"unix://{path}").scan(b"fine").infected


def test_a_scanner_that_cannot_be_reached_gives_no_verdict():
    scanner = ClamdScanner.from_setting(f"clamd://127.0.0.1:{unused_port()}")
    with pytest.raises(ScannerError):
        scanner.scan(b"anything")


def test_an_error_from_clamd_gives_no_verdict():
    with (
        FakeClamd(reply=b"INSTREAM size limit exceeded. ERROR") as clamd,
        pytest.raises(ScannerError),
    ):
        ClamdScanner.from_setting(clamd.setting).scan(b"x" * 10)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("", None),
        ("clamd://clamav.internal:3310", ClamdScanner(host="clamav.internal", port=3310)),
        ("/run/clamav/clamd.ctl", ClamdScanner(path="/run/clamav/clamd.ctl")),
        ("unix:///run/clamav/clamd.ctl", ClamdScanner(path="/run/clamav/clamd.ctl")),
    ],
)
def test_the_setting(setting, expected):
    assert ClamdScanner.from_setting(setting) == expected


@pytest.mark.parametrize("setting", ["clamd://nohost", "http://example.com:3310", "clamav"])
def test_a_wrong_setting_is_refused(setting):
    with pytest.raises(ValueError, match="VIRUS_SCANNER"):
        ClamdScanner.from_setting(setting)


def test_replies():
    assert parse_reply("stream: OK") == Verdict(infected=False)
    assert parse_reply("stream: Win.Test.EICAR_HDB-1 FOUND").detail == "Win.Test.EICAR_HDB-1"
    with pytest.raises(ScannerError):
        parse_reply("")
