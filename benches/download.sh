#!/usr/bin/env bash
# Download speed and memory: a SIZE_MB file (default 1024) served on 127.0.0.1 by the stand-in
# IPFS gateway (tests/standins, Node, streaming), fetched best of 3 by:
#   curl -o                      (the reference: a plain HTTP client writing to disk)
#   Result Vault's downloader    (release; to a .part file, fsync, rename; progress and resume)
# Prints wall times, the ratio to curl and the peak RSS (/usr/bin/time -v).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
size=${1:-1024}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/result-vault-target}
cargo build --quiet --release -p result-vault-core --example download
bin=$CARGO_TARGET_DIR/release/examples/download
work=$(mktemp -d /var/tmp/rv-dl.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
head -c "${size}M" /dev/urandom > "$work/archive.zip"
cid=/ipfs/QmBenchDownloadAbcdefghijkmnopqrstuvwxyz1234567
printf '{"chainId":1337,"deals":[],"files":{"%s":"%s"}}' "$cid" "$work/archive.zip" > "$work/scenario.json"
mkfifo "$work/keep"
node tests/standins/standins.mjs --scenario "$work/scenario.json" < "$work/keep" > "$work/urls" 2>/dev/null &
pid=$!
exec 3>"$work/keep"
for _ in $(seq 100); do [ -s "$work/urls" ] && break; sleep 0.1; done
url=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).gateways[0])' < "$work/urls")$cid

measure() { # wall seconds and max RSS (kB) of "$@"
  /usr/bin/time -v "$@" > /dev/null 2> "$work/time.txt"
  awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'
  awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt"
}
best() { sort -g | head -1; }
curl_t=() ours_t=() ours_rss=0
for _ in 1 2 3; do
  rm -f "$work/c.zip" "$work/o.zip"*
  mapfile -t r < <(measure curl -s -o "$work/c.zip" "$url"); curl_t+=("${r[0]}")
  mapfile -t r < <(measure "$bin" "$url" "$work/o.zip"); ours_t+=("${r[0]}"); ours_rss=${r[1]}
  cmp -s "$work/archive.zip" "$work/o.zip" || { echo "downloaded file differs" >&2; exit 1; }
done
c=$(printf '%s\n' "${curl_t[@]}" | best); o=$(printf '%s\n' "${ours_t[@]}" | best)
printf '%s MB over loopback, best of 3: curl %.3f s, Result Vault %.3f s (ratio %.2f, %.0f MB/s), peak RSS %d MB\n' \
  "$size" "$c" "$o" "$(echo "$o / $c" | bc -l)" "$(echo "$size / $o" | bc -l)" $((ours_rss / 1024))
