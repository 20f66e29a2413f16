"""The addresses of the service, from the URL map: which are public pages, and which staff
pages are the way in and out, for the tests that walk every page."""

PUBLIC_BLUEPRINTS = {"portal", "accessibility"}

# Staff pages for people who are not signed in yet (or are leaving).
STAFF_PUBLIC_ENDPOINTS = {
    "staff.sign_in",
    "staff.two_factor",
    "staff.set_up_two_factor",
    "staff.set_password",
    "staff.sign_out",
}


def public_get_paths(app) -> list[str]:
    """Every public address that takes a GET and no arguments."""
    return [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS
        and "GET" in rule.methods
        and not rule.arguments
    ]


def public_pages_without_arguments(app) -> list[str]:
    """Every public page that needs nothing sent first (journey, tracker and confirmation
    pages are tested with the flows that reach them)."""
    return sorted(
        path
        for path in public_get_paths(app)
        if not path.startswith(("/request/", "/track/")) and not path.endswith("/sent")
    )
