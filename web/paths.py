"""Where the service's files are: templates, static files and migrations.

In the repository they sit at the top level (templates/, static/, migrations/). An installed
wheel carries them inside this package (web/templates, web/static, web/migrations: see
pyproject.toml), since nothing outside site-packages comes with `pip install`. The installed
copy wins when it exists; otherwise the checkout's folder is used (a checkout, `pip install -e`).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    """The folder `name` (templates, static, migrations) of the installed package, else of the
    checkout."""
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else CHECKOUT_DIR / name


TEMPLATES_DIR = resource_dir("templates")
STATIC_DIR = resource_dir("static")
MIGRATIONS_DIR = resource_dir("migrations")
