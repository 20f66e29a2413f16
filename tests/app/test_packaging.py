"""The wheel carries everything the service needs to run from an empty directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"),
            *("--wheel-dir", str(out), str(ROOT)),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _tracked(folder: str) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", folder], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return [line for line in listed.stdout.splitlines() if line]


@pytest.mark.parametrize("folder", ["templates", "static", "migrations"])
def test_the_wheel_carries_every_file_of(wheel_files, folder):
    # static/src holds the Sass source, which only `make assets` needs.
    wanted = [path for path in _tracked(folder) if not path.startswith("static/src/")]
    assert wanted
    missing = [path for path in wanted if not any(name.endswith(path) for name in wheel_files)]
    assert not missing, missing


def test_the_wheel_carries_the_entry_point(wheel_files):
    assert "wsgi.py" in wheel_files
