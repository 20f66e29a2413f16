"""pyproject.toml lists the packages the wheel carries outright, so a new one must be added there:
these tests fail if it is not, rather than a deployment failing for want of its modules."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOP_LEVEL = ("web", "reviews", "portal", "staff", "accessibility")
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def _python_packages() -> set[str]:
    found = set()
    for top in TOP_LEVEL:
        for module in (ROOT / top).rglob("*.py"):
            if "__pycache__" not in module.parts:
                found.add(".".join(module.parent.relative_to(ROOT).parts))
    return found


def test_every_python_package_is_listed_for_the_wheel() -> None:
    missing = sorted(_python_packages() - set(SETUPTOOLS["packages"]))
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_every_listed_package_exists() -> None:
    mapped = SETUPTOOLS["package-dir"]
    for package in SETUPTOOLS["packages"]:
        folder = ROOT / mapped.get(package, package.replace(".", "/"))
        assert folder.is_dir(), f"{package} is listed but {folder} does not exist"


def test_the_files_the_code_reads_are_the_ones_it_ships() -> None:
    from web import paths

    # Run from the checkout, the top-level folders are used: they are what the wheel maps.
    mapped = SETUPTOOLS["package-dir"]
    found = (paths.TEMPLATES_DIR, paths.STATIC_DIR, paths.MIGRATIONS_DIR)
    shipped = ("web.templates", "web.static", "web.migrations")
    assert found == tuple(ROOT / mapped[package] for package in shipped)


def test_the_readme_quotes_the_procfile_and_the_deploy_script_as_they_are() -> None:
    readme = (ROOT / "README.md").read_text()
    procfile = (ROOT / "Procfile").read_text()
    assert f"```\n{procfile}```" in readme, "README's Procfile block differs from the Procfile"
    assert "scripts/deploy.sh VENV_DIR WHEEL_DIR" in readme
    assert "scripts/deploy.sh VENV_DIR WHEEL_DIR" in (ROOT / "scripts/deploy.sh").read_text()
