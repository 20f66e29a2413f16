# Sourced by the ensure-* scripts: install Debian packages when running as root, or say how.
# Usage: apt_install_or_explain "why they are needed" package...
# Returns 0 once installed; otherwise prints the command to run and returns 1.
apt_install_or_explain() {
  local why=$1
  shift
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing $* ($why)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    return 0
  fi
  echo "Missing $* ($why)." >&2
  echo "Install with: sudo apt-get install --no-install-recommends $*" >&2
  return 1
}
