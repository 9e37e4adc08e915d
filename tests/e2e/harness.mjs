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
export const shared = process.env.RESULT_VAULT_SHARED ?? path.resolve(repo, '../shared');
export const fixtures = path.join(shared, 'fixtures/iexec-sdk');
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

/** Starts Xvfb + tauri-driver; returns { display, driverUrl, home, env, stop }. */
export async function startEnvironment({ name = 'e2e', extraEnv = {} } = {}) {
  if (!fs.existsSync(appBinary)) throw new Error(`app not built: ${appBinary} (run cargo build -p result-vault-app)`);
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
    // The app may outlive its driver: end any instance started with this home.
    try {
      execFileSync('pkill', ['-f', '-KILL', `RESULT_VAULT_HOME=${env.RESULT_VAULT_HOME}`], { stdio: 'ignore' });
    } catch {}
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
