#!/usr/bin/env bash
# Runs each fuzz target for a bounded time (default 60 s each): the archive parser, seeded with
# the iExec SDK fixtures, and the other readers of outside data (keystores, recovery kits, the key
# ring file, JSON-RPC and subgraph answers), seeded from fuzz/seeds/<target>/. cargo-fuzz needs
# nightly flags; the stable toolchain accepts them with RUSTC_BOOTSTRAP=1, so no other toolchain
# is needed.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
export PATH="$HOME/.cargo/bin:$PATH" RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
# Seeds: the SDK fixtures in the repository (tests/fixtures/iexec-sdk); RESULT_VAULT_FIXTURES names
# another folder of them, as for the Rust tests (RESULT_VAULT_SHARED, the older override, still works).
fixtures=${RESULT_VAULT_FIXTURES:-${RESULT_VAULT_SHARED:+$RESULT_VAULT_SHARED/fixtures/iexec-sdk}}
fixtures=${fixtures:-$PWD/tests/fixtures/iexec-sdk}
targets=("${@:2}")
[ ${#targets[@]} -gt 0 ] || targets=(inner_zip outer_archive keystore recovery_kit keyring rpc_answer subgraph_answer)
for target in "${targets[@]}"; do
  corpus=$(mktemp -d)
  case $target in
    inner_zip | outer_archive) cp "$fixtures"/*.zip "$corpus/" ;;
    *) cp fuzz/seeds/"$target"/* "$corpus/" ;;
  esac
  echo "fuzzing $target for ${secs}s"
  # -s none: no sanitizer (safe Rust; panics and aborts are what we look for). rss_limit keeps
  # memory flat: the parser must never allocate in proportion to a declared size.
  cargo fuzz run -s none "$target" "$corpus" -- -max_total_time="$secs" -rss_limit_mb=512 -print_final_stats=1 2>&1 | tail -n 4
  rm -rf "$corpus"
done
