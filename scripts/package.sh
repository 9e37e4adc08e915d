#!/usr/bin/env bash
# Builds the Debian package (release build, UI included): target/release/bundle/deb/*.deb, with
# the icons, a desktop entry and the MIME association for result zips (src-tauri/tauri.conf.json).
# (An AppImage needs linuxdeploy, downloaded from GitHub at build time: not built here.)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
npx tauri build --bundles deb --ci
ls "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb
