#!/usr/bin/env bash
# Windows and macOS lane (run by scripts/test.sh; tools installed by scripts/setup-cross.sh):
#   1. cargo check of the whole workspace, the Tauri app included, for x86_64-pc-windows-gnu
#      (MinGW-w64) and aarch64-apple-darwin (zig cc with its macOS libc headers for the C of ring,
#      SQLite and objc2; nothing is linked, so no Apple SDK is needed);
#   2. the CLI built for Windows (debug profile: dependencies optimised, as every test build),
#      and the test-only bcryptprimitives.dll shim (tests/windows/bcryptprimitives.c) beside it;
#   3. the Windows CLI lane under Wine (tests/windows/cli.test.mjs), headless, in a temporary
#      WINEPREFIX with one wineserver for the whole run.
# Each stage is timed; a summary is printed at the end.
#   scripts/platforms.sh            everything
#   CARGO_LOCK=/tmp/x.lock ...      wraps every cargo call in `flock $CARGO_LOCK` (shared machines)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}

WIN=x86_64-pc-windows-gnu
MAC=aarch64-apple-darwin
WINE=${WINE:-/usr/lib/wine/wine64}
WINESERVER=${WINESERVER:-/usr/lib/wine/wineserver64}
ZIG_BIN="$HOME/.cache/result-vault/zig-0.15.2/bin"

say() { printf '\033[1m[platforms]\033[0m %s\n' "$*"; }
cargo_() { if [ -n "${CARGO_LOCK:-}" ]; then flock "$CARGO_LOCK" cargo "$@"; else cargo "$@"; fi; }

summary=()
stage() { # stage NAME COMMAND...: runs it, times it, records the result; stops the lane on failure
  local name=$1; shift
  say "$name"
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  "$@" || rc=$?
  t1=$(date +%s.%N)
  local secs
  secs=$(printf '%.1f' "$(echo "$t1 - $t0" | bc)")
  if [ $rc -eq 0 ]; then
    summary+=("$(printf '%-62s %7s s  ok' "$name" "$secs")")
    say "$name: ok in $secs s"
  else
    summary+=("$(printf '%-62s %7s s  FAILED (exit %s)' "$name" "$secs" "$rc")")
    print_summary
    say "$name: FAILED (exit $rc) after $secs s"
    exit $rc
  fi
}
print_summary() {
  printf '\n\033[1m[platforms] stage times\033[0m\n'
  printf '  %s\n' "${summary[@]}"
}

# ---- 1. checks ----
check_windows() { cargo_ check --workspace --target "$WIN"; }

check_macos() {
  if [ ! -x "$ZIG_BIN/aarch64-apple-darwin-cc" ]; then
    say "macOS: NOT CHECKED: no C compiler for $MAC (zig from scripts/setup-cross.sh is missing);"
    say "ring, libsqlite3-sys and objc2-exception-helper compile C in their build scripts, and every"
    say "crate of the workspace depends on them."
    return 1
  fi
  export CC_aarch64_apple_darwin="$ZIG_BIN/aarch64-apple-darwin-cc"
  export AR_aarch64_apple_darwin="$ZIG_BIN/aarch64-apple-darwin-ar"
  # Everything but the app first: it must pass.
  cargo_ check --workspace --exclude result-vault-app --target "$MAC"
  # The app: Tauri's notification plugin on macOS builds mac-notification-sys, whose build script
  # compiles Objective-C against Cocoa, which only Apple's macOS SDK has. Without it (always here),
  # the app is said to be not checked, and why; any other failure fails the stage.
  local log
  log=$(mktemp)
  if cargo_ check -p result-vault-app --target "$MAC" 2> >(tee "$log" >&2); then
    rm -f "$log"
    return 0
  fi
  if grep -q "Cocoa/Cocoa.h' file not found" "$log" && grep -q "mac-notification-sys" "$log"; then
    say "macOS: result-vault-app NOT CHECKED: mac-notification-sys (Tauri's notification plugin on macOS)"
    say "compiles Objective-C against Cocoa/Cocoa.h, which only Apple's macOS SDK provides; the core,"
    say "the engine and the CLI were checked for $MAC."
    rm -f "$log"
    return 0
  fi
  rm -f "$log"
  return 1
}

# ---- 2. the Windows CLI and the shim ----
build_cli() { cargo_ build -p result-vault-cli --target "$WIN"; }

LANE_DIR=""
build_shim() {
  LANE_DIR=$(mktemp -d /tmp/rv-wine-lane.XXXXXX)
  cp "$CARGO_TARGET_DIR/$WIN/debug/result-vault.exe" "$LANE_DIR/"
  x86_64-w64-mingw32-gcc -O2 -shared -s -Wall -Werror -o "$LANE_DIR/bcryptprimitives.dll" \
    tests/windows/bcryptprimitives.c -ladvapi32
  ls -l "$LANE_DIR"
}

# ---- 3. the lane under Wine ----
export WINEDEBUG=-all
# No Mono or Gecko (their install prompts): the CLI needs neither.
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
cleanup() {
  if [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then
    "$WINESERVER" -k 2>/dev/null || true
    rm -rf "$WINEPREFIX"
  fi
  [ -z "$LANE_DIR" ] || rm -rf "$LANE_DIR"
}
trap cleanup EXIT
wine_prefix() {
  export WINEPREFIX
  WINEPREFIX=$(mktemp -d /tmp/rv-wineprefix.XXXXXX)
  "$WINE" wineboot -i >/dev/null 2>&1
  # One wineserver for the whole lane (otherwise each command starts and stops its own).
  "$WINESERVER" -p
  "$WINE" "$LANE_DIR/result-vault.exe" --version
}
windows_lane() {
  local linux="$CARGO_TARGET_DIR/debug/result-vault"
  RV_EXE="$LANE_DIR/result-vault.exe" WINE="$WINE" RV_LINUX="$([ -x "$linux" ] && echo "$linux" || true)" \
    node --test --test-concurrency=1 tests/windows/
}

stage "check the workspace for Windows ($WIN)" check_windows
stage "check the workspace for macOS ($MAC)" check_macos
stage "build result-vault.exe ($WIN, debug)" build_cli
stage "build the test-only bcryptprimitives.dll shim (MinGW)" build_shim
stage "make a Wine prefix (wineboot)" wine_prefix
stage "Windows CLI lane under Wine (tests/windows)" windows_lane
print_summary
