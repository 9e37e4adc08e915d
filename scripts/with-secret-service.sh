#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a real Secret Service (gnome-keyring),
# unlocked, whose keyring files live in a temporary HOME: tests use the real keychain without
# touching the user's own.
#   scripts/with-secret-service.sh COMMAND [ARGS...]
set -euo pipefail
if [ -z "${RV_IN_SECRET_SESSION:-}" ]; then
  export RV_IN_SECRET_SESSION=1
  # cargo, rustup and npm find their homes even though HOME changes below.
  export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
  export npm_config_cache="${npm_config_cache:-$HOME/.npm}" REAL_HOME="$HOME"
  exec dbus-run-session -- "$0" "$@"
fi
keyring_home=$(mktemp -d /tmp/rv-keyring-home.XXXXXX)
export HOME="$keyring_home" XDG_DATA_HOME="$keyring_home/.local/share" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
before=$(pgrep -x gnome-keyring-d || true)
eval "$(printf 'test-password' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
daemons=$(pgrep -x gnome-keyring-d | grep -vxF "${before:-none}" || true)
set +e
"$@"
rc=$?
for pid in $daemons; do kill "$pid" 2>/dev/null; done
sleep 0.2
rm -rf "$keyring_home" 2>/dev/null
exit $rc
