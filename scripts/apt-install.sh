# Sourced by scripts/setup.sh and scripts/setup-cross.sh: installs the Debian packages named as
# arguments that are not installed yet (one `apt-get update` and one install, only when some
# are missing). Needs root or sudo. Uses the caller's `say`.
apt_install() {
  local sudo="" missing=() p
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  say "installing system packages: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}
