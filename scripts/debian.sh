# Sourced by the scripts that install Debian packages (setup.sh, fuzz.sh, gui-monkey.sh): one way
# to run a command as root and to tell which packages are missing. Each script says its own words.

# Runs a command as root: directly when root, else through sudo; without either, says what it
# needed and fails (a script under `set -e` stops there).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "need root to run: $*  (run as root or install sudo)" >&2; return 1
  fi
}

# Prints, one a line, the packages among the arguments that are not installed.
missing_packages() {
  local p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || printf '%s\n' "$p"
  done
}
