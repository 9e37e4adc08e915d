#!/usr/bin/env bash
# Windows and macOS lane (filled in by the platforms work).
set -euo pipefail
