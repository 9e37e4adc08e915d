// End-to-end harness: a virtual display (Xvfb), tauri-driver (WebDriver -> WebKitWebDriver),
// and the real Result Vault binary in an isolated home. Everything listens on 127.0.0.1, on free
// ports and a free display, and is stopped by `stop()`.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The iExec SDK's fixtures (tests/fixtures/iexec-sdk, see its README); RESULT_VAULT_FIXTURES names
// another folder of them, as for the Rust tests (RESULT_VAULT_SHARED, the older override, still works).
export const fixtures =
  process.env.RESULT_VAULT_FIXTURES ??
  (process.env.RESULT_VAULT_SHARED
    ? path.join(process.env.RESULT_VAULT_SHARED, 'fixtures/iexec-sdk')
    : path.join(repo, 'tests/fixtures/iexec-sdk'));
// Makes an encrypted archive with openssl, as the enclave does: `bash makeEncryptedResult PUB SIZE_MB OUT`.
export const makeEncryptedResult = path.join(repo, 'scripts/make-encrypted-result.sh');
export const artifacts = path.join(repo, 'tests/e2e/artifacts');
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target');
export const appBinary = process.env.RESULT_VAULT_APP ?? path.join(targetDir, 'debug/result-vault-app');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function freeDisplay() {
  for (let n = 90 + Math.floor(Math.random() * 100); n < 400; n++) {
    if (!fs.existsSync(`/tmp/.X${n}-lock`) && !fs.existsSync(`/tmp/.X11-unix/X${n}`)) return n;
  }
  throw new Error('no free X display number');
}

async function waitFor(check, what, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * A networks file (RESULT_VAULT_NETWORKS, see src-tauri `builtin_networks`) with the built-in
 * networks' names, every URL on a closed port of 127.0.0.1 except the SMS, which is `smsUrl` when
 * given: the app under test never reaches iExec's real services.
 */
export function networksFile(dir, smsUrl) {
  const closed = 'http://127.0.0.1:9';
  const nets = [
    ['arbitrum-mainnet', 'Arbitrum One', 42161, '0x098bFCb1E50ebcA0BaA92C12eA0c3F045A1aD9f0', false],
    ['arbitrum-sepolia-testnet', 'Arbitrum Sepolia (test network)', 421614, '0xB2157BF2fAb286b2A4170E3491Ac39770111Da3E', false],
    ['bellecour', 'Bellecour (legacy, old tasks)', 134, '0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f', true],
  ].map(([name, label, chain_id, hub, legacy]) => ({
    name,
    label,
    chain_id,
    hub,
    legacy,
    rpc_url: closed,
    sms_urls: [smsUrl ?? closed],
    ipfs_gateways: [closed],
    subgraph_url: closed,
    market_api_url: closed,
  }));
  const file = path.join(dir, 'networks.json');
  fs.writeFileSync(file, JSON.stringify({ networks: nets }));
  return file;
}

/** Pids of the processes whose environment holds `entry` (`NAME=value`). */
export function pidsWithEnv(entry) {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(entry)) out.push(Number(d));
    } catch {}
  }
  return out;
}

/** Starts Xvfb + tauri-driver; returns { display, driverUrl, home, env, stop }. */
export async function startEnvironment({ name = 'e2e', extraEnv = {} } = {}) {
  if (!fs.existsSync(appBinary)) throw new Error(`app not built: ${appBinary} (run cargo build -p result-vault-app --features e2e)`);
  fs.mkdirSync(artifacts, { recursive: true });
  const procs = [];
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `rv-${name}-`));
  const n = freeDisplay();
  const display = `:${n}`;
  const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  procs.push(xvfb);
  await waitFor(() => fs.existsSync(`/tmp/.X11-unix/X${n}`), `Xvfb on ${display}`);
  const env = {
    ...process.env,
    DISPLAY: display,
    HOME: home,
    RESULT_VAULT_HOME: path.join(home, 'vault'),
    // The built-in networks, pointed at a closed port on 127.0.0.1: the app under test never
    // reaches iExec's real services (RPC, subgraph, SMS, gateways).
    RESULT_VAULT_NETWORKS: networksFile(home),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_RUNTIME_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'rv-run-')),
    NO_AT_BRIDGE: '1',
    RESULT_VAULT_E2E: '1',
    WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    LANG: process.env.E2E_LANG ?? 'C.UTF-8',
  };
  delete env.WAYLAND_DISPLAY;
  Object.assign(env, extraEnv);
  const port = await freePort();
  const nativePort = await freePort();
  const log = fs.openSync(path.join(artifacts, `tauri-driver-${name}.log`), 'w');
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env,
    stdio: ['ignore', log, log],
  });
  procs.push(driver);
  const driverUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${driverUrl}/status`)).ok, 'tauri-driver');
  const stop = async () => {
    for (const p of procs.reverse()) {
      try {
        p.kill('SIGTERM');
      } catch {}
    }
    await sleep(300);
    for (const p of procs) {
      try {
        p.kill('SIGKILL');
      } catch {}
    }
    // The app may outlive its driver: end any process started with this home (found by its
    // environment: the home is not on its command line).
    for (const pid of pidsWithEnv(`RESULT_VAULT_HOME=${env.RESULT_VAULT_HOME}`)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    // Keep the app's logs of the whole run: scripts/check-logs.mjs greps them for key material.
    const logs = path.join(env.RESULT_VAULT_HOME, 'logs');
    if (fs.existsSync(logs)) {
      fs.cpSync(logs, path.join(repo, 'tests/e2e/artifacts/logs', `${name}-${Date.now()}`), { recursive: true });
    }
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(env.XDG_RUNTIME_DIR, { recursive: true, force: true });
  };
  return { display, driverUrl, home, env, stop };
}

/**
 * Records secrets a test used (e.g. the lines of a private key file) so that
 * scripts/check-logs.mjs can check that no log of the run holds them.
 */
export function recordSecrets(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length >= 40 && !l.startsWith('-----'));
  const file = path.join(repo, 'tests/e2e/artifacts/secrets.txt');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, lines.join('\n') + '\n');
}

/** Saves a screenshot of the whole virtual screen (what a person would see). */
export function screenshotScreen(display, file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  execFileSync('import', ['-display', display, '-window', 'root', file], { timeout: 15000 });
}

/**
 * Calls IPC command `cmd` with `args` as a script in the window would (WebDriver's async
 * script): `{ ok: true, v }`, or `{ ok: false, e }` with the command's error.
 */
export function ipcInvoke(session, cmd, args = {}) {
  return session.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((v) => done({ ok: true, v }), (e) => done({ ok: false, e }));`,
    [cmd, args],
  );
}
