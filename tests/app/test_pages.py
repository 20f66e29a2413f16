"""Every public page renders, passes the page check (in the client) and links where it should."""

import pytest

from portal import CONTENT_PAGES
from tests.site_map import public_pages_without_arguments


def test_every_public_page_renders(app, client):
    pages = public_pages_without_arguments(app)
    assert len(pages) >= len(CONTENT_PAGES) + 1
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page


def test_start_page_explains_the_service_and_the_time_limit(client):
    html = client.get("/").get_data(as_text=True)
    assert (
        '<h1 class="govuk-heading-xl">Ask for a review of your police complaint outcome</h1>'
        in html
    )
    assert "28 days" in html
    assert "020 7983 4000" in html
    assert 'href="https://www.policeconduct.gov.uk/"' in html
    assert 'href="https://www.met.police.uk/"' in html


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/contact", ["169 Union Street", "SE1 0LL", "mailto:", "020 7983 4000"]),
        ("/if-you-disagree", ["final", "3 months", "judicial review"]),
        ("/possible-outcomes", ["compensation", "lawful", "criminal investigation"]),
        ("/time-limit", ["28 days", "If you are late"]),
        ("/privacy", ["Article 6(1)(e)", "Information Commissioner"]),
        ("/accessibility", ["Equality and Human Rights Commission", "5 working days"]),
    ],
)
def test_content_pages_carry_the_facts(client, path, expected):
    html = client.get(path).get_data(as_text=True)
    for fact in expected:
        assert fact in html, f"{path} should mention {fact!r}"


def test_layout_links_and_landmarks(client):
    html = client.get("/what-a-review-is").get_data(as_text=True)
    assert 'class="govuk-skip-link"' in html
    assert "Beta" in html and "Tell us what you think" in html
    for link in ("/accessibility", "/privacy", "/cookies", "/contact"):
        assert f'href="{link}"' in html
    assert 'type="module"' in html


def test_cookies_page_lists_the_session_cookie_by_its_real_name(app, client):
    html = client.get("/cookies").get_data(as_text=True)
    assert app.config["SESSION_COOKIE_NAME"] in html


def test_no_gov_uk_brand_is_served(client):
    html = client.get("/").get_data(as_text=True)
    with client.get("/static/css/app.css") as response:
        css = response.get_data(as_text=True)
    for served in (html, css):
        assert "GDS Transport" not in served
        assert "crown" not in served.lower()
        assert "@font-face" not in served
    assert "govuk-crest" not in css
