#!/usr/bin/env bash
# Installs everything Result Vault needs to build, run and test on Debian 12 (idempotent).
#   scripts/setup.sh          system packages, npm packages, tauri-driver
# Needs root or sudo for apt-get. Rust (cargo) and Node.js >= 20 must be on PATH; both are
# checked with a clear message.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# System packages: WebKitGTK for Tauri; Xvfb, WebKitWebDriver, xdotool and python3-gi for the
# end-to-end tests; gnome-keyring and dbus for the Secret Service; openssl, zip, xxd for the
# archive tools; age for recovery kits; imagemagick for screenshots; bc for the benchmark;
# locales for the French end-to-end run (its fr_FR sources are compiled by the test); the
# ayatana app indicator for the tray icon; dunst, a real notification daemon for the tests of
# the notifications (org.freedesktop.Notifications over D-Bus).
APT_PKGS=(build-essential pkg-config curl file libwebkit2gtk-4.1-dev libssl-dev
  xvfb xauth webkit2gtk-driver xdotool python3-gi gir1.2-gtk-3.0 imagemagick
  gnome-keyring libsecret-1-0 dbus dbus-x11 libglib2.0-bin openssl zip unzip xxd age bc time locales
  libayatana-appindicator3-dev dunst)
# shellcheck source=scripts/apt-install.sh
. scripts/apt-install.sh
apt_install "${APT_PKGS[@]}"

command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup (https://rustup.rs), then run this again." >&2; exit 1; }
command -v node >/dev/null || { echo "node not found: install Node.js 20 or newer, then run this again." >&2; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "Node.js $node_major is too old: Node.js 20 or newer is needed." >&2; exit 1; }

# npm packages (UI, Tauri CLI, test tools), exactly as locked.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
fi

# The reference iExec CLI (npm iexec 9.0.1), for the interoperability tests of exported keys.
if [ ! -d tests/interop/node_modules ] || [ tests/interop/package-lock.json -nt tests/interop/node_modules/.package-lock.json ]; then
  say "installing the iexec CLI for the interoperability tests"
  npm ci --prefix tests/interop --no-audit --no-fund
fi

# The PoCo ABI as published (npm @iexec/poco 6.1.0; `npm pack` because its git dependency does not
# install), to check the struct layouts Result Vault decodes.
if [ ! -f tests/interop/poco/package/abis/contracts/IexecInterfaceToken.json ]; then
  say "fetching the PoCo ABI (npm pack @iexec/poco@6.1.0)"
  mkdir -p tests/interop/poco
  (cd tests/interop/poco && npm pack @iexec/poco@6.1.0 --silent >/dev/null && tar xzf iexec-poco-6.1.0.tgz)
fi

# tauri-driver: the WebDriver bridge for the end-to-end tests.
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
  say "installing tauri-driver (cargo install, about 2 minutes)"
  cargo install tauri-driver --locked --version '^2' --quiet
fi
# cargo-deny: licences, bans and sources of every crate (scripts/audit.sh).
if ! command -v cargo-deny >/dev/null; then
  say "installing cargo-deny (cargo install, a few minutes)"
  cargo install cargo-deny --locked --quiet
fi
# Cross builds for Windows and macOS, and Wine to run the Windows CLI (scripts/setup-cross.sh).
bash scripts/setup-cross.sh
say "ready"
