"""The accessibility proof: the checks run on each page state the browser tests reach, a record of
what was checked and how it went, and the report `make accessibility` writes from that record.

Every call of `assert_no_axe_violations` (tests/browser/conftest.py) comes here, so each page
state that any browser test reaches is checked the same way: axe-core, target sizes, reflow at
320 CSS px and page weight (public pages), `autocomplete` on personal-detail fields, and its
served HTML kept for one run of the Nu HTML Checker at the end of the session.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from axe_playwright_python import sync_playwright as axe_module
from axe_playwright_python.sync_playwright import Axe

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"

# The checks, in the order the report shows them.
AXE = "axe-core"
HTML = "Nu HTML Checker"
TARGETS = "Target size 24 by 24"
REFLOW = "Reflow at 320 px"
AUTOCOMPLETE = "Autocomplete"
WEIGHT = "Page weight"
PAGE_CHECKS = [AXE, HTML, TARGETS, REFLOW, AUTOCOMPLETE, WEIGHT]

REFLOW_WIDTH = 320
WEIGHT_BUDGET = 150_000  # bytes, gzip-compressed, the document and everything it loads
GZIP_LEVEL = 6  # the level most servers and CDNs use

# Personal-detail fields on public pages by name, and the autocomplete token each must carry
# (WCAG 1.3.5). Staff pages are left out: their email fields are a sign-in (username) or a
# colleague's address.
PERSONAL_FIELDS = {
    "full_name": "name",
    "surname": "family-name",
    "organisation": "organization",
    "email": "email",
    "phone": "tel",
    "callback_phone": "tel",
    "address": "street-address",
    "address_line_1": "address-line1",
    "address_line_2": "address-line2",
    "town": "address-level2",
    "postcode": "postal-code",
}
# Pages where the fields are someone else's details (a representative writing the complainant's):
# WCAG 1.3.5 is about the user's own, so here no field may offer the user's own details.
SOMEONE_ELSES_DETAILS = {"/request/complainant-details"}

# The keyboard, error-summary and no-JavaScript checks are whole tests elsewhere: their outcomes
# go into the report under these names. (Test names, so that the test files stay as they are;
# `pytest_collection_modifyitems` fails the run if one of them has been renamed away.)
PROOF_TESTS = {
    "Keyboard only": [
        "tests/browser/test_journey.py::test_complainant_by_keyboard_with_letter_to_follow",
        "tests/browser/test_journey.py::test_representative_by_keyboard_with_consent_to_follow",
        "tests/browser/test_journey.py::test_late_request_by_keyboard",
        "tests/browser/test_journey.py::test_complainant_uploads_their_letter_by_keyboard",
        "tests/browser/test_tracker.py::test_look_up_by_keyboard_alone",
        "tests/browser/test_public_pages.py::test_skip_link_is_the_first_stop_and_reaches_main",
    ],
    "Error summary takes focus and links to fields": [
        "tests/browser/test_journey.py::test_error_summary_takes_focus_and_its_links_reach_the_field",
    ],
    "Nothing asked twice": [
        "tests/browser/test_journey.py::test_nothing_is_asked_twice",
    ],
    "Works without JavaScript": [
        "tests/browser/test_journey.py::test_the_journey_works_without_javascript",
        "tests/browser/test_tracker.py::test_without_javascript_there_is_no_warning_and_the_tracker_works",
    ],
}

# Interactive targets. A visually hidden element (the skip link until focused) is 1 by 1 and
# not a target; GOV.UK radios and checkboxes are their 44 px transparent inputs.
_TARGETS_JS = """
() => {
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary,'
    + ' [role="button"], [role="link"], [tabindex]:not([tabindex="-1"])';
  const shown = element => {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return box.width > 1 && box.height > 1 && style.visibility !== 'hidden'
      && !element.closest('[hidden], dialog:not([open])');
  };
  const targets = [...document.querySelectorAll(selector)].filter(shown);
  const boxes = targets.map(element => element.getBoundingClientRect());
  const text = element => element.textContent.replace(/\\s+/g, ' ').trim();
  // WCAG 2.5.8 "inline": a link in a sentence, sized by the line height of the text around it.
  const inSentence = element => {
    if (element.tagName !== 'A' || getComputedStyle(element).display !== 'inline') return false;
    let block = element.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    return !!block && text(block).length > text(element).length;
  };
  const distance = (x, y, box) => Math.hypot(
    Math.max(box.left - x, 0, x - box.right), Math.max(box.top - y, 0, y - box.bottom));
  const small = boxes.map(box => box.width < 23.95 || box.height < 23.95);
  const centre = box => [box.left + box.width / 2, box.top + box.height / 2];
  const problems = [];
  targets.forEach((element, i) => {
    if (!small[i] || inSentence(element)) return;
    // WCAG 2.5.8 "spacing": a 24 px circle on its centre touches no other target, and no
    // other small target's circle.
    const [x, y] = centre(boxes[i]);
    const crowded = targets.some((other, j) => {
      if (j === i || other.contains(element) || element.contains(other)) return false;
      const [u, v] = centre(boxes[j]);
      return distance(x, y, boxes[j]) < 12 || (small[j] && Math.hypot(x - u, y - v) < 24);
    });
    if (crowded) {
      const name = (element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
        + ' "' + (text(element) || element.getAttribute('aria-label') || element.name || '')
          .slice(0, 40) + '"');
      problems.push(`${name} is ${boxes[i].width.toFixed(1)} by ${boxes[i].height.toFixed(1)}`
        + ' px with another target within its 24 px circle');
    }
  });
  return {checked: targets.length, problems};
}
"""

_FIELDS_JS = """
() => [...document.querySelectorAll('input, textarea, select')]
  .filter(field => field.type !== 'hidden')
  .map(field => ({name: field.name, type: field.type,
                  autocomplete: field.getAttribute('autocomplete')}))
"""

# What tells one state of a page from another, when the test does not name it.
_STATE_JS = """
() => {
  const text = selector => [...document.querySelectorAll(selector)]
    .map(element => element.innerText.replace(/\\s+/g, ' ').trim()).join(' | ');
  const navigation = performance.getEntriesByType('navigation')[0];
  return {
    title: document.title.replace(/\\s+/g, ' ').trim(),
    errors: text('.govuk-error-summary__list a'),
    banner: text('.govuk-notification-banner__heading, .govuk-panel__title'),
    dialog: text('dialog[open] h2'),
    status: navigation ? navigation.responseStatus : 0,
    signedIn: !!document.querySelector('form[action$="/staff/sign-out"]'),
  };
}
"""

# How wide the document is, and the innermost elements that stick out past the viewport.
_REFLOW_JS = """
width => {
  const wide = [...document.body.querySelectorAll('*')]
    .filter(element => element.getBoundingClientRect().right > width + 0.5)
    .filter(element => ![...element.children]
      .some(child => child.getBoundingClientRect().right > width + 0.5));
  const name = element => element.tagName.toLowerCase()
    + (element.className && typeof element.className === 'string'
       ? '.' + element.className.trim().split(/\\s+/).join('.') : '')
    + ' "' + element.textContent.replace(/\\s+/g, ' ').trim().slice(0, 40) + '"'
    + ` ends at ${Math.round(element.getBoundingClientRect().right)} px`;
  return [document.documentElement.scrollWidth, wide.slice(0, 5).map(name)];
}
"""

_RESOURCES_JS = (
    "performance.getEntriesByType('resource').map(entry => entry.name)"
    ".filter(name => name.startsWith(location.origin))"
)


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
        seen = page.evaluate(_STATE_JS)
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
        found = page.evaluate(_TARGETS_JS)
        problems = found["problems"]
        summary = f"{found['checked']} targets, {len(problems)} too small"
        return Check(not problems, summary, problems)

    @staticmethod
    def _reflow(page) -> Check:
        size = page.viewport_size
        page.set_viewport_size({"width": REFLOW_WIDTH, "height": size["height"]})
        try:
            width, wide = page.evaluate(_REFLOW_JS, REFLOW_WIDTH)
        finally:
            page.set_viewport_size(size)
        problems = [] if width <= REFLOW_WIDTH else [f"too wide: {element}" for element in wide]
        return Check(not problems, f"{width} px wide at {REFLOW_WIDTH} px", problems)

    @staticmethod
    def _autocomplete(page, path: str) -> Check:
        problems = []
        checked = 0
        someone_elses = path in SOMEONE_ELSES_DETAILS
        for found in page.evaluate(_FIELDS_JS):
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
        for url in page.evaluate(_RESOURCES_JS):
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


def versions(chromium: str) -> dict[str, str]:
    script = Path(axe_module.__file__).with_name("axe.min.js").read_text()[:200]
    axe_version = re.search(r"axe v([\d.]+)", script).group(1)
    vnu = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    return {
        "chromium": chromium,
        "axe_core": axe_version,
        "vnu": vnu,
    }


def _cell(check: dict | None) -> str:
    if check is None:
        return '<td class="na">not applicable</td>'
    mark = "pass" if check["passed"] else "fail"
    problems = "".join(f"<li>{html.escape(problem)}</li>" for problem in check["problems"])
    return (
        f'<td class="{mark}">{mark.upper()}: {html.escape(check["summary"])}'
        + (f"<ul>{problems}</ul>" if problems else "")
        + "</td>"
    )


def render_report(results: dict) -> str:
    summary = results["summary"]
    rows = []
    for state in results["states"]:
        shot = f'<a href="{state["screenshot"]}">screenshot</a>' if state["screenshot"] else "none"
        rows.append(
            "<tr>"
            f"<td>{state['number']}</td><td>{html.escape(state['url'])}</td>"
            f"<td>{html.escape(state['who'])}</td><td>{html.escape(state['state'])}</td>"
            f"<td>{state['status']}</td>"
            + "".join(_cell(state["checks"].get(name)) for name in PAGE_CHECKS)
            + f"<td>{shot}</td></tr>"
        )
    totals = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(json.dumps(figures))}</td></tr>"
        for name, figures in summary["checks"].items()
    )
    tests = "".join(
        f"<tr><th>{html.escape(name)}</th><td><ul>"
        + "".join(
            f"<li>{html.escape(test)}: {html.escape(outcome)}</li>"
            for test, outcome in outcomes.items()
        )
        + "</ul></td></tr>"
        for name, outcomes in results["tests"].items()
    )
    how = "".join(
        f"<li><strong>{html.escape(name)}</strong>: {html.escape(text)}</li>"
        for name, text in results["how"].items()
    )
    heads = "".join(f"<th>{html.escape(name)}</th>" for name in PAGE_CHECKS)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Accessibility report {summary["date"]}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1rem; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #999; padding: 4px; vertical-align: top; text-align: left; }}
.pass {{ background: #e6f4ea; }} .fail {{ background: #fde2e1; }} .na {{ color: #555; }}
</style>
</head>
<body>
<main>
<h1>Accessibility report {summary["date"]}</h1>
<p>Chromium {summary["chromium"]}, axe-core {summary["axe_core"]}, Nu HTML Checker
{summary["vnu"]}: {summary["states"]} states of {summary["pages"]} pages
({summary["public_states"]} public, {summary["staff_states"]} staff).</p>
<h2>How each check works</h2>
<ul>{how}</ul>
<h2>Totals</h2>
<table>{totals}</table>
<h2>Checks that are whole tests</h2>
<table>{tests}</table>
<h2>Each page state</h2>
<table>
<thead><tr><th>#</th><th>Page</th><th>Who</th><th>State</th><th>Status</th>{heads}
<th>Screenshot</th></tr></thead>
<tbody>
{"".join(rows)}
</tbody>
</table>
</main>
</body>
</html>
"""


PROOF = Proof()
