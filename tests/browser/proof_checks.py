"""What the accessibility proof checks on each page state: the axe-core rules, the other checks
by name, the fields that must say what they autocomplete, the tests that stand for a check, and
the scripts that measure each page in the browser."""

from __future__ import annotations

from pathlib import Path

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
TARGETS_JS = """
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

FIELDS_JS = """
() => [...document.querySelectorAll('input, textarea, select')]
  .filter(field => field.type !== 'hidden')
  .map(field => ({name: field.name, type: field.type,
                  autocomplete: field.getAttribute('autocomplete')}))
"""

# What tells one state of a page from another, when the test does not name it.
STATE_JS = """
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
REFLOW_JS = """
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

RESOURCES_JS = (
    "performance.getEntriesByType('resource').map(entry => entry.name)"
    ".filter(name => name.startsWith(location.origin))"
)
