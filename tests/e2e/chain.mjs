// The real parts the chain tests share: ganache (chain 1337) on a free port of 127.0.0.1, the
// scenario tools (make-scenario, seed-chain: tests/standins/), the stand-in subgraph, market API
// and IPFS gateways (tests/standins/standins.mjs), and stopping what was started.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

import { freePort, repo } from './harness.mjs';
import { sleep, waitUntil } from './desktop-helpers.mjs';

/** One JSON-RPC call with no parameters; its `result`. */
export async function rpc(url, method) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
    signal: AbortSignal.timeout(3000),
  });
  return (await res.json()).result;
}

/** Runs a node script of the repository; the JSON of its last output line. */
export function nodeJson(args) {
  const out = execFileSync(process.execPath, args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });
  return JSON.parse(out.trim().split('\n').pop());
}

/** Starts ganache (chain id 1337; `deterministic`: its known accounts); `{ url, child }`. */
export async function startGanache({ deterministic = true } = {}) {
  const bin = path.join(repo, 'tests/interop/node_modules/.bin/ganache');
  assert.ok(fs.existsSync(bin), 'run scripts/setup.sh: it installs ganache in tests/interop');
  const port = await freePort();
  const args = ['--server.host', '127.0.0.1', '--server.port', String(port), '--chain.chainId', '1337', '--logging.quiet'];
  if (deterministic) args.push('--wallet.deterministic');
  const child = spawn(bin, args, { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await rpc(url, 'eth_chainId').catch(() => null)) === '0x539', 'ganache', 60000, 200);
  return { url, child };
}

/**
 * Starts the stand-ins over `scenarioPath` (their log in `logFile`, if given); `{ urls, child }`
 * (urls: subgraph, market, gateways, control). Their stdin is kept open: they stop when it
 * closes (stopChild, or this process dying).
 */
export async function startStandins(scenarioPath, logFile) {
  const child = spawn(process.execPath, ['tests/standins/standins.mjs', '--scenario', scenarioPath], {
    cwd: repo,
    stdio: ['pipe', 'pipe', logFile ? fs.openSync(logFile, 'w') : 'ignore'],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const first = await Promise.race([
    new Promise((resolve) => lines.once('line', resolve)),
    new Promise((_, reject) => child.once('exit', (c) => reject(new Error(`stand-ins exited (${c})`)))),
    sleep(30000).then(() => {
      throw new Error('stand-ins did not start');
    }),
  ]);
  return { urls: JSON.parse(first), child };
}

/** POSTs `body` to the stand-ins' control endpoint `p` (a new scenario, a mode...); its JSON. */
export async function control(urls, p, body) {
  const res = await fetch(`${urls.control}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  assert.ok(res.ok, `control ${p}: HTTP ${res.status}`);
  return res.json();
}

/** Stops a child process: SIGTERM, then SIGKILL after 3 s (its stdin closed first). */
export async function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.stdin?.end();
  } catch {}
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  if (await Promise.race([gone.then(() => true), sleep(3000).then(() => false)])) return;
  child.kill('SIGKILL');
  await Promise.race([gone, sleep(2000)]);
}
