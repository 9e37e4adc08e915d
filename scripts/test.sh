#!/usr/bin/env bash
# Installs everything (scripts/setup.sh), then runs every test: UI unit tests, Rust unit,
# corpus and CLI tests, the IPC bindings check, a bounded fuzz run, and the end-to-end tests of
# the real app under Xvfb over WebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "UI: type check, unit tests, build"
npm run check --silent
npm run test:ui --silent
npm run build --silent

step "Stand-in services (subgraph, market API, IPFS gateways) and chain seeder: self-test"
node --test tests/standins/

step "Supply chain: cargo deny (licences, bans, sources, advisories) and npm audit"
bash scripts/audit.sh

step "Rust: format"
cargo fmt --all -- --check

step "Rust: unit, corpus, CLI and bindings tests"
# Inside a private D-Bus session with a real, unlocked Secret Service (gnome-keyring).
bash scripts/with-secret-service.sh cargo test --workspace --no-fail-fast

step "Windows and macOS: cross checks, and the Windows CLI under Wine"
bash scripts/platforms.sh

step "Fuzzing the archive parser (bounded: ${FUZZ_SECONDS:-30}s per target)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"

step "End to end: the real app under Xvfb, over WebDriver"
# The end-to-end build: the app with its test hooks (dialog answers, path grants), which a
# package never has (checked below on the installed binary); and the tray process, whose e2e
# build takes its interval in seconds from the environment.
cargo build -p result-vault-app --features e2e
cargo build -p result-vault-tray --features e2e
rm -rf tests/e2e/artifacts/logs tests/e2e/artifacts/secrets.txt
RESULT_VAULT_E2E=1 bash scripts/with-secret-service.sh node --test --test-concurrency=1 tests/e2e/

step "The Debian package: build it, install it, run a journey against the installed app"
bash scripts/package.sh
deb=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -1)
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO dpkg -i "$deb"
grep -q '^MimeType=.*application/zip' /usr/share/applications/*esult*ault*.desktop
grep -q '^Exec=result-vault-app %F' /usr/share/applications/*esult*ault*.desktop
test -f /usr/share/icons/hicolor/128x128/apps/result-vault-app.png
test -x /usr/bin/result-vault-tray
# The package has no end-to-end hook: none of their command names is in the installed binary.
if grep -q -a -e e2e_next_dialog_path -e e2e_grant /usr/bin/result-vault-app; then
  echo "the installed app has end-to-end test hooks" >&2; exit 1
fi
RESULT_VAULT_APP=/usr/bin/result-vault-app bash scripts/with-secret-service.sh \
  node --test --test-concurrency=1 tests/e2e/open-archive.test.mjs

step "No key material in any log of the end-to-end run"
node scripts/check-logs.mjs tests/e2e/artifacts/logs
