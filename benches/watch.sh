#!/usr/bin/env bash
# The background watch's cost (issue "Results come to you", section 5).
#
#   benches/watch.sh [DEALS]
#
# 1. A background check when nothing changed: 3 beneficiaries on 2 networks, DEALS (default
#    1,000) deals each, served by the stand-in subgraph and market API on 127.0.0.1 (one
#    scenario holding the 3 beneficiaries' deals; both networks point at it). The release CLI's
#    `watch check` runs once to learn the tasks (every page), then 5 times with nothing changed:
#    the RPC is then a closed port (any RPC call would fail the check), and the stand-ins' request
#    log gives the requests of each check (the CLI of the dev profile, optimised). Prints requests per address × network and the time,
#    against the targets (1 subgraph request per address and network, no RPC, < 200 ms).
# 2. The idle cost of the app in the tray between checks: the built app started with
#    `--background` (the state after the window is closed to the tray: on Linux the light tray
#    process, crates/tray, which the app becomes when it is beside it; else the app, no window)
#    under Xvfb, with the same 6 watched addresses and a 10-minute interval; after 10 s, its
#    PSS (/proc/PID/smaps_rollup, with any child process) and its CPU over 30 s; against the
#    targets (< 50 MB PSS, < 1 % CPU).
# Everything it starts is stopped at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
deals=${1:-1000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/result-vault-target}
# The workspace's dev profile is optimised (Cargo.toml), as the app the e2e tests run.
cargo build --quiet -p result-vault-cli -p result-vault-tray
bin=$CARGO_TARGET_DIR/debug/result-vault
app=${RESULT_VAULT_APP:-$CARGO_TARGET_DIR/debug/result-vault-app}
work=$(mktemp -d /var/tmp/rv-watch.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
addresses=(0xc08c3def622af1476f2db0e3cc8ccaead07be3bb 0x1111111111111111111111111111111111111111 0x2222222222222222222222222222222222222222)

# One scenario with the deals of the 3 beneficiaries.
for i in 0 1 2; do
  node tests/standins/make-scenario.mjs --out "$work/s$i" --beneficiary "${addresses[$i]}" --deals "$deals" >/dev/null
done
node -e '
  const fs = require("fs");
  const [out, ...ins] = process.argv.slice(1);
  const all = ins.map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const merged = { ...all[0], deals: all.flatMap((s) => s.deals), files: Object.assign({}, ...all.map((s) => s.files)) };
  fs.writeFileSync(out, JSON.stringify(merged));
' "$work/scenario.json" "$work/s0/scenario.json" "$work/s1/scenario.json" "$work/s2/scenario.json"
node tests/standins/standins.mjs --scenario "$work/scenario.json" > "$work/standins.json" 2>/dev/null < /dev/null &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/standins.json" ] && break; sleep 0.1; done
val() { node -e 'const v=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); let x=v; for (const k of process.argv[2].split(".")) x=x[k]; console.log(x)' "$work/standins.json" "$1"; }
subgraph=$(val subgraph); market=$(val market); control=$(val control)
networks() { # $1: the RPC URL
  node -e '
    const [rpc, subgraph, market] = process.argv.slice(1);
    const net = (name) => ({ name, label: name, chain_id: 1337, rpc_url: rpc, hub: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f",
      sms_urls: ["http://127.0.0.1:9"], ipfs_gateways: ["http://127.0.0.1:9"], subgraph_url: subgraph, market_api_url: market, legacy: false });
    console.log(JSON.stringify({ networks: [net("bench-a"), net("bench-b")] }));
  ' "$1" "$subgraph" "$market" > "$work/networks.json"
}
networks http://127.0.0.1:9
export RESULT_VAULT_NETWORKS=$work/networks.json
home=$work/home
for a in "${addresses[@]}"; do
  for n in bench-a bench-b; do "$bin" --home "$home" watch add "$a" --network "$n" >/dev/null; done
done
t0=$(date +%s%N)
"$bin" --home "$home" --json watch check > "$work/first.json"
t1=$(date +%s%N)
echo "first check (learns every task: $((3 * deals)) deals on 2 networks): $(( (t1 - t0) / 1000000 )) ms"
best=999999
for round in 1 2 3 4 5; do
  curl -s -m 2 -X POST "$control/reset" -d '{}' >/dev/null
  t0=$(date +%s%N)
  "$bin" --home "$home" --json watch check > "$work/check.json"
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  [ "$ms" -lt "$best" ] && best=$ms
  inner=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).took_ms)' "$work/check.json")
  ok=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(r.ok && r.new_results.length===0 ? "ok" : "FAILED " + JSON.stringify(r.problems))' "$work/check.json")
  counts=$(curl -s -m 2 "$control/log" | node -e 'const l=JSON.parse(require("fs").readFileSync(0,"utf8")); const c={}; for (const e of l) c[e.service]=(c[e.service]||0)+1; console.log(JSON.stringify(c))')
  echo "check $round, nothing changed: $ms ms for the process ($inner ms inside the check), $ok, requests $counts"
done
subgraph_requests=$(curl -s -m 2 "$control/log" | node -e 'const l=JSON.parse(require("fs").readFileSync(0,"utf8")); console.log(l.filter(e=>e.service==="subgraph").length)')
pairs=$(( ${#addresses[@]} * 2 ))
echo "RESULT nothing-changed check: $subgraph_requests subgraph request(s) for $pairs address×network pairs (target 1 each: ratio $(echo "scale=2; $subgraph_requests / $pairs" | bc)); no RPC (the RPC was a closed port); inner time vs 200 ms target: ratio $(echo "scale=2; $inner / 200" | bc)"

# 2. The app in the tray, between checks.
if [ ! -x "$app" ]; then echo "SKIPPED idle cost: $app is not built (cargo build -p result-vault-app)"; exit 0; fi
disp=$(python3 -c 'import os
for n in range(90, 200):
    if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"): print(n); break')
Xvfb ":$disp" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$disp" ] && break; sleep 0.1; done
DISPLAY=":$disp" RESULT_VAULT_HOME="$home" HOME="$work" XDG_RUNTIME_DIR="$work" NO_AT_BRIDGE=1 \
  dbus-run-session -- "$app" --background >"$work/app.log" 2>&1 &
pids+=($!)
sleep 10
# On Linux the app started with --background becomes the light tray process (exec: the same
# process id, another program) when result-vault-tray is beside it; else it stays itself.
pid=$(pgrep -n -f "result-vault-tray --data $home|result-vault-app --background" || true)
[ -n "$pid" ] || { echo "the app did not stay up in the background:"; tail -20 "$work/app.log"; exit 1; }
pids+=("$pid")
echo "in the tray: $(tr '\0' ' ' < "/proc/$pid/cmdline" | cut -c1-60)…"
pss_kb() { local total=0; for p in "$@"; do v=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0); total=$((total + ${v:-0})); done; echo $total; }
tree=$(pgrep -P "$pid" | tr '\n' ' ' || true)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
c0=$(ticks "$pid"); sleep 30; c1=$(ticks "$pid")
hz=$(getconf CLK_TCK)
cpu=$(echo "scale=3; ($c1 - $c0) * 100 / ($hz * 30)" | bc)
pss=$(pss_kb "$pid" $tree)
webkit=$(pgrep -f WebKitWebProcess -P "$pid" | wc -l || true)
echo "RESULT idle in the tray: PSS $((pss / 1024)) MB (target < 50 MB: ratio $(echo "scale=2; $pss / 51200" | bc)), CPU ${cpu} % over 30 s (target < 1 %), web processes: $webkit"
