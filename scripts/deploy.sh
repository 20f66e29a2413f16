#!/usr/bin/env bash
# Build the service's wheel, install it in a fresh virtualenv and run the release step.
#
#   scripts/deploy.sh VENV_DIR WHEEL_DIR
#
# VENV_DIR must not exist yet (or be empty): each release gets its own, and the running one is
# left alone until the new one has migrated. WHEEL_DIR receives the wheel (kept, for a rollback).
# The release step (`flask --app wsgi db upgrade`) runs with the environment this script is
# given, so set APP_ENV, SECRET_KEY, DATABASE_URL and the rest first (README: Deploying). It runs
# from an empty directory, so that it uses the installed code and not a checkout's. PYTHON picks
# the interpreter (python3 by default; 3.11 or newer). Exits non-zero if any step fails.
set -euo pipefail

usage() {
  echo "usage: $0 VENV_DIR WHEEL_DIR" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
venv=$1
wheel_dir=$2
python=${PYTHON:-python3}
repo=$(cd "$(dirname "$0")/.." && pwd)

if [[ -e $venv && -n $(ls -A "$venv" 2>/dev/null) ]]; then
  echo "deploy: $venv already exists and is not empty; give each release a new one" >&2
  exit 1
fi
if [[ -z ${DATABASE_URL:-} ]]; then
  echo "deploy: DATABASE_URL is not set: the release step would migrate a SQLite file" >&2
  exit 1
fi

mkdir -p "$venv" "$wheel_dir"
venv=$(cd "$venv" && pwd)
wheel_dir=$(cd "$wheel_dir" && pwd)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "== Building the wheel from $repo"
# From a copy of the files git knows (committed or not, never ignored), so that nothing left in
# build/ by an earlier build, and nothing ignored (instance/, node_modules/), gets in.
mkdir "$scratch/source"
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  while IFS= read -r -d '' path; do
    [[ -e $repo/$path ]] || continue # deleted, not yet committed
    mkdir -p "$scratch/source/$(dirname "$path")"
    cp -P "$repo/$path" "$scratch/source/$path"
  done < <(git -C "$repo" ls-files -z --cached --others --exclude-standard)
else
  cp -R "$repo/." "$scratch/source"
  rm -rf "$scratch/source/build"
fi
"$python" -m pip wheel --quiet --disable-pip-version-check --no-deps \
  --wheel-dir "$scratch/wheel" "$scratch/source"
wheels=("$scratch"/wheel/*.whl)
[[ ${#wheels[@]} -eq 1 && -f ${wheels[0]} ]] || { echo "deploy: no wheel was built" >&2; exit 1; }
cp "${wheels[0]}" "$wheel_dir/"
wheel="$wheel_dir/$(basename "${wheels[0]}")"
echo "   $wheel"

echo "== Installing it in a fresh virtualenv at $venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "$wheel"

echo "== Release step: flask --app wsgi db upgrade"
mkdir "$scratch/empty"
(
  cd "$scratch/empty"
  # The installed code finds its templates, static files and migrations inside the package.
  "$venv/bin/python" -c "from web import paths; assert paths.TEMPLATES_DIR.parent == paths.PACKAGE_DIR"
  "$venv/bin/flask" --app wsgi db upgrade
)

echo "== Done. Start (or restart) the Procfile's processes with $venv/bin on the PATH:"
sed 's/^/   /' "$repo/Procfile"
