#!/usr/bin/env bash
# Installs everything (scripts/setup.sh), builds the UI, the app and its tray process, and starts
# Result Vault.
# Without a display, run it as `xvfb-run -a scripts/start.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
npm run build --silent
cargo build -p result-vault-app -p result-vault-tray
exec "$CARGO_TARGET_DIR/debug/result-vault-app" "$@"
