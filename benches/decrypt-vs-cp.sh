#!/usr/bin/env bash
# Decryption speed and memory against `cp`, side by side in one run.
#
#   benches/decrypt-vs-cp.sh [SIZE_MB ...]      (default: 512 2048)
#
# SIZE_MB is the size of the result (make-encrypted-result.sh's argument: half random bytes,
# half text that deflates away), so the archive is about half of it: 512 -> a 256 MB archive,
# 2048 -> 1 GB, 10240 -> 5 GB. For each size: builds the archive with
# scripts/make-encrypted-result.sh (openssl, as the enclave does), then times, best of 5,
# side by side:
#   cp ARCHIVE COPY                                  (the disk's speed)
#   result-vault decrypt ARCHIVE --output OUT.zip    (release build; checks every CRC)
# twice: with the archive in the page cache ("warm": memory speed, the worst case for us), and
# with the page cache dropped before each run ("cold": the disk's speed, what a user meets; needs
# root, else skipped; both programs are loaded once after the drop, so that only the archive is
# cold). Prints the ratio decrypt/cp (target <= 1.5) and the peak RSS from /usr/bin/time -v
# (target < 64 MB). Work files go to $BENCH_DIR (default: a temporary folder on /var/tmp).
# Run it on a quiet machine: two cores shared with another job halve the figures.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# The key pair: the SDK fixture in the repository (tests/fixtures/iexec-sdk), or the one in
# RESULT_VAULT_FIXTURES, as for the Rust tests (RESULT_VAULT_SHARED, the older override, still works).
fixtures=${RESULT_VAULT_FIXTURES:-${RESULT_VAULT_SHARED:+$RESULT_VAULT_SHARED/fixtures/iexec-sdk}}
fixtures=${fixtures:-$here/tests/fixtures/iexec-sdk}
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(512 2048)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/result-vault-target}
cargo build --quiet --release -p result-vault-cli
bin=$CARGO_TARGET_DIR/release/result-vault
work=${BENCH_DIR:-$(mktemp -d /var/tmp/rv-bench.XXXXXX)}; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
key=$fixtures/expected_key
pub=$fixtures/expected_key.pub

can_drop() { [ -w /proc/sys/vm/drop_caches ]; }
best_of_5() { # prints the best wall time in seconds of "$@" ($COLD=1: page cache dropped first)
  local best=""
  for _ in 1 2 3 4 5; do
    local s e t
    # Earlier runs' dirty pages are written out first (untimed), so that the kernel's writeback
    # of them does not run during this one.
    sync
    if [ "${COLD:-0}" = 1 ]; then
      echo 3 > /proc/sys/vm/drop_caches
      cp --version >/dev/null; "$bin" --version >/dev/null  # the programs warm, the archive cold
    fi
    s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc -l)
    if [ -z "$best" ] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
    rm -f "$work/copy" "$work/out.zip"
  done
  echo "$best"
}

printf '%-8s %-10s %-6s %-9s %-9s %-7s %-8s %s\n' size_MB archive_MB cache cp_s decrypt_s ratio MB/s peak_RSS_MB
for mb in "${sizes[@]}"; do
  archive=$work/archive-$mb.zip
  bash "$here/scripts/make-encrypted-result.sh" "$pub" "$mb" "$archive" >/dev/null
  asize=$(( $(stat -c %s "$archive") / 1048576 ))
  rss=$( { /usr/bin/time -v "$bin" decrypt "$archive" --key "$key" --output "$work/out.zip" >/dev/null; } 2>&1 | awk -F': ' '/Maximum resident/ {print int($2/1024)}')
  # The decrypted zip must be the openssl plaintext.
  want=$(cat "$archive.plain.sha256"); got=$(sha256sum "$work/out.zip" | cut -d' ' -f1)
  [ "$want" = "$got" ] || { echo "MISMATCH: decrypted zip differs from the openssl plaintext" >&2; exit 1; }
  rm -f "$work/out.zip"
  for cache in warm cold; do
    if [ $cache = cold ] && ! can_drop; then echo "(cold cache skipped: /proc/sys/vm/drop_caches not writable)"; continue; fi
    cold=0; [ $cache = cold ] && cold=1
    cat "$archive" > /dev/null
    tcp=$(COLD=$cold best_of_5 cp "$archive" "$work/copy")
    tdec=$(COLD=$cold best_of_5 "$bin" decrypt "$archive" --key "$key" --output "$work/out.zip")
    ratio=$(echo "$tdec / $tcp" | bc -l)
    speed=$(echo "$asize / $tdec" | bc -l)
    printf '%-8s %-10s %-6s %-9.3f %-9.3f %-7.2f %-8.0f %s\n' "$mb" "$asize" "$cache" "$tcp" "$tdec" "$ratio" "$speed" "$rss"
  done
  rm -f "$archive" "$archive.plain.sha256"
done
