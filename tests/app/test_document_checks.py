"""What staff see of an uploaded document's checks: active content flagged on the request page,
the worker's virus scan (a fake clamd on 127.0.0.1), and an infected file quarantined."""

from __future__ import annotations

import hashlib

from reviews.database import db
from reviews.drafts import document_from
from reviews.models import Document
from reviews.uploads import check_upload
from tests.clamd import EICAR, FakeClamd
from tests.journey_data import pdf_bytes
from tests.requests_data import make_request
from tests.staff_helpers import sign_in
from tests.unit.test_upload_corpus import _document_javascript, _pdf
from web.worker import Worker


def _request_with(app, *documents: tuple[str, bytes]) -> tuple[int, list[int]]:
    with app.app_context():
        review_request = make_request()
        stored = []
        for filename, content in documents:
            if content.startswith(b"%PDF") and EICAR not in content:
                document = document_from("supporting", check_upload(filename, content, 10**7))
            else:  # as if an older check had let it through: the scanner is the last line
                document = Document(
                    kind="supporting",
                    filename=filename,
                    content_type="application/pdf",
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    content=content,
                )
            review_request.documents.append(document)
            stored.append(document)
        db.session.commit()
        return review_request.id, [document.id for document in stored]


def _statuses(app, ids):
    with app.app_context():
        return [db.session.get(Document, document_id).scan_status for document_id in ids]


def test_active_content_is_flagged_on_the_request_page(app, client, team_leader):
    request_id, (script_id, plain_id) = _request_with(
        app, ("script.pdf", _pdf(_document_javascript)), ("plain.pdf", pdf_bytes())
    )
    with app.app_context():
        assert "JavaScript" in db.session.get(Document, script_id).active_content
        assert db.session.get(Document, plain_id).active_content is None
    sign_in(client, team_leader)
    page = client.get(f"/staff/requests/{request_id}").text
    assert "This file could run something when it is opened: JavaScript" in page
    assert page.count("could run something") == 1
    download = client.get(f"/staff/requests/{request_id}/documents/{script_id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    # Not offered to a PDF viewer by type: saved, to be opened knowingly.
    assert download.mimetype == "application/octet-stream"


def test_the_worker_scans_and_quarantines(app, client, team_leader):
    request_id, (infected_id, clean_id) = _request_with(
        app, ("virus.pdf", b"%PDF-1.4\n" + EICAR), ("letter.pdf", pdf_bytes())
    )
    assert _statuses(app, [infected_id, clean_id]) == ["pending", "pending"]
    sign_in(client, team_leader)
    assert "Not scanned for viruses yet" in client.get(f"/staff/requests/{request_id}").text
    with FakeClamd() as clamd:
        app.config["VIRUS_SCANNER"] = clamd.setting
        with app.app_context():
            report = Worker().run_round()
    assert report.scanned == {"clean": 1, "infected": 1, "not-scanned": 0}
    assert _statuses(app, [infected_id, clean_id]) == ["infected", "clean"]
    page = client.get(f"/staff/requests/{request_id}").text
    assert "Quarantined: a virus was found (Eicar-Test-Signature)" in page
    assert f"/documents/{infected_id}" not in page
    refused = client.get(f"/staff/requests/{request_id}/documents/{infected_id}")
    assert refused.status_code == 403
    assert EICAR not in refused.data
    assert client.get(f"/staff/requests/{request_id}/documents/{clean_id}").status_code == 200


def test_without_a_scanner_documents_are_marked_not_scanned(app, client, team_leader):
    request_id, ids = _request_with(app, ("letter.pdf", pdf_bytes()))
    app.config["VIRUS_SCANNER"] = ""
    with app.app_context():
        Worker().run_round()
    assert _statuses(app, ids) == ["not-scanned"]
    sign_in(client, team_leader)
    assert "No virus scanner is set up" in client.get(f"/staff/requests/{request_id}").text


def test_a_scanner_that_is_down_leaves_them_pending(app):
    _, ids = _request_with(app, ("letter.pdf", pdf_bytes()))
    app.config["VIRUS_SCANNER"] = "clamd://127.0.0.1:9"
    with app.app_context():
        report = Worker().run_round()
    assert "scan" in report.failed
    assert _statuses(app, ids) == ["pending"]
