#!/usr/bin/env bash
# The browser tests run the Nu HTML Checker (npm vnu-jar, pinned in package-lock.json) with Java.
# Install what is missing when we can (Debian's Java as root; the jar from the lockfile);
# otherwise say how.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${missing[*]} for the Nu HTML Checker..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "The Nu HTML Checker needs ${missing[*]}, which this machine lacks." >&2
    echo "Install with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  # vnu-jar's install script only downloads a Java runtime: Java is already here.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
