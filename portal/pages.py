"""Pages that only show content: the start page, guidance drawn from MOPAC's reviews page, and
legal pages."""

from portal.blueprint import portal
from web.extensions import limiter
from web.templating import render_content_page

# Pages that only show content: (URL, endpoint, template under templates/portal/).
CONTENT_PAGES = (
    ("/", "start", "start.html"),
    ("/what-a-review-is", "what_a_review_is", "what_a_review_is.html"),
    ("/time-limit", "time_limit", "time_limit.html"),
    ("/what-happens-next", "what_happens_next", "what_happens_next.html"),
    ("/possible-outcomes", "outcomes", "outcomes.html"),
    ("/if-you-disagree", "if_you_disagree", "if_you_disagree.html"),
    ("/contact", "contact", "contact.html"),
    ("/privacy", "privacy", "privacy.html"),
    ("/cookies", "cookies", "cookies.html"),
)

# The guidance pages, in reading order, for the "More about reviews" links on each of them.
GUIDANCE = (
    ("what_a_review_is", "What a review is and what we can review"),
    ("time_limit", "The 28-day time limit"),
    ("what_happens_next", "What happens after you ask"),
    ("outcomes", "Possible outcomes and what we cannot do"),
    ("if_you_disagree", "If you disagree with our decision"),
    ("contact", "Other ways to ask and how to contact us"),
)


def _content_view(template: str):
    # Not counted against the address's rate limit: the page is rendered once and then sent
    # from memory, for less than counting it in Redis would cost (docs/benchmarks.md).
    @limiter.exempt
    def view():
        return render_content_page(f"portal/{template}", lambda: {"guidance": GUIDANCE})

    return view


for rule, endpoint, template in CONTENT_PAGES:
    portal.add_url_rule(rule, endpoint, _content_view(template))
