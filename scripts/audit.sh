#!/usr/bin/env bash
# Supply-chain checks: cargo-deny (licences, bans, sources, advisories) over the crates of every
# target deny.toml lists (Linux, Windows, macOS), and npm audit (needs the npm registry's audit
# endpoint).
#
# Advisories always run: against the live RustSec database when GitHub answers, otherwise against
# the snapshot in the repository (tests/fixtures/advisory-db/, see its README), offline. The line
# "advisories: ..." says which database, and its date, was used. Accepted findings are listed, each
# with its reason, in deny.toml's [advisories] ignore.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# cargo-deny reads the manifest of every crate in the lock file, Windows- and macOS-only ones
# included, and `--offline` below forbids downloads: fetch them all first (a no-op when cached).
cargo fetch --locked --quiet

cargo deny check licenses bans sources

snapshot_tar=tests/fixtures/advisory-db/rustsec-advisory-db-2026-08-21.tar.gz
if timeout 60 cargo deny fetch db >/dev/null 2>&1; then
  echo "advisories: the live RustSec database (github.com/rustsec/advisory-db)"
  cargo deny --offline check advisories
else
  echo "advisories: GitHub unreachable; using the snapshot $snapshot_tar (RustSec as of 2026-08-21)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # cargo-deny 0.20 looks for the database of its default URL in <db-path>/advisory-db-3157b0e258782691
  # and wants a git repository there: unpack the snapshot under that name and commit it once.
  db=$tmp/advisory-dbs/advisory-db-3157b0e258782691
  mkdir -p "$db"
  tar -xzf "$snapshot_tar" -C "$db"
  git -C "$db" init -q
  git -C "$db" add -A
  git -C "$db" -c user.name=snapshot -c user.email=snapshot@localhost -c commit.gpgsign=false commit -qm snapshot
  # The same configuration, pointed at the snapshot.
  awk -v path="$tmp/advisory-dbs" '{ print } /^\[advisories\]/ { print "db-path = \"" path "\"" }' deny.toml > "$tmp/deny.toml"
  grep -q '^db-path = ' "$tmp/deny.toml" || { echo "audit: deny.toml has no [advisories] table" >&2; exit 1; }
  cargo deny --offline --config "$tmp/deny.toml" check advisories
fi

if npm audit --audit-level=high >/tmp/rv-npm-audit.txt 2>&1; then
  echo "npm audit: no high or critical advisory."
elif grep -q "audit endpoint returned an error" /tmp/rv-npm-audit.txt; then
  echo "SKIPPED npm audit: the registry's audit endpoint is unavailable from here ($(grep -m1 -o '[0-9]\{3\} [A-Za-z ]*- POST' /tmp/rv-npm-audit.txt || echo error))."
else
  cat /tmp/rv-npm-audit.txt
  exit 1
fi
