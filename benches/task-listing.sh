#!/usr/bin/env bash
# Task listing speed: N deals (default 1,000) of one beneficiary, served by the stand-in subgraph
# (tests/standins) on 127.0.0.1 and confirmed on a real local EVM node (ganache) seeded with the
# same deals and tasks.
#
#   benches/task-listing.sh [DEALS]
#
# Measures with /usr/bin/time -v, best of 3, the release CLI:
#   cold:  `result-vault tasks --json` on an empty cache: every page of the subgraph, every task
#          stored in SQLite (the tasks no index described are confirmed on chain);
#   chain: `result-vault tasks --full --json` on an empty cache: the same, plus every open task
#          confirmed with batched viewTask calls (once, for information: no target);
#   cache: `result-vault tasks --offline --json`: the list read back from SQLite (what the app
#          shows at start).
# Prints the times, the split index/chain from the refresh's own figures, the peak RSS, and the
# ratio to the targets (cold < 2 s, cache < 200 ms). Everything it starts is stopped at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
deals=${1:-1000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/result-vault-target}
cargo build --quiet --release -p result-vault-cli
bin=$CARGO_TARGET_DIR/release/result-vault
work=$(mktemp -d /var/tmp/rv-listing.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
beneficiary=0xc08c3def622af1476f2db0e3cc8ccaead07be3bb
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { node -e 'const v=JSON.parse(require("fs").readFileSync(0,"utf8").trim().split("\n").pop()); const k=process.argv[1].split("."); let x=v; for (const p of k) x=x[p]; console.log(x)' "$1"; }

port=$(free_port)
tests/interop/node_modules/.bin/ganache --server.host 127.0.0.1 --server.port "$port" --chain.chainId 1337 \
  --wallet.deterministic --logging.quiet >/dev/null 2>&1 &
pids+=($!)
rpc=http://127.0.0.1:$port
for _ in $(seq 100); do
  curl -s -m 1 -H 'content-type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$rpc" | grep -q result && break
  sleep 0.2
done

echo "Making and seeding $deals deals..."
scenario=$(node tests/standins/make-scenario.mjs --out "$work/s" --beneficiary "$beneficiary" --deals "$deals" | field scenario)
hub=$(node tests/standins/seed-chain.mjs --rpc "$rpc" --scenario "$scenario" | field hub)
mkfifo "$work/keep"
node tests/standins/standins.mjs --scenario "$scenario" < "$work/keep" > "$work/urls" 2>/dev/null &
pids+=($!)
exec 3>"$work/keep"
for _ in $(seq 100); do [ -s "$work/urls" ] && break; sleep 0.1; done
subgraph=$(field subgraph < "$work/urls")
market=$(field market < "$work/urls")
net=(--network bench --chain-id 1337 --rpc-url "$rpc" --hub "$hub" --subgraph-url "$subgraph" --market-url "$market")

measure() { # prints "seconds max_rss_kb" of one run of "$@", stdout to $work/out.json
  /usr/bin/time -v "$@" > "$work/out.json" 2> "$work/time.txt"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  echo "$wall $rss"
}

best_cold="" best_cache="" rss_cold=0 rss_cache=0 index_ms="" confirm_ms=""
for i in 1 2 3; do
  rm -rf "$work/home"
  read -r t r < <(measure "$bin" tasks --beneficiary "$beneficiary" --json --home "$work/home" "${net[@]}")
  rows=$(field tasks.length < "$work/out.json")
  if [ -z "$best_cold" ] || awk "BEGIN{exit !($t < $best_cold)}"; then
    best_cold=$t; rss_cold=$r
    index_ms=$(field refresh.index_ms < "$work/out.json"); confirm_ms=$(field refresh.confirm_ms < "$work/out.json")
  fi
  read -r t r < <(measure "$bin" tasks --offline --beneficiary "$beneficiary" --json --home "$work/home" "${net[@]}")
  if [ -z "$best_cache" ] || awk "BEGIN{exit !($t < $best_cache)}"; then best_cache=$t; rss_cache=$r; fi
done
rm -rf "$work/home"
read -r full_t _ < <(measure "$bin" tasks --full --beneficiary "$beneficiary" --json --home "$work/home" "${net[@]}")
full_confirmed=$(field refresh.confirmed < "$work/out.json")
printf '\n%s deals, %s tasks listed (release build, best of 3)\n' "$deals" "$rows"
printf '  cold  (subgraph + SQLite + chain): %6.3f s  (index %s ms, chain %s ms)  peak RSS %d MB   target 2 s: %.2fx of budget\n' \
  "$best_cold" "$index_ms" "$confirm_ms" $((rss_cold / 1024)) "$(echo "$best_cold / 2" | bc -l)"
printf '  chain (--full, %s viewTask calls):  %6.3f s  (ganache answers about one call per 10 ms)\n' "$full_confirmed" "$full_t"
printf '  cache (SQLite only):               %6.3f s                              peak RSS %d MB   target 0.2 s: %.2fx of budget\n' \
  "$best_cache" $((rss_cache / 1024)) "$(echo "$best_cache / 0.2" | bc -l)"
