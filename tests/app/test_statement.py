"""The accessibility statement: what regulation 8(4) asks of it, and a testing section that
shows the figures of the latest `make accessibility` run (accessibility/latest_results.json)."""

import json
import re
from datetime import date

import pytest

from accessibility import LATEST_RESULTS
from reviews.rules import format_date


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_testing_section_shows_the_latest_results(client, monkeypatch, tmp_path):
    results = json.loads(LATEST_RESULTS.read_text())
    results.update(date="2026-11-24", chromium="999.0.1", axe_core="9.9.9", vnu="99.1.2")
    results.update(pages=71, states=347, public_states=300, staff_states=47)
    results["checks"]["Nu HTML Checker"] = {
        "states_checked": 347,
        "states_failing": 2,
        "problems": 3,
    }
    results["checks"]["Keyboard only"] = {"tests": 6, "tests_failing": 1}
    written = tmp_path / "latest_results.json"
    written.write_text(json.dumps(results))
    monkeypatch.setattr("accessibility.LATEST_RESULTS", written)

    text = text_of(client.get("/accessibility").get_data(as_text=True))
    assert f"We last tested this service on {format_date(date(2026, 11, 24))}" in text
    assert "They opened 71 pages in 347 states (300 public and 47 for staff)" in text
    assert "Chromium browser (version 999.0.1)" in text
    assert "axe-core 9.9.9" in text
    assert "Nu HTML Checker 99.1.2 (valid HTML): 3 errors on 2 of 347 page states" in text
    assert "using the service with a keyboard alone: 5 of 6 tests passed" in text


def test_the_committed_results_are_a_whole_run(client):
    """The file `make accessibility` writes has every figure the statement shows."""
    results = json.loads(LATEST_RESULTS.read_text())
    date.fromisoformat(results["date"])
    assert results["states"] >= results["pages"] > 0
    assert results["public_states"] + results["staff_states"] == results["states"]
    text = text_of(client.get("/accessibility").get_data(as_text=True))
    for name, check in results["checks"].items():
        assert name and (check.get("states_checked") or check.get("tests")), name
    assert f"{results['pages']} pages in {results['states']} states" in text


@pytest.mark.parametrize(
    "required",
    [
        # Regulation 8(4) of the Public Sector Bodies (Websites and Mobile Applications)
        # (No. 2) Accessibility Regulations 2018, and the model statement's parts.
        "How accessible this service is",
        "Compliance status",
        "may not be accessible",  # what is not accessible, and why
        "ask for it in another format",
        "within 5 working days",
        "Reporting accessibility problems with this service",
        "Equality and Human Rights Commission",
        "How we tested this service",
        "This statement was prepared on",
        "It was last reviewed on",
    ],
)
def test_the_statement_has_what_the_regulations_require(client, required):
    assert required in text_of(client.get("/accessibility").get_data(as_text=True))
