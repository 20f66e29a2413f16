#!/usr/bin/env bash
# Build the front-end assets under static/ from the pinned npm lockfile.
#   static/css/app.css                 <- static/src/app.scss (Sass, compressed)
#   static/js/govuk-frontend.min.js    <- node_modules/govuk-frontend (v6, ES module)
# Our own small ES modules (static/js/app.js, static/js/timeout-warning.js) and
# static/images/favicon.svg are hand-written and kept in git (not generated).
# Re-runnable; the same lockfile gives byte-identical output.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Exact dependency tree from package-lock.json. Install scripts are not needed
# (the only one is sass's optional file watcher), so skip them.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

GOVUK_DIST=node_modules/govuk-frontend/dist/govuk
mkdir -p static/css static/js

./node_modules/.bin/sass \
  --pkg-importer=node \
  --style=compressed \
  --no-source-map \
  --no-error-css \
  static/src/app.scss static/css/app.css

# Guard: never ship the GOV.UK brand (GDS Transport font, crown, crest).
if grep -qiE 'GDS Transport|@font-face|crown|crest' static/css/app.css; then
  echo "build-assets: GOV.UK brand asset found in static/css/app.css" >&2
  exit 1
fi

# Vendor JS, without the trailing source-map comment (the map is not shipped).
sed -e '/^\/\/# sourceMappingURL=/d' -e 's#//\# sourceMappingURL=[^ ]*$##' \
  "$GOVUK_DIST/govuk-frontend.min.js" > static/js/govuk-frontend.min.js

echo "build-assets: wrote"
for f in static/css/app.css static/js/*.js; do
  printf '  %-36s %8d bytes  sha256 %s\n' "$f" "$(wc -c < "$f")" \
    "$(sha256sum "$f" | cut -d' ' -f1)"
done
