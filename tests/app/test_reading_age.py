"""Every public page is measured for how easy it is to read (tests/readability.py): GOV.UK
writes for a reading age of 9. The figures are written to reports/reading-age.txt; the test
fails when a page, or the pages together, read harder than the limits below, so new wording
cannot drift upwards unseen."""

from __future__ import annotations

import statistics
from pathlib import Path

from tests.public_pages import public_pages
from tests.readability import Reading, main_text_blocks, measure

REPORT = Path(__file__).resolve().parents[2] / "reports" / "reading-age.txt"
# Limits on what was measured when they were set, so wording only gets plainer.
MEDIAN_READING_AGE = 9.0
ANY_PAGE_READING_AGE = 10.0


def test_public_pages_read_plainly(app, client):
    readings: dict[str, Reading] = {}
    all_blocks: list[str] = []
    for path, html in public_pages(app, client):
        blocks = main_text_blocks(html)
        readings[path] = measure(blocks)
        all_blocks += blocks
    overall = measure(all_blocks)
    lines = [f"{'reading age':>11}  {'words':>5}  page"]
    lines += [
        f"{reading.reading_age:11.1f}  {reading.words:5d}  {path}"
        for path, reading in sorted(readings.items(), key=lambda item: -item[1].reading_age)
    ]
    median = statistics.median(reading.reading_age for reading in readings.values())
    lines.append(f"median page {median:.1f}; all pages as one text {overall.reading_age:.1f}")
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")

    assert median <= MEDIAN_READING_AGE, "\n".join(lines)
    hard = {
        path: round(r.reading_age, 1)
        for path, r in readings.items()
        if r.reading_age > ANY_PAGE_READING_AGE
    }
    assert not hard, "\n".join(lines)
