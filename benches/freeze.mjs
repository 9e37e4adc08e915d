#!/usr/bin/env node
// Does the window freeze while the app works? A benchmark (not a test): it starts the real app
// (the debug build the end-to-end tests use, tests/e2e/harness.mjs: Xvfb, tauri-driver,
// WebKitWebDriver, RESULT_VAULT_HOME in a temporary folder, the key ring in a real gnome-keyring
// of a private D-Bus session) and, while each slow operation runs, measures in the page every
// 20 ms:
//   - the round trip of a trivial IPC command, `phrase_complete` with prefix "ab" (a synchronous
//     command that does no I/O), called through window.__TAURI_INTERNALS__.invoke as the UI calls
//     every command. A probe is sent every 20 ms whatever the previous ones do, and its time is
//     counted from when it was due (so a stall of the page itself counts too): the percentiles are
//     those of a click made at a random moment of the operation;
//   - the gap between requestAnimationFrame ticks (a frame the window could not draw).
// The operations, each set up through the real IPC (nothing in the app is stubbed):
//   (a) sms_push: the active key pushed to the stand-in SMS (tests/standins/sms-standin.mjs), which
//       answers every request 10 s late (HEAD, then POST);
//   (b) backup_verify: a recovery kit (made by backup_create) test-restored with its 24 words
//       (age scrypt, about a second);
//   (c) keys_generate: an RSA-4096 key generated;
//   (d) open_archive: a 1 GB encrypted result archive (made by make-encrypted-result.sh for the
//       iexec SDK fixture key, imported in the ring first) decrypted, progress on a channel.
//   (a+) the push of (a) again while the user opens the Keys screen 2 s in (a click in the page,
//       handled by the UI as any click: the screen reads the key ring the push is using).
// An idle stretch (3 s, nothing running) is measured first, as the baseline (not in the target).
// It prints, per operation, its duration and the samples, p50, p99 and max of both measures,
// then `target: p99 < 100 ms: PASS|FAIL` (PASS when each of (a), (a+), (b), (c), (d) succeeds
// and keeps both p99 under 100 ms); the exit code is 0 on PASS, 1 on FAIL, 2 when the bench itself failed.
//
//   node benches/freeze.mjs [--out FILE] [--label TEXT]
// Build the UI (npm run build) and the app (cargo build -p result-vault-app --features e2e) first. Outside a
// Secret Service session it runs itself through scripts/with-secret-service.sh. Environment:
// RESULT_VAULT_APP (the app binary; default $CARGO_TARGET_DIR/debug/result-vault-app),
// FREEZE_ARCHIVE_MB (the archive's plaintext, default 2048: half random, half text that deflates
// away, so a ~1 GiB archive), FREEZE_ARCHIVE (an existing archive for the fixture key, not
// deleted), FREEZE_SMS_DELAY_MS (default 10000), FREEZE_ONLY (e.g. "b,c": only those operations; "a" runs (a) and (a+)).
// Everything listens on 127.0.0.1 on free ports, on a free X display; everything it starts is
// stopped and every temporary file removed at the end (also on Ctrl-C).
import { spawnSync, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const repo = path.resolve(path.dirname(here), '..');

// ---------------------------------------------------------------------------------------------
// Inside a private Secret Service session (the key ring's vault key lives in the keychain).
if (!process.env.RV_IN_SECRET_SESSION) {
  const r = spawnSync('bash', [path.join(repo, 'scripts/with-secret-service.sh'), process.execPath, here, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, RESULT_VAULT_E2E: '1' },
  });
  process.exit(r.status ?? 1);
}

const { appBinary, artifacts, startEnvironment, networksFile } = await import('../tests/e2e/harness.mjs');
const { Session } = await import('../tests/e2e/webdriver.mjs');
const { startSms } = await import('../tests/e2e/desktop-helpers.mjs');

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const outFile = opt('--out');
const label = opt('--label');
const ARCHIVE_MB = Number(process.env.FREEZE_ARCHIVE_MB ?? 2048);
const SMS_DELAY_MS = Number(process.env.FREEZE_SMS_DELAY_MS ?? 10000);
const ONLY = process.env.FREEZE_ONLY ? process.env.FREEZE_ONLY.split(',').map((s) => s.trim()) : null;
const TARGET_MS = 100;
const NETWORK = 'arbitrum-sepolia-testnet';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const firstExisting = (...ps) => ps.find((p) => fs.existsSync(p));
const log = (...a) => console.error('#', ...a);

// ---------------------------------------------------------------------------------------------
// Cleanup: whatever happens, stop what was started and remove the temporary files.
const cleanups = [];
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const f of cleanups.reverse()) {
    try {
      await f();
    } catch (e) {
      log(`cleanup: ${e.message}`);
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// In the page: the sampler and the operation it watches.
const SAMPLER = `
if (window.__freeze) return true;
const T = window.__TAURI_INTERNALS__;
const now = () => performance.now();
const f = { sampling: false, pending: 0, ipc: [], raf: [], op: null, last: null, planned: 0 };
function probe() {
  if (!f.sampling) return;
  const due = f.planned;
  f.planned += 20;
  setTimeout(probe, Math.max(0, f.planned - now()));
  if (f.pending >= 5000) return;
  f.pending++;
  T.invoke('phrase_complete', { prefix: 'ab' }).then(
    (r) => f.ipc.push([due, now(), Array.isArray(r) && r.length > 0 ? 1 : 0]),
    () => f.ipc.push([due, now(), -1]),
  ).finally(() => f.pending--);
}
function tick(ts) {
  if (f.last !== null) f.raf.push([f.last, ts]);
  f.last = ts;
  if (f.sampling) requestAnimationFrame(tick);
}
f.run = (name, cmd, args, channelArg, during) => {
  f.ipc = []; f.raf = []; f.last = null; f.sampling = true; f.planned = now();
  f.op = { name, state: 'warmup', events: 0 };
  probe();
  requestAnimationFrame(tick);
  // Half a second of sampling before the operation starts: the loops are in their stride.
  setTimeout(() => {
    const op = f.op;
    op.state = 'running';
    op.t0 = now();
    let p;
    if (cmd === null) p = new Promise((r) => setTimeout(() => r(null), args.ms));
    else {
      const a = { ...args };
      if (channelArg) a[channelArg] = '__CHANNEL__:' + T.transformCallback((m) => { if (m && 'message' in m) op.events++; });
      p = T.invoke(cmd, a);
    }
    // A user meanwhile: e.g. a click on another screen's tab, handled by the UI as any click.
    if (during) setTimeout(() => { op.clicked = !!document.querySelector(during.click); document.querySelector(during.click)?.click(); }, during.atMs);
    p.then((r) => { op.result = r; op.state = 'done'; }, (e) => { op.error = e; op.state = 'error'; })
      .finally(() => {
        op.t1 = now();
        // Sampling goes on a little after the end: a freeze that covers the end is seen whole.
        setTimeout(() => { f.sampling = false; op.stopped = now(); }, 300);
      });
  }, 500);
  return true;
};
f.status = () => ({ state: f.op?.state, t0: f.op?.t0, t1: f.op?.t1, stopped: f.op?.stopped, pending: f.pending });
f.collect = () => ({ op: f.op, ipc: f.ipc, raf: f.raf });
window.__freeze = f;
return true;
`;

/** Calls an IPC command through the page, as the UI does (setup steps). */
async function ipc(s, cmd, a = {}) {
  const r = await s.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((v) => done({ ok: true, v }), (e) => done({ ok: false, e }));`,
    [cmd, a],
  );
  if (!r.ok) throw new Error(`${cmd} failed: ${JSON.stringify(r.e)}`);
  return r.v;
}

/** Runs `cmd(args)` in the page while sampling; returns the op and the samples in its window. */
async function measure(s, name, cmd, a, { channelArg, during, timeoutMs = 600000 } = {}) {
  await s.execute(SAMPLER);
  await s.execute('return window.__freeze.run(arguments[0], arguments[1], arguments[2], arguments[3], arguments[4]);', [
    name,
    cmd,
    a,
    channelArg ?? null,
    during ?? null,
  ]);
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (Date.now() > end) throw new Error(`${name}: not finished after ${timeoutMs} ms`);
    await sleep(1000);
    let st;
    try {
      // While the app's main thread is blocked, WebDriver waits too: a timeout here is a freeze.
      st = await s.execute('return window.__freeze.status();');
    } catch (e) {
      log(`${name}: status not read (${e.message.slice(0, 80)}), retrying`);
      continue;
    }
    // (WebDriver gives undefined back as null.)
    if (st.stopped != null && st.pending === 0) break;
  }
  const { op, ipc: probes, raf } = await s.execute('return window.__freeze.collect();');
  const inWindow = probes.filter(([due]) => due >= op.t0 && due <= op.t1);
  const gaps = raf.filter(([a0, a1]) => a1 > op.t0 && a0 < op.t1);
  return {
    name,
    op,
    duration: op.t1 - op.t0,
    ipc: inWindow.map(([due, back]) => back - due),
    ipcFailed: inWindow.filter(([, , ok]) => ok !== 1).length,
    raf: gaps.map(([a0, a1]) => a1 - a0),
  };
}

function stats(xs) {
  if (!xs.length) return { n: 0, p50: NaN, p99: NaN, max: NaN };
  const v = [...xs].sort((a, b) => a - b);
  const rank = (p) => v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
  return { n: v.length, p50: rank(50), p99: rank(99), max: v[v.length - 1] };
}

const ms = (x) => (Number.isFinite(x) ? (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)}`) : '-');
const pad = (x, n) => String(x).padStart(n);
const padR = (x, n) => String(x).padEnd(n);

// ---------------------------------------------------------------------------------------------

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-freeze-'));
cleanups.push(() => fs.rmSync(work, { recursive: true, force: true }));
const lines = [];
const out = (l = '') => {
  lines.push(l);
  console.log(l);
};

try {
  if (!fs.existsSync(appBinary)) throw new Error(`app not built: ${appBinary} (npm run build, then cargo build -p result-vault-app --features e2e)`);
  const fixtures = [path.join(repo, 'tests/fixtures/iexec-sdk')].find((d) =>
    ['expected_key', 'expected_key.pub'].every((f) => fs.existsSync(path.join(d, f))),
  );
  const maker = firstExisting(path.join(repo, 'scripts/make-encrypted-result.sh'));
  if (!fixtures) throw new Error('no fixture key in tests/fixtures/iexec-sdk');
  if (!maker) throw new Error('no scripts/make-encrypted-result.sh');
  const want = (k) => !ONLY || ONLY.includes(k);

  // The archive, for the fixture key (its private half is imported in the ring below).
  let archive = process.env.FREEZE_ARCHIVE;
  if (want('d') && !archive) {
    archive = path.join(work, 'result-1g.zip');
    const t = Date.now();
    log(`making a ${ARCHIVE_MB} MB result archive with ${path.relative(repo, maker)} (takes a while)...`);
    execFileSync('bash', [maker, path.join(fixtures, 'expected_key.pub'), String(ARCHIVE_MB), archive], { stdio: ['ignore', 'ignore', 'inherit'] });
    log(`archive made in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }

  fs.mkdirSync(artifacts, { recursive: true });
  const sms = await startSms('freeze-bench');
  cleanups.push(() => sms.stop());
  const control = (p, body) =>
    fetch(`${sms.control}${p}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(5000) }).then((r) => r.json());

  const env = await startEnvironment({ name: 'freeze-bench', extraEnv: { RESULT_VAULT_NETWORKS: networksFile(work, sms.url) } });
  cleanups.push(() => env.stop());
  const s = await Session.create(env.driverUrl, appBinary);
  cleanups.push(() => s.delete());
  await s.cmd('POST', '/timeouts', { script: 600000 });

  // The UI opens (or creates) the key ring with the keychain by itself at start.
  const t0 = Date.now();
  let overview;
  while (!overview) {
    try {
      overview = await ipc(s, 'keys_overview');
    } catch (e) {
      if (Date.now() - t0 > 30000) overview = await ipc(s, 'vault_open', { passphrase: null, createWith: null });
      else await sleep(300);
    }
  }
  log(`key ring open (${overview.protection}, ${overview.keys.length} keys)`);
  // Paths reach commands only as the user's choice (src-tauri/src/grants.rs): the e2e build's
  // hooks stand for the dialog and the drop.
  await ipc(s, 'e2e_grant', { path: path.join(fixtures, 'expected_key') });
  const imported = await ipc(s, 'keys_import_path', { path: path.join(fixtures, 'expected_key') });
  log(`fixture key imported: ${imported.outcomes.map((o) => o.key.fingerprint.slice(0, 16)).join(', ')}`);
  const wallet = await ipc(s, 'wallet_import_key', { privateKey: '0x' + crypto.randomBytes(32).toString('hex'), label: 'freeze bench' });
  log(`wallet ${wallet.address} in the ring`);

  const results = [];
  const notes = [];
  const run = async (key, title, cmd, a, opts) => {
    log(`${title}...`);
    const r = await measure(s, title, cmd, a, opts);
    r.key = key;
    results.push(r);
    if (r.op.state === 'error') notes.push(`${title}: the operation failed: ${JSON.stringify(r.op.error)}`);
    log(`${title}: ${r.op.state} in ${(r.duration / 1000).toFixed(2)} s`);
    return r;
  };

  await run('idle', 'idle (baseline, nothing running, 3 s)', null, { ms: 3000 });

  if (want('a')) {
    await control('/mode', { mode: 'ok', delayMs: SMS_DELAY_MS });
    const r = await run('a', `(a) sms_push, the SMS answers after ${SMS_DELAY_MS / 1000} s`, 'sms_push', {
      network: NETWORK,
      address: wallet.address,
      password: null,
    });
    await control('/mode', { mode: 'ok', delayMs: 0 });
    const st = await sms.state();
    const writes = st.log.filter((e) => e.method === 'POST' || e.method === 'PUT').map((e) => `${e.method} ${e.status}`);
    notes.push(`(a) sms_push: ${r.op.result?.status?.state ?? 'error'}; the stand-in saw ${st.log.length} requests (${writes.join(', ') || 'no write'})`);

    // The same push while the user opens the Keys screen (2 s in): the screen reads the key ring
    // (keys_overview, wallets_list...), which the push is using.
    await control('/reset', {});
    await control('/mode', { mode: 'ok', delayMs: SMS_DELAY_MS });
    const r2 = await run(
      'a+',
      '(a+) the same, the Keys screen opened at 2 s',
      'sms_push',
      { network: NETWORK, address: wallet.address, password: null },
      { during: { atMs: 2000, click: '[data-testid="nav-keys"]' } },
    );
    await control('/mode', { mode: 'ok', delayMs: 0 });
    await s.execute('document.querySelector(\'[data-testid="nav-open"]\')?.click(); return true;');
    notes.push(`(a+) sms_push: ${r2.op.result?.status?.state ?? 'error'}; Keys tab clicked: ${r2.op.clicked}`);
  }
  if (want('b')) {
    const kit = path.join(work, 'kit.age');
    await ipc(s, 'e2e_next_dialog_path', { path: kit });
    await ipc(s, 'pick_path', { kind: 'save_kit', defaultName: null });
    const created = await ipc(s, 'backup_create', { path: kit });
    const r = await run('b', '(b) backup_verify, age scrypt', 'backup_verify', { path: kit, words: created.words.join(' ') });
    notes.push(`(b) backup_verify: kit of ${created.fingerprints.length} keys, ${r.op.result?.outcome ? `restored in memory: ${JSON.stringify(Object.keys(r.op.result.outcome))}` : 'error'}`);
  }
  if (want('c')) {
    const r = await run('c', '(c) keys_generate, RSA-4096', 'keys_generate', { label: 'freeze bench key', jobId: 'freeze-bench-generate' });
    notes.push(`(c) keys_generate: ${r.op.result?.outcomes?.[0]?.key?.fingerprint ?? 'error'}`);
  }
  if (want('d') && archive) {
    const size = fs.statSync(archive).size;
    await ipc(s, 'e2e_grant', { path: archive });
    const r = await run(
      'd',
      `(d) open_archive, ${(size / 2 ** 30).toFixed(2)} GiB archive`,
      'open_archive',
      { jobId: 'freeze-bench-open', archive, keyPaths: [] },
      { channelArg: 'onProgress' },
    );
    const o = r.op.result;
    notes.push(
      `(d) open_archive: ${o ? `${o.status}, ${o.files?.length} files, key ${o.key_fingerprint?.slice(0, 16)}` : 'error'}; ` +
        `${r.op.events} progress events (${(size / 1e6 / (r.duration / 1000)).toFixed(0)} MB/s)`,
    );
  }

  // -------------------------------------------------------------------------------------------
  const exe = fs.realpathSync(appBinary);
  let commit = '';
  try {
    commit = execFileSync('git', ['-C', repo, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).trim().slice(0, 72);
  } catch {}
  if (process.env.RESULT_VAULT_APP) commit += ' (the app is RESULT_VAULT_APP: maybe built from another tree)';
  out(`Result Vault: does the window freeze while the app works?${label ? ` (${label})` : ''}`);
  out(`date ${new Date().toISOString()}; ${os.cpus().length} cores; ${os.release()}`);
  out(`app ${exe} (built ${fs.statSync(exe).mtime.toISOString()})`);
  out(`repository HEAD ${commit}`);
  out('debug build under Xvfb (WebKitGTK via tauri-driver), key ring in gnome-keyring (private D-Bus session)');
  out('IPC: phrase_complete("ab") through __TAURI_INTERNALS__.invoke, one sent every 20 ms, timed from when it was due;');
  out('frame: the gap between two requestAnimationFrame ticks. Times in ms unless marked s.');
  out();
  const W = 46;
  out(`${padR('operation', W)} ${pad('duration', 9)} | ${pad('IPC n', 6)} ${pad('p50', 7)} ${pad('p99', 8)} ${pad('max', 8)} | ${pad('frames', 6)} ${pad('p50', 7)} ${pad('p99', 8)} ${pad('max', 8)} | p99<${TARGET_MS}`);
  let pass = true;
  const failed = [];
  for (const r of results) {
    const a = stats(r.ipc);
    const f = stats(r.raf);
    const ok = r.op.state === 'done' && a.n > 0 && f.n > 0 && a.p99 < TARGET_MS && f.p99 < TARGET_MS && r.ipcFailed === 0;
    if (r.key !== 'idle' && !ok) {
      pass = false;
      failed.push(r.key);
    }
    out(
      `${padR(r.name, W)} ${pad(ms(r.duration), 9)} | ${pad(a.n, 6)} ${pad(ms(a.p50), 7)} ${pad(ms(a.p99), 8)} ${pad(ms(a.max), 8)} | ` +
        `${pad(f.n, 6)} ${pad(ms(f.p50), 7)} ${pad(ms(f.p99), 8)} ${pad(ms(f.max), 8)} | ${ok ? 'yes' : 'NO'}`,
    );
  }
  out();
  for (const n of notes) out(n);
  out();
  const measured = results.filter((r) => r.key !== 'idle').length;
  if (measured === 0) pass = false;
  out(`target: p99 < ${TARGET_MS} ms: ${pass ? 'PASS' : 'FAIL'}${failed.length ? ` (over the target: ${failed.join(', ')})` : ''}`);
  if (outFile) {
    fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
    fs.writeFileSync(outFile, lines.join('\n') + '\n');
    log(`saved to ${outFile}`);
  }
  await cleanup();
  process.exit(pass ? 0 : 1);
} catch (e) {
  console.error(`freeze bench failed: ${e.stack ?? e}`);
  await cleanup();
  process.exit(2);
}
