#!/usr/bin/env bash
# Cross-build tooling for Windows and macOS (used by scripts/platforms.sh), idempotent and quick
# when everything is there:
#   - MinGW-w64 (the C cross compiler for x86_64-pc-windows-gnu: ring, SQLite, the test-only
#     bcryptprimitives.dll shim of tests/windows/), Wine 8 (to run the Windows CLI), NSIS (the
#     Windows installer from Linux);
#   - the Rust standard libraries of x86_64-pc-windows-gnu and aarch64-apple-darwin;
#   - Zig (PyPI `ziglang`, in a venv under ~/.cache/result-vault/), the C compiler with the
#     macOS libc headers that the build scripts of ring and SQLite need to check the workspace
#     for aarch64-apple-darwin (no Apple SDK is needed to check, only to link).
# Needs root or sudo for apt-get, as scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup-cross]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

# wine64 is /usr/lib/wine/wine64; wine adds the /usr/bin/wine launcher. python3-venv for Zig.
APT_PKGS=(gcc-mingw-w64-x86-64 wine64 wine nsis python3-venv)
# shellcheck source=scripts/apt-install.sh
. scripts/apt-install.sh
apt_install "${APT_PKGS[@]}"

# Rust standard libraries of the two cross targets.
installed=$(rustup target list --installed)
for t in x86_64-pc-windows-gnu aarch64-apple-darwin; do
  grep -qx "$t" <<<"$installed" || { say "rustup target add $t"; rustup target add "$t"; }
done

# Zig, pinned, from PyPI (the ziglang wheel ships the zig binary and its libc headers), and two
# wrappers that scripts/platforms.sh gives cc-rs for the macOS check: aarch64-apple-darwin-cc
# (zig cc -target aarch64-macos; cc-rs's own -arch and --target are dropped) and -ar (zig ar).
ZIG_VERSION=0.15.2
ZIG_DIR="$HOME/.cache/result-vault/zig-$ZIG_VERSION"
if [ ! -x "$ZIG_DIR/bin/aarch64-apple-darwin-cc" ]; then
  say "installing zig $ZIG_VERSION (PyPI ziglang) in $ZIG_DIR"
  rm -rf "$ZIG_DIR"
  python3 -m venv "$ZIG_DIR"
  "$ZIG_DIR/bin/pip" install -q --disable-pip-version-check "ziglang==$ZIG_VERSION"
  printf '#!/bin/sh\nexec "%s/bin/python" -m ziglang ar "$@"\n' "$ZIG_DIR" >"$ZIG_DIR/bin/aarch64-apple-darwin-ar"
  {
    echo '#!/usr/bin/env bash'
    echo 'args=(); skip=0'
    echo 'for a in "$@"; do'
    echo '  if [ $skip = 1 ]; then skip=0; continue; fi'
    echo '  case $a in -arch | -target) skip=1 ;; --target=*) ;; *) args+=("$a") ;; esac'
    echo 'done'
    echo "exec \"$ZIG_DIR/bin/python\" -m ziglang cc -target aarch64-macos \"\${args[@]}\""
  } >"$ZIG_DIR/bin/aarch64-apple-darwin-cc"
  chmod +x "$ZIG_DIR/bin/aarch64-apple-darwin-ar" "$ZIG_DIR/bin/aarch64-apple-darwin-cc"
fi
