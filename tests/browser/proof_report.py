"""The accessibility proof's report: the versions of the checkers, and the HTML page made from
the results."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

from axe_playwright_python import sync_playwright as axe_module

from tests.browser.proof_checks import PAGE_CHECKS, VNU_JAR


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
