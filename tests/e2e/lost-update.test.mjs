// Lost updates of the key ring: two writers on one ring must not undo each other's changes.
//   1. The app is open on a key ring (keychain) holding key A; the CLI (same RESULT_VAULT_HOME,
//      same Secret Service session) imports key B; then the app renames A through the UI (Keys
//      screen, Rename). `result-vault keys list --json` and the app's keys_overview must both show
//      A (with its new name) and B. An app that writes back the copy of the ring it read at start
//      loses B.
//   2. Without the app: 8 CLI processes import 8 different keys at once into a ring that holds
//      one; all 9 keys are kept. Five rounds, each on a new ring.
// Keys are made by openssl (genrsa 2048) in a temporary folder.
//
//   RESULT_VAULT_E2E=1 bash scripts/with-secret-service.sh node --test --test-concurrency=1 tests/e2e/lost-update.test.mjs
// The CLI is $RESULT_VAULT_CLI, else $CARGO_TARGET_DIR/debug/result-vault (cargo build -p result-vault-cli).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { appBinary, repo, startEnvironment, recordSecrets } from './harness.mjs';
import { Session } from './webdriver.mjs';
import { byId, waitUntil } from './desktop-helpers.mjs';

const run = promisify(execFile);
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target');
const cli = process.env.RESULT_VAULT_CLI ?? path.join(targetDir, 'debug/result-vault');

let dir;

/** SHA-256 of the SPKI DER, lowercase hex: the app's and the CLI's key fingerprint. */
function fingerprintOf(keyFile) {
  const der = crypto.createPublicKey(crypto.createPrivateKey(fs.readFileSync(keyFile))).export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('hex');
}

/** A new RSA-2048 private key (openssl genrsa, PKCS#8 PEM) in `dir`; returns its path and fingerprint. */
function newKey(name) {
  const file = path.join(dir, `${name}.pem`);
  execFileSync('openssl', ['genrsa', '-out', file, '2048'], { stdio: 'ignore', timeout: 60000 });
  recordSecrets(fs.readFileSync(file, 'utf8'));
  return { file, fp: fingerprintOf(file) };
}

/** Runs the CLI with `env`; resolves with its parsed JSON output (rejects with its stderr). */
async function rv(env, ...argv) {
  try {
    const { stdout } = await run(cli, argv, { env, timeout: 120000, maxBuffer: 16 << 20 });
    return JSON.parse(stdout);
  } catch (e) {
    throw new Error(`result-vault ${argv.join(' ')}: ${e.code ?? ''} ${e.stderr ?? ''}${e.stdout ?? ''}`.trim());
  }
}

const listed = async (env) => (await rv(env, 'keys', 'list', '--json')).keys.map((k) => ({ fp: k.fingerprint, label: k.label }));
const byFp = (keys) => Object.fromEntries(keys.map((k) => [k.fp, k.label]));

before(() => {
  assert.ok(fs.existsSync(cli), `CLI not built: ${cli} (cargo build -p result-vault-cli)`);
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, 'run inside scripts/with-secret-service.sh (the key ring uses the keychain)');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-lost-update-'));
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the app and the CLI on one key ring', () => {
  let env;
  let s;
  let a;
  let b;

  before(async () => {
    a = newKey('key-a');
    b = newKey('key-b');
    env = await startEnvironment({ name: 'lost-update' });
    // The CLI makes the ring (keychain) with key A, before the app starts: the app opens it.
    await rv(env.env, 'keys', 'import', a.file, '--json');
    s = await Session.create(env.driverUrl, appBinary);
  });

  after(async () => {
    await s?.delete();
    await env?.stop();
  });

  const ipc = async (cmd, args = {}) => {
    const r = await s.executeAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((v) => done({ ok: true, v }), (e) => done({ ok: false, e }));`,
      [cmd, args],
    );
    if (!r.ok) throw new Error(`${cmd}: ${JSON.stringify(r.e)}`);
    return r.v;
  };

  test('a key imported by the CLI survives a rename in the app', async () => {
    // The app opened the ring by itself, with A.
    const keyRow = (fp) => `${byId('key-row')}[data-fingerprint="${fp}"]`;
    await (await s.find(byId('nav-keys'), { timeoutMs: 30000 })).click();
    await s.find(keyRow(a.fp), { timeoutMs: 30000 });
    assert.deepEqual(Object.keys(byFp((await ipc('keys_overview')).keys.map((k) => ({ fp: k.fingerprint, label: k.label })))), [a.fp]);

    // The CLI imports B meanwhile.
    const imported = await rv(env.env, 'keys', 'import', b.file, '--json');
    assert.deepEqual(imported.imported.map((o) => o.key.fingerprint), [b.fp]);
    const labelB = imported.imported[0].key.label;
    assert.deepEqual(Object.keys(byFp(await listed(env.env))).sort(), [a.fp, b.fp].sort(), 'the CLI sees both keys before the rename');

    // The app renames A, as a user does: Rename, type, Save.
    await (await s.find(`${keyRow(a.fp)} ${byId('rename-key')}`)).click();
    const input = await s.find(`${keyRow(a.fp)} ${byId('rename-input')}`);
    await input.clear();
    await input.sendKeys('Key A renamed');
    await (await s.find(`${keyRow(a.fp)} ${byId('rename-save')}`)).click();
    await waitUntil(
      async () => (await s.execute('const el = document.querySelector(arguments[0]); return el ? el.innerText.trim() : null;', [`${keyRow(a.fp)} h3`])) === 'Key A renamed',
      'the new name in the key row',
      15000,
    );

    const want = { [a.fp]: 'Key A renamed', [b.fp]: labelB };
    const fromCli = byFp(await listed(env.env));
    const fromApp = byFp((await ipc('keys_overview')).keys.map((k) => ({ fp: k.fingerprint, label: k.label })));
    assert.deepEqual(
      { cli: fromCli, app: fromApp },
      { cli: want, app: { ...want } },
      "after the rename, `result-vault keys list --json` (cli) and the app's keys_overview (app) both hold B, and A renamed",
    );
  });
});

describe('8 CLI processes importing at once', () => {
  const ROUNDS = 5;
  const WRITERS = 8;
  let first;
  let keys;

  before(() => {
    first = newKey('ring-first');
    keys = Array.from({ length: WRITERS }, (_, i) => newKey(`writer-${i}`));
  });

  for (let round = 1; round <= ROUNDS; round++) {
    test(`round ${round}: 8 imports at once into a ring of 1 keep all 9 keys`, async () => {
      const home = fs.mkdtempSync(path.join(dir, `round-${round}-`));
      const env = { ...process.env, RESULT_VAULT_HOME: path.join(home, 'vault'), HOME: home, RESULT_VAULT_LANG: 'en' };
      try {
        await rv(env, 'keys', 'import', first.file, '--json');
        const outcomes = await Promise.allSettled(keys.map((k) => rv(env, 'keys', 'import', k.file, '--json')));
        const failures = outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason.message);
        assert.deepEqual(failures, [], 'every import succeeds');
        const got = Object.keys(byFp(await listed(env)));
        const want = [first, ...keys].map((k) => k.fp);
        const lost = [first, ...keys].filter((k) => !got.includes(k.fp)).map((k) => path.basename(k.file, '.pem'));
        assert.deepEqual(lost, [], `keys lost: ${got.length} of 9 kept`);
        assert.deepEqual(got.sort(), want.sort());
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });
  }
});
