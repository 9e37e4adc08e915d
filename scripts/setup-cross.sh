#!/usr/bin/env bash
# Cross-build tooling for Windows and macOS (filled in by the platforms work; see scripts/platforms.sh).
set -euo pipefail
