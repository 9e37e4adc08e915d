#!/usr/bin/env bash
# Supply-chain checks: cargo-deny (licences, bans, sources: offline, must pass; advisories: needs
# the RustSec database from GitHub) and npm audit (needs the npm registry's audit endpoint).
# RUSTSEC-2023-0071 (rsa timing) is the one accepted advisory, documented in deny.toml.
# Where a database cannot be reached, the check says SKIPPED and why: it never reports a pass it
# did not make.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo deny check licenses bans sources
if timeout 20 git ls-remote https://github.com/RustSec/advisory-db HEAD >/dev/null 2>&1; then
  cargo deny check advisories
else
  echo "SKIPPED cargo deny check advisories: github.com (the RustSec advisory database) is unreachable from here."
fi
if npm audit --audit-level=high >/tmp/rv-npm-audit.txt 2>&1; then
  echo "npm audit: no high or critical advisory."
elif grep -q "audit endpoint returned an error" /tmp/rv-npm-audit.txt; then
  echo "SKIPPED npm audit: the registry's audit endpoint is unavailable from here ($(grep -m1 -o '[0-9]\{3\} [A-Za-z ]*- POST' /tmp/rv-npm-audit.txt || echo error))."
else
  cat /tmp/rv-npm-audit.txt
  exit 1
fi
