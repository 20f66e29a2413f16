#!/usr/bin/env bash
# The browser tests run the Nu HTML Checker (npm vnu-jar, pinned in package-lock.json) with Java.
# Install what is missing when we can (Debian's Java as root; the jar from the lockfile);
# otherwise say how.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  apt_install_or_explain "for the Nu HTML Checker" "${missing[@]}" || exit 1
fi

if [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  # vnu-jar's install script only downloads a Java runtime: Java is already here.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
