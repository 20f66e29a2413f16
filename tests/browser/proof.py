"""The accessibility proof: the checks run on each page state the browser tests reach, a record of
what was checked and how it went, and the report `make accessibility` writes from that record.

Every call of `assert_no_axe_violations` (tests/browser/conftest.py) comes here, so each page
state that any browser test reaches is checked the same way: axe-core, target sizes, reflow at
320 CSS px and page weight (public pages), `autocomplete` on personal-detail fields, and its
served HTML kept for one run of the Nu HTML Checker at the end of the session.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from axe_playwright_python.sync_playwright import Axe

from tests.browser.proof_checks import (
    AUTOCOMPLETE,
    AXE,
    AXE_TAGS,
    FIELDS_JS,
    GZIP_LEVEL,
    HTML,
    PAGE_CHECKS,
    PERSONAL_FIELDS,
    PROOF_TESTS,
    REFLOW,
    REFLOW_JS,
    REFLOW_WIDTH,
    RESOURCES_JS,
    SOMEONE_ELSES_DETAILS,
    STATE_JS,
    TARGETS,
    TARGETS_JS,
    VNU_JAR,
    WEIGHT,
    WEIGHT_BUDGET,
)
from tests.browser.proof_report import render_report


@dataclass
class Check:
    passed: bool
    summary: str
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"passed": self.passed, "summary": self.summary, "problems": self.problems}


@dataclass
class PageState:
    number: int
    url: str
    path: str
    area: str  # public or staff
    who: str  # "public", or the staff role signed in
    state: str
    status: int
    title: str
    tests: list[str]
    checks: dict[str, Check] = field(default_factory=dict)
    html_file: str | None = None
    screenshot: str | None = None

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "url": self.path,
            "area": self.area,
            "who": self.who,
            "state": self.state,
            "status": self.status,
            "title": self.title,
            "tests": self.tests,
            "checks": {name: check.as_dict() for name, check in self.checks.items()},
            "html": self.html_file,
            "screenshot": self.screenshot,
        }


def gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))


class Proof:
    """The session's record of page states and check results. `workspace` holds the served
    HTML for the Nu HTML Checker; `report` (set under `make accessibility`) is where the
    report goes, with a screenshot of each state."""

    def __init__(self) -> None:
        self.states: dict[tuple, PageState] = {}
        self.test_outcomes: dict[str, dict[str, str]] = {name: {} for name in PROOF_TESTS}
        self.workspace: Path | None = None
        self.report: Path | None = None
        self.current_test = ""
        self.current_role: str | None = None
        self.asset_sizes: dict[str, int] = {}
        self.html_checked = False
        self.chromium = ""

    def start(self, workspace: Path, report: Path | None) -> None:
        self.workspace = workspace
        self.report = report
        (workspace / "html").mkdir(parents=True, exist_ok=True)
        if report:
            (report / "screenshots").mkdir(parents=True, exist_ok=True)
            for old in (report / "screenshots").glob("*.png"):
                old.unlink()

    # One page state.

    def check(self, axe: Axe, page, state: str | None = None) -> None:
        """Run every check on the page as it is now, record the results and fail if one
        failed. A state seen before (same page, same title, errors, banner and dialog) is
        only checked with axe again, as the calling test asks."""
        seen = page.evaluate(STATE_JS)
        path = urlparse(page.url).path
        area = "staff" if path.startswith("/staff") else "public"
        signed_in = "signed in" if seen["signedIn"] else "anonymous"
        who = (self.current_role or signed_in) if area == "staff" else "public"
        label = state or self._label(seen)
        key = (path, who, label, seen["title"], seen["errors"], seen["banner"], seen["dialog"])
        record = self.states.get(key)
        axe_check = self._axe(axe, page)
        if record is not None:
            if self.current_test not in record.tests:
                record.tests.append(self.current_test)
            if not axe_check.passed:
                record.checks[AXE] = axe_check
            failed = [name for name, check in record.checks.items() if not check.passed]
        else:
            record = PageState(
                number=len(self.states) + 1,
                url=page.url,
                path=path,
                area=area,
                who=who,
                state=label,
                status=seen["status"],
                title=seen["title"],
                tests=[self.current_test],
            )
            self.states[key] = record
            record.checks[AXE] = axe_check
            record.checks[TARGETS] = self._targets(page)
            body = self._served_html(page)
            if area == "public":
                record.checks[AUTOCOMPLETE] = self._autocomplete(page, path)
                record.checks[REFLOW] = self._reflow(page)
                record.checks[WEIGHT] = self._weight(page, body)
            record.html_file = f"html/{record.number:03d}.html"
            (self.workspace / record.html_file).write_bytes(body)
            if self.report:
                record.screenshot = f"screenshots/{record.number:03d}.png"
                page.screenshot(path=self.report / record.screenshot, full_page=True)
            failed = [name for name, check in record.checks.items() if not check.passed]
        if failed:
            details = "\n".join(
                f"{name}: {problem}" for name in failed for problem in record.checks[name].problems
            )
            raise AssertionError(f"{page.url} ({record.state}) fails {failed}\n{details}")

    @staticmethod
    def _label(seen: dict) -> str:
        if seen["dialog"]:
            return f"dialog open: {seen['dialog']}"
        if seen["errors"]:
            return f"errors: {seen['errors']}"
        if seen["banner"]:
            return f"after: {seen['banner']}"
        return "as it opens" if seen["status"] in (0, 200) else f"status {seen['status']}"

    @staticmethod
    def _axe(axe: Axe, page) -> Check:
        # Only violations come back: the passes would double the time each run takes.
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        violations = axe.run(page, options=options).response["violations"]
        problems = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
            for violation in violations
        ]
        return Check(not problems, f"{len(problems)} violations", problems)

    @staticmethod
    def _targets(page) -> Check:
        found = page.evaluate(TARGETS_JS)
        problems = found["problems"]
        summary = f"{found['checked']} targets, {len(problems)} too small"
        return Check(not problems, summary, problems)

    @staticmethod
    def _reflow(page) -> Check:
        size = page.viewport_size
        page.set_viewport_size({"width": REFLOW_WIDTH, "height": size["height"]})
        try:
            width, wide = page.evaluate(REFLOW_JS, REFLOW_WIDTH)
        finally:
            page.set_viewport_size(size)
        problems = [] if width <= REFLOW_WIDTH else [f"too wide: {element}" for element in wide]
        return Check(not problems, f"{width} px wide at {REFLOW_WIDTH} px", problems)

    @staticmethod
    def _autocomplete(page, path: str) -> Check:
        problems = []
        checked = 0
        someone_elses = path in SOMEONE_ELSES_DETAILS
        for found in page.evaluate(FIELDS_JS):
            expected = PERSONAL_FIELDS.get(found["name"])
            if someone_elses and expected is not None:
                checked += 1
                if found["autocomplete"] not in (None, "", "off"):
                    problems.append(
                        f"{found['name']}: someone else's detail offers the user's own "
                        f"(autocomplete={found['autocomplete']})"
                    )
                continue
            if expected is None:
                if found["type"] in ("email", "tel"):
                    problems.append(f"{found['name']}: a personal-detail field not in the table")
                continue
            checked += 1
            if found["autocomplete"] != expected:
                problems.append(
                    f"{found['name']}: autocomplete={found['autocomplete']}, expected {expected}"
                )
        return Check(not problems, f"{checked} personal-detail fields", problems)

    def _served_html(self, page) -> bytes:
        """The document as the server sent it (the page fixture keeps its response); a page
        made elsewhere gives its DOM as it is now."""
        response = getattr(page, "document_response", None)
        if response is not None and response.url == page.url:
            try:
                return response.body()
            except Exception:  # the body is gone once the page has moved on
                pass
        return page.content().encode()

    def _weight(self, page, body: bytes) -> Check:
        """The live server does not compress (production's proxy does), so each response
        body is gzip-compressed here: the document plus every same-origin resource it loaded."""
        total = gzip_size(body)
        for url in page.evaluate(RESOURCES_JS):
            if url not in self.asset_sizes:
                self.asset_sizes[url] = gzip_size(page.request.get(url).body())
            total += self.asset_sizes[url]
        problems = [] if total <= WEIGHT_BUDGET else [f"{total:,} bytes over {WEIGHT_BUDGET:,}"]
        return Check(not problems, f"{total / 1000:.1f} KB", problems)

    # The Nu HTML Checker, once for every state kept.

    def check_html(self) -> list[str]:
        files = {
            str((self.workspace / record.html_file).resolve()): record
            for record in self.states.values()
            if record.html_file
        }
        for record in files.values():
            record.checks[HTML] = Check(True, "0 errors")
        if not files:
            return []
        result = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *files],
            capture_output=True,
            text=True,
            check=False,
        )
        messages = json.loads(result.stderr or "{}").get("messages", [])
        problems = []
        for message in messages:
            record = files.get(urlparse(message.get("url", "")).path)
            text = f"line {message.get('lastLine', '?')}: {message['message']}"
            if record is None:
                problems.append(text)
                continue
            check = record.checks[HTML]
            check.problems.append(text)
            check.passed = False
            check.summary = f"{len(check.problems)} errors"
            problems.append(f"{record.path} ({record.state}) {text}")
        self.html_checked = True
        return problems

    # Whole tests that are checks.

    def record_test(self, nodeid: str, outcome: str) -> None:
        for name, tests in PROOF_TESTS.items():
            if nodeid in tests:
                self.test_outcomes[name][nodeid] = outcome

    # The report.

    def summary(self, versions: dict[str, str]) -> dict:
        states = list(self.states.values())
        checks = {}
        for name in PAGE_CHECKS:
            results = [record.checks[name] for record in states if name in record.checks]
            checks[name] = {
                "states_checked": len(results),
                "states_failing": sum(not check.passed for check in results),
                "problems": sum(len(check.problems) for check in results),
            }
        for name, outcomes in self.test_outcomes.items():
            checks[name] = {
                "tests": len(outcomes),
                "tests_failing": sum(outcome != "passed" for outcome in outcomes.values()),
            }
        return {
            "date": datetime.now(UTC).date().isoformat(),
            **versions,
            # A page is an address whatever its ids: /staff/requests/1 and /2 are one page.
            "pages": len({re.sub(r"/\d+(?=/|$)", "/<id>", record.path) for record in states}),
            "states": len(states),
            "public_states": sum(record.area == "public" for record in states),
            "staff_states": sum(record.area == "staff" for record in states),
            "checks": checks,
        }

    def write_report(self, versions: dict[str, str]) -> dict:
        summary = self.summary(versions)
        results = {
            "summary": summary,
            "how": {
                AXE: f"axe-core {versions['axe_core']} in Chromium, tags {', '.join(AXE_TAGS)}",
                HTML: f"Nu HTML Checker {versions['vnu']}, errors only, on the HTML as served",
                TARGETS: "every visible link, button and field at least 24 by 24 CSS px, or "
                "inside a sentence, or with no other target within a 24 px circle (WCAG 2.5.8)",
                REFLOW: "public pages: the document is no wider than the 320 CSS px viewport",
                AUTOCOMPLETE: "public pages: fields named in tests/browser/proof.py "
                "PERSONAL_FIELDS carry their autocomplete token",
                WEIGHT: "public pages: each same-origin response body gzip-compressed (level "
                f"{GZIP_LEVEL}) by the test, since the test server does not compress; "
                f"budget {WEIGHT_BUDGET:,} bytes",
            },
            "tests": self.test_outcomes,
            "states": [record.as_dict() for record in self.states.values()],
        }
        (self.report / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        (self.report / "index.html").write_text(render_report(results))
        return summary


PROOF = Proof()
