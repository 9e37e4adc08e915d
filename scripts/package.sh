#!/usr/bin/env bash
# Builds the Debian package (release build, UI included): target/release/bundle/deb/*.deb, with
# the icons, a desktop entry and the MIME association for result zips (src-tauri/tauri.conf.json).
# (An AppImage needs linuxdeploy, downloaded from GitHub at build time: not built here.)
# Recompresses it with xz, then prints what a user downloads and installs: the .deb's size, its
# Installed-Size field, the sum of the files it installs, and the size of the app and tray binaries
# (the release profile in Cargo.toml strips them and optimises them whole); fails if the .deb is
# over 10 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
# The light tray process (crates/tray: the watch once the window is closed, without WebKit) goes
# beside the app in /usr/bin.
cargo build --release -p result-vault-tray
npx tauri build --bundles deb --ci --config \
  "{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/result-vault-tray\":\"$CARGO_TARGET_DIR/release/result-vault-tray\"}}}}}"
deb=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -n 1)
echo "$deb"

# Tauri's bundler compresses the package's files with gzip and has no setting for another
# (tauri-apps/tauri#9846). dpkg-deb rebuilds it, unchanged, with xz, the compression of Debian's
# own packages (dpkg reads it since 1.15.6): 14.0 -> 7.3 MiB here. Written beside, then renamed
# over the bundler's file.
repack=$(mktemp -d "$(dirname "$deb")/.repack.XXXXXX")
trap 'rm -rf "$repack"' EXIT
dpkg-deb --raw-extract "$deb" "$repack/root"
dpkg-deb --root-owner-group -Zxz -z9 --build "$repack/root" "$repack/package.deb" >/dev/null
mv "$repack/package.deb" "$deb"

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
deb_bytes=$(stat -c %s "$deb")
installed_kib=$(dpkg-deb -f "$deb" Installed-Size)
# dpkg-deb -c lists the data archive like `tar -tv`: the size is the third column, the path the
# sixth (with or without a leading ./, depending on the tool that made the .deb).
files_bytes=$(dpkg-deb -c "$deb" | awk '{ s += $3 } END { print s + 0 }')
bin_bytes=$(dpkg-deb -c "$deb" | awk '{ sub(/^\.\//, "", $6) } $6 == "usr/bin/result-vault-app" { print $3 }')
echo "package:   $(mib "$deb_bytes") ($deb_bytes bytes) $(basename "$deb")"
echo "installed: $(mib $(( installed_kib * 1024 ))) (Installed-Size: $installed_kib KiB; files: $files_bytes bytes)"
echo "binary:    $(mib "${bin_bytes:-0}") (${bin_bytes:-?} bytes) /usr/bin/result-vault-app"
tray_bytes=$(dpkg-deb -c "$deb" | awk '{ sub(/^\.\//, "", $6) } $6 == "usr/bin/result-vault-tray" { print $3 }')
[ -n "$tray_bytes" ] || { echo "the package has no /usr/bin/result-vault-tray" >&2; exit 1; }
echo "tray:      $(mib "$tray_bytes") ($tray_bytes bytes) /usr/bin/result-vault-tray"
# What a user downloads stays under 10 MB (issue 13, section 7): a dependency or a build setting
# that grows it fails here, where it is seen, not in a note after the release.
limit=10000000
if [ "$deb_bytes" -gt "$limit" ]; then
  echo "the package is $deb_bytes bytes, over the $limit-byte limit" >&2; exit 1
fi
