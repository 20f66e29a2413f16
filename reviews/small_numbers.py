"""Small numbers hidden: a figure under SMALLEST_FIGURE could pick someone out, so reports that
leave the team (the survey's, the equality answers', the public statistics) show it as "fewer
than 5". Shared by reviews.survey, reviews.equality and reviews.reports."""

from __future__ import annotations

# Fewer than this in a figure and it is hidden: a handful can be told apart.
SMALLEST_FIGURE = 5

FEWER = f"fewer than {SMALLEST_FIGURE}"
# A figure hidden only so that a small one cannot be worked out from the total.
NOT_SHOWN = "not shown"


def hide_small(counts: dict[str, int]) -> dict[str, int | str]:
    """The counts, each under SMALLEST_FIGURE replaced by FEWER. When only one would be hidden,
    the total less the others would give it away, so the smallest shown one is NOT_SHOWN too."""
    shown: dict[str, int | str] = {
        key: FEWER if count < SMALLEST_FIGURE else count for key, count in counts.items()
    }
    if list(shown.values()).count(FEWER) == 1 and len(counts) > 1:
        _, smallest = min((count, key) for key, count in counts.items() if shown[key] != FEWER)
        shown[smallest] = NOT_SHOWN
    return shown


def shown(count: int) -> int | str:
    """One figure on its own: itself, or FEWER."""
    return FEWER if count < SMALLEST_FIGURE else count
