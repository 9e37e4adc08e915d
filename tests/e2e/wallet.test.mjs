// Wallet, SMS and key rotation in the real app, against real parts: keystores made by ethers
// (tests/interop/scripts/make-keystores.mjs), the stand-in SMS (tests/standins/sms-standin.mjs,
// which checks every signature by recovering the signer with ethers), ganache (chain 1337) behind
// a custom network "local" whose SMS URL is the stand-in, RSA keys made by openssl and archives
// made by openssl as the enclave does (scripts/make-encrypted-result.sh). All on
// 127.0.0.1, free ports. The same journey as crates/cli/tests/wallet_sms.rs, through the UI:
//   the old key imported; the keystore refused with a wrong password, then imported in the ring;
//   the SMS of "local" absent, the old key pushed (the stand-in holds base64 of the exported PEM);
//   a rotation: the kit step refuses to go on before a verified kit holds the new key, the
//   embedded backup wizard with its quiz, then the app is killed (SIGKILL) at the push step and
//   restarted: the "rotation interrupted" banner resumes it at the push step; the new key pushed
//   (the stand-in now holds it), the rotation finished, the old key retired; an archive made for
//   the old key and one made for the new key both decrypt. Screenshots go to
//   tests/e2e/artifacts/screens/wallet-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { appBinary, artifacts, repo, makeEncryptedResult, startEnvironment, screenshotScreen, recordSecrets } from './harness.mjs';
import { Session } from './webdriver.mjs';
import { sleep, startSms, waitUntil } from './desktop-helpers.mjs';
import { startGanache, stopChild } from './chain.mjs';

const NETWORK = 'local';
const NETWORK_LABEL = 'Local test chain';
const PASSWORD = 'correct horse';
/** Any address: the hub is only parsed here (no task is read). */
const HUB = '0x' + '3e'.repeat(20);

let env;
let s;
let dir;
let ganache;
let rpcUrl;
let sms; // { child, stdin, url, control }
let wallet; // { address, privateKey }
let oldKey;
let oldPub;
let oldFp;
let newFp;
let words = [];

// ---------------------------------------------------------------------------------------------
// Small helpers over the WebDriver session

const byId = (id) => `[data-testid="${id}"]`;
const click = async (css, opts) => (await s.find(css, opts)).click();
const smsRow = `${byId('sms-row')}[data-network="${NETWORK}"]`;
const pushRow = `${byId('rotation-push-row')}[data-network="${NETWORK}"]`;
const keyRow = (fp) => `${byId('key-row')}[data-fingerprint="${fp}"]`;

/** A screenshot of the screen, `css` (when given) scrolled into the middle of the window first. */
async function shot(name, css) {
  if (css) await s.execute("document.querySelector(arguments[0])?.scrollIntoView({ block: 'center' }); return true;", [css]);
  await sleep(150); // the scroll is painted
  screenshotScreen(env.display, path.join(artifacts, 'screens', `${name}.png`));
}

async function typeInto(css, text) {
  const el = await s.find(css);
  await el.click();
  await el.sendKeys(text);
  return el;
}

/** The next native file dialog (open or save) returns `p` (test hook, RESULT_VAULT_E2E=1). */
async function nextPath(p) {
  await s.execute('return window.__resultVault.setNextPath(arguments[0]).then(() => true);', [p]);
}

function attrOf(css, name) {
  return s.execute('const el = document.querySelector(arguments[0]); return el ? el.getAttribute(arguments[1]) : null;', [css, name]);
}

function textOf(css) {
  return s.execute('const el = document.querySelector(arguments[0]); return el ? el.innerText : null;', [css]);
}

const count = async (css) => (await s.findAll(css)).length;

/** The rotation wizard's step, once it has loaded. */
const wizardStep = () => attrOf(byId('rotation-wizard'), 'data-step');

async function waitStep(step, timeoutMs = 20000) {
  await waitUntil(async () => (await wizardStep()) === step, `the rotation wizard at step "${step}"`, timeoutMs);
}

// ---------------------------------------------------------------------------------------------
// Keys, fingerprints, the stand-in SMS

/** SHA-256 of the SPKI DER, lowercase hex: the app's key fingerprint. */
function fingerprintOf(pem) {
  const der = crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('hex');
}

const grouped = (fp) => fp.toUpperCase().match(/.{1,4}/g).join(' ');
const short = (fp) => grouped(fp.slice(0, 16));

async function smsState() {
  const res = await fetch(`${sms.control}/state`, { signal: AbortSignal.timeout(5000) });
  assert.ok(res.ok, `stand-in SMS /state: HTTP ${res.status}`);
  return res.json();
}

async function secretOf(address) {
  return (await smsState()).secrets[address.toLowerCase()] ?? null;
}

/** An archive for `pub` (a PEM file), made by openssl as the enclave does. */
function archiveFor(pub, out) {
  execFileSync('bash', [makeEncryptedResult, pub, '1', out], { stdio: 'ignore', timeout: 60000 });
  return out;
}

/**
 * The app's own process (not its web processes, not the drivers): the binary started by the
 * WebDriver session with this test's RESULT_VAULT_HOME.
 */
function appPids() {
  const exe = fs.realpathSync(appBinary);
  const marker = `RESULT_VAULT_HOME=${env.env.RESULT_VAULT_HOME}\0`;
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/exe`) !== exe) continue;
      if (!fs.readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) continue;
      if (/\) Z /.test(fs.readFileSync(`/proc/${entry}/stat`, 'latin1'))) continue; // a zombie: already dead
      pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return pids;
}

// ---------------------------------------------------------------------------------------------

before(async () => {
  const started = Date.now();
  fs.mkdirSync(path.join(artifacts, 'screens'), { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-wallet-e2e-'));
  // The "old" key pair (PKCS#8 PEM), as the CLI test has the SDK's.
  oldKey = path.join(dir, 'old_key');
  oldPub = path.join(dir, 'old_key.pub');
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', oldKey], { stdio: 'ignore' });
  execFileSync('openssl', ['pkey', '-pubout', '-in', oldKey, '-out', oldPub], { stdio: 'ignore' });
  recordSecrets(fs.readFileSync(oldKey, 'utf8'));
  oldFp = fingerprintOf(fs.readFileSync(oldPub, 'utf8'));
  // The wallet, as ethers writes keystores.
  const out = execFileSync(process.execPath, ['tests/interop/scripts/make-keystores.mjs', path.join(dir, 'ks'), PASSWORD], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 60000,
  });
  wallet = JSON.parse(out.trim().split('\n').pop());
  recordSecrets(wallet.privateKey.slice(2));
  sms = await startSms('wallet');
  ({ url: rpcUrl, child: ganache } = await startGanache({ deterministic: false }));
  console.log(`# real parts ready in ${Date.now() - started} ms: rpc ${rpcUrl}, sms ${sms.url}, wallet ${wallet.address}`);
  env = await startEnvironment({ name: 'wallet' });
  s = await Session.create(env.driverUrl, appBinary);
});

after(async () => {
  await s?.delete();
  await env?.stop();
  await sms?.stop();
  await stopChild(ganache);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

test('the key ring opens and the old key is imported', async () => {
  await click(byId('nav-keys'), { timeoutMs: 30000 });
  await s.find(byId('keys-screen'));
  await nextPath(oldKey);
  await click(byId('import-file'));
  await waitUntil(async () => (await count(byId('key-row'))) === 1, 'one key row', 30000);
  assert.equal(await attrOf(byId('key-row'), 'data-fingerprint'), oldFp, 'the fingerprint is the SHA-256 of the SPKI DER');
});

test('Settings: a custom network "local" whose SMS is the stand-in', async () => {
  await click(byId('nav-settings'));
  await s.find(byId('settings-screen'));
  await click(byId('network-add-toggle'));
  await s.find(byId('network-add-form'));
  await typeInto(byId('network-add-name-input'), NETWORK);
  await typeInto(byId('network-add-label-input'), NETWORK_LABEL);
  await typeInto(byId('network-add-chain-id-input'), '1337');
  await typeInto(byId('network-add-rpc-input'), rpcUrl);
  await typeInto(byId('network-add-hub-input'), HUB);
  // Not used by this journey: anything well formed.
  await typeInto(byId('network-add-subgraph-input'), rpcUrl);
  await typeInto(byId('network-add-market-input'), rpcUrl);
  await typeInto(byId('network-add-sms-input'), sms.url);
  await click(byId('network-add-save'));
  const row = `${byId('network-row')}[data-network="${NETWORK}"]`;
  await s.find(row, { timeoutMs: 30000 });
  await s.waitGone(byId('network-add-form'));
  const stored = await s.execute('return document.querySelector(arguments[0]).value;', [`${row} ${byId('network-sms-input')}`]);
  assert.equal(stored, sms.url);
});

test('Wallet: the keystore refused with a wrong password, then imported in the key ring', async () => {
  await click(byId('nav-keys'));
  await s.find(byId('wallet-section'));
  await s.find(byId('wallet-empty'));
  const keystore = path.join(dir, 'ks/scrypt.json');
  await nextPath(keystore);
  await click(byId('wallet-import-file'));
  await waitUntil(async () => (await textOf(byId('wallet-chosen')))?.trim() === 'scrypt.json', 'the chosen keystore');
  const password = await typeInto(byId('wallet-password-input'), 'wrong horse');
  assert.equal(await s.execute('return document.querySelector(arguments[0]).value;', [byId('wallet-keep-select')]), 'in_ring');
  await click(byId('wallet-import-submit'));

  const error = await s.find(byId('wallet-error'), { timeoutMs: 30000 });
  assert.equal(await error.attr('data-kind'), 'wrong_password');
  assert.match(await textOf(`${byId('wallet-error')} ${byId('inline-error-lead')}`), /This password does not open the keystore/);
  assert.equal(await attrOf(byId('wallet-password-input'), 'aria-invalid'), 'true');
  assert.equal(await count(byId('wallet-row')), 0, 'nothing imported');
  assert.equal((await textOf(byId('wallet-chosen'))).trim(), 'scrypt.json', 'the file stays chosen');
  await shot('wallet-00-wrong-password', byId('wallet-error'));

  await password.clear();
  await password.sendKeys(PASSWORD);
  await click(byId('wallet-import-submit'));
  const row = `${byId('wallet-row')}[data-address="${wallet.address}"]`;
  await s.find(row, { timeoutMs: 30000 });
  await s.waitGone(byId('wallet-error'));
  assert.equal(await count(byId('wallet-row')), 1);
  assert.equal(await attrOf(`${row} ${byId('wallet-badge')}`, 'data-keep'), 'in_ring');
  assert.equal((await textOf(`${row} ${byId('wallet-address')}`)).trim(), wallet.address, 'EIP-55, as ethers writes it');
  assert.equal(await attrOf(byId('wallet-notice'), 'data-type'), 'added');
  await shot('wallet-01-imported', row);
});

test('SMS: "local" is absent, the old key is pushed and the stand-in holds the exported PEM', async () => {
  // The section checks every SMS when the wallet shows.
  let state = await waitUntil(async () => {
    const v = await attrOf(smsRow, 'data-state');
    return v && v !== 'unknown' ? v : null;
  }, 'the automatic SMS check', 15000).catch(() => null);
  if (!state) {
    await click(byId('sms-check'));
    state = await waitUntil(async () => {
      const v = await attrOf(smsRow, 'data-state');
      return v && v !== 'unknown' ? v : null;
    }, 'the SMS check', 30000);
  }
  assert.equal(state, 'absent');
  const heads = (await smsState()).log.filter((r) => r.method === 'HEAD' && r.owner?.toLowerCase() === wallet.address.toLowerCase());
  assert.ok(heads.length >= 1 && heads.every((r) => r.status === 404), `the app asked the stand-in: ${JSON.stringify(heads)}`);
  assert.match(await textOf(`${smsRow} ${byId('sms-state')}`), /No key/);
  assert.equal(await secretOf(wallet.address), null);

  // A key no verified recovery kit holds is never pushed (a lost computer would lose every result
  // encrypted for it): refused with backup_required, and nothing reaches the SMS.
  await click(`${smsRow} ${byId('sms-push')}`);
  await waitUntil(
    async () => (await attrOf(`${smsRow} ${byId('sms-error')}`, 'data-kind')) === 'backup_required',
    'the push to be refused until a kit holds the key',
    30000,
  );
  assert.equal(await secretOf(wallet.address), null, 'nothing pushed');
  assert.equal((await smsState()).log.filter((r) => r.method === 'POST' || r.method === 'PUT').length, 0);
  await shot('wallet-01b-push-needs-kit', smsRow);
  // Back up (words, quiz, test restore), then push.
  await click(byId('start-backup'));
  await s.find(byId('backup-wizard'));
  await nextPath(path.join(dir, 'sms-kit.age'));
  await click(byId('backup-save'));
  await s.find(byId('backup-words'), { timeoutMs: 30000 });
  const kitWords = [];
  for (const el of await s.findAll(byId('backup-word'))) {
    kitWords[Number(await el.attr('data-index')) - 1] = (await el.text()).replace(/^\s*\d+[.)]?\s*/, '').trim();
  }
  recordSecrets(kitWords.join(' '));
  await click(byId('backup-continue'));
  for (const input of await s.findAll(byId('quiz-word-input'))) {
    await input.click();
    await input.sendKeys(kitWords[Number(await input.attr('data-index')) - 1]);
  }
  await click(byId('quiz-submit'));
  await s.find(byId('backup-done'), { timeoutMs: 60000 });
  await click(byId('backup-close'));

  await click(`${smsRow} ${byId('sms-push')}`);
  await waitUntil(async () => (await attrOf(smsRow, 'data-state')) === 'pushed_from_vault', 'the row to say pushed', 30000);
  assert.match(await textOf(`${smsRow} ${byId('sms-state')}`), /Your key was pushed from this vault/);
  const { log } = await smsState();
  const writes = log.filter((r) => r.method === 'POST' || r.method === 'PUT');
  assert.deepEqual(writes.map((r) => [r.method, r.status]), [['POST', 201]], 'one create, its signature accepted by ethers');

  // The secret: base64 of a PEM public key, the old key's...
  const secret = await secretOf(wallet.address);
  assert.ok(secret, 'the stand-in holds a secret for the address');
  const pem = Buffer.from(secret, 'base64').toString('utf8');
  assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.equal(fingerprintOf(pem), oldFp, 'the SMS holds the old key');
  const der = (p) => crypto.createPublicKey(p).export({ type: 'spki', format: 'der' }).toString('hex');
  assert.equal(der(pem), der(fs.readFileSync(oldPub, 'utf8')), 'the same key as openssl pkey -pubout');
  // ... exactly as the app exports it.
  const exported = path.join(dir, 'old-exported.pub');
  await nextPath(exported);
  await click(`${keyRow(oldFp)} ${byId('export-public')}`);
  await waitUntil(() => fs.existsSync(exported) && fs.statSync(exported).size > 0, 'the exported public key');
  assert.equal(secret, fs.readFileSync(exported).toString('base64'), 'base64 of the exported PEM, byte for byte');
  await shot('wallet-02-pushed', smsRow);
});

test('Rotation: the kit step refuses to go on without a verified kit; the embedded backup and its quiz', async () => {
  await click(byId('start-rotation'));
  await s.find(byId('rotation-wizard'));
  await waitStep('why');
  assert.match(await textOf(byId('rotation-old-key')), new RegExp(short(oldFp)));
  // Only "local": the built-in networks' SMS are real services.
  const names = await s.execute('return [...document.querySelectorAll(arguments[0])].map((b) => b.dataset.network);', [byId('rotation-network')]);
  assert.ok(names.includes(NETWORK), `"local" is offered: ${names}`);
  for (const name of names) {
    const box = `${byId('rotation-network')}[data-network="${name}"]`;
    const checked = await s.execute('return document.querySelector(arguments[0]).checked;', [box]);
    if (checked !== (name === NETWORK)) await click(box);
  }
  const chosen = await s.execute(
    'return [...document.querySelectorAll(arguments[0])].filter((b) => b.checked).map((b) => b.dataset.network);',
    [byId('rotation-network')],
  );
  assert.deepEqual(chosen, [NETWORK]);
  await click(byId('rotation-next'));
  await waitStep('generate');

  await click(byId('rotation-generate'));
  await waitStep('kit', 120000);
  const title = await attrOf(byId('rotation-new-key'), 'title');
  newFp = title.replace(/\s+/g, '').toLowerCase();
  assert.match(newFp, /^[0-9a-f]{64}$/);
  assert.notEqual(newFp, oldFp);

  // "Continue" before a kit holds the new key: refused, still at the kit step.
  await click(byId('rotation-next'));
  const error = await s.find(byId('rotation-error'), { timeoutMs: 15000 });
  assert.equal(await error.attr('data-kind'), 'backup_required');
  assert.match(await textOf(`${byId('rotation-error')} ${byId('inline-error-lead')}`), /No verified recovery kit holds the new key yet/);
  assert.equal(await wizardStep(), 'kit');
  assert.equal(fingerprintOf(Buffer.from(await secretOf(wallet.address), 'base64').toString()), oldFp, 'nothing pushed yet');
  await shot('wallet-02b-kit-refused', byId('rotation-error'));

  // The backup wizard inside the rotation wizard: words, quiz, test restore.
  await click(byId('rotation-backup'));
  await s.find(`${byId('rotation-backup-wizard')} ${byId('backup-wizard')}`);
  const kit = path.join(dir, 'rotation-kit.age');
  await nextPath(kit);
  await click(byId('backup-save'));
  await s.find(byId('backup-words'), { timeoutMs: 30000 });
  const els = await s.findAll(byId('backup-word'));
  assert.equal(els.length, 24);
  words = [];
  for (const el of els) {
    const i = Number(await el.attr('data-index'));
    words[i - 1] = (await el.text()).replace(/^\s*\d+[.)]?\s*/, '').trim();
  }
  assert.equal(words.filter(Boolean).length, 24);
  recordSecrets(words.join(' '));
  await click(byId('backup-continue'));
  await s.find(byId('quiz-word-input'));
  const inputs = await s.findAll(byId('quiz-word-input'));
  assert.equal(inputs.length, 3);
  for (const input of inputs) {
    const i = Number(await input.attr('data-index'));
    await input.click();
    await input.sendKeys(words[i - 1]);
  }
  await click(byId('quiz-submit'));
  await s.find(byId('backup-done'), { timeoutMs: 60000 });
  const inKit = await s.execute(
    'return [...document.querySelectorAll(arguments[0])].map((e) => e.dataset.fingerprint);',
    [byId('backup-done-key')],
  );
  assert.deepEqual(inKit.sort(), [oldFp, newFp].sort(), 'the kit holds the old and the new key');
  assert.ok(fs.statSync(kit).size > 1000);
  await click(byId('backup-close'));
  // The kit is checked on closing: the wizard goes on to the push step by itself.
  await waitStep('push', 20000);
  assert.equal(await attrOf(pushRow, 'data-state'), 'waiting');
  assert.equal(await count(byId('rotation-error')), 0);
  assert.equal(fingerprintOf(Buffer.from(await secretOf(wallet.address), 'base64').toString()), oldFp, 'still nothing pushed');
});

test('the app killed at the push step: restarted, the banner resumes the rotation at the push step', async () => {
  const pids = appPids();
  assert.equal(pids.length, 1, `one app process for this home: ${pids}`);
  process.kill(pids[0], 'SIGKILL');
  await waitUntil(() => appPids().length === 0, 'the app to die', 10000);
  await s.delete();
  s = await Session.create(env.driverUrl, appBinary);

  // The key ring opens by itself (Secret Service); the stored rotation shows its banner.
  const banner = await s.find(byId('rotation-banner'), { timeoutMs: 30000 });
  assert.match(await banner.text(), /A key rotation was interrupted/);
  await shot('wallet-03a-banner');
  await click(byId('rotation-resume'));
  await s.find(byId('rotation-wizard'));
  const seen = [];
  await waitUntil(async () => {
    const step = await wizardStep();
    if (seen.at(-1) !== step) seen.push(step);
    return step !== 'loading' && step;
  }, 'the wizard to load', 15000, 50);
  assert.equal(seen.at(-1), 'push', `resumed at the push step (seen: ${seen})`);
  assert.ok(!seen.includes('generate') && !seen.includes('why') && !seen.includes('kit'), `never back before the push: ${seen}`);
  assert.equal(await attrOf(pushRow, 'data-state'), 'waiting');
  // The step list shows the first three steps done.
  const past = await s.execute(
    'return [...document.querySelectorAll(arguments[0])].filter((e) => e.classList.contains("past")).map((e) => e.dataset.step);',
    [byId('rotation-step')],
  );
  assert.deepEqual(past, ['why', 'generate', 'kit']);
  await shot('wallet-03-resumed');
});

test('Rotation: the new key pushed to the stand-in, the rotation finished, the old key retired', async () => {
  await click(byId('rotation-push'));
  await waitUntil(async () => (await attrOf(pushRow, 'data-state')) === 'done', 'the push to "local"', 30000);
  await s.find(byId('rotation-all-pushed'));
  const secret = await secretOf(wallet.address);
  const pem = Buffer.from(secret, 'base64').toString('utf8');
  assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.equal(fingerprintOf(pem), newFp, 'the SMS now holds the new key');
  const writes = (await smsState()).log.filter((r) => r.method === 'POST' || r.method === 'PUT');
  assert.deepEqual(writes.map((r) => [r.method, r.status]), [['POST', 201], ['PUT', 204]], 'an update, its signature accepted');

  await click(byId('rotation-next'));
  await waitStep('finish');
  await click(byId('rotation-finish'));
  await s.find(byId('rotation-summary'), { timeoutMs: 20000 });
  assert.equal((await textOf(byId('rotation-summary-new'))).trim(), short(newFp));
  assert.equal((await textOf(byId('rotation-summary-networks'))).trim(), NETWORK_LABEL);
  assert.match(await textOf(byId('rotation-summary-old')), new RegExp(short(oldFp)));
  await shot('wallet-04-rotation-done');

  await click(byId('rotation-close'));
  await s.find(byId('keys-screen'));
  await s.waitGone(byId('rotation-banner'));
  assert.equal(await count(byId('key-row')), 2);
  assert.match(await attrOf(keyRow(oldFp), 'class'), /\bretired\b/);
  assert.equal((await textOf(`${keyRow(oldFp)} ${byId('key-status-chip')}`)).trim(), 'Retired');
  assert.equal((await textOf(`${keyRow(newFp)} ${byId('key-status-chip')}`)).trim(), 'Active');
  // The SMS row: pushed from this vault, the active key (no "older key" note, nothing to push).
  await waitUntil(async () => (await attrOf(smsRow, 'data-state')) === 'pushed_from_vault', 'the SMS row', 30000);
  assert.equal(await count(`${smsRow} ${byId('sms-older-key')}`), 0);
  assert.equal(await count(`${smsRow} ${byId('sms-push')}`), 0);
  // The new public key, as the app exports it: what the stand-in holds.
  const exported = path.join(dir, 'new-exported.pub');
  await nextPath(exported);
  await click(`${keyRow(newFp)} ${byId('export-public')}`);
  await waitUntil(() => fs.existsSync(exported) && fs.statSync(exported).size > 0, 'the exported public key');
  assert.equal(secret, fs.readFileSync(exported).toString('base64'), 'base64 of the exported PEM, byte for byte');
  await shot('wallet-05-keys-after', keyRow(oldFp));
});

test('an archive made for the old key and one made for the new key both decrypt', async () => {
  const archives = [
    [archiveFor(oldPub, path.join(dir, 'for-old-key.zip')), oldFp],
    [archiveFor(path.join(dir, 'new-exported.pub'), path.join(dir, 'for-new-key.zip')), newFp],
  ];
  await click(byId('nav-open'));
  for (const [archive, fp] of archives) {
    await s.find(byId('drop-zone'));
    await s.execute('window.__resultVault.openPath(arguments[0]); return true;', [archive]);
    await s.find(byId('result-view'), { timeoutMs: 60000 });
    const status = await s.find(byId('result-status'));
    assert.match(await status.text(), /decrypt/i);
    assert.equal(await status.attr('title'), `Key fingerprint: ${grouped(fp)}`, `${path.basename(archive)} decrypted with ${short(fp)}`);
    assert.match(await status.text(), new RegExp(`\\(${short(fp)}\\)`));
    const files = await s.execute('return [...document.querySelectorAll(arguments[0])].map((e) => e.dataset.path);', [byId('file-row')]);
    // make-encrypted-result.sh zips the folder iexec_out/ itself: its files keep that prefix.
    assert.deepEqual(files.sort(), ['iexec_out/computed.json', 'iexec_out/random.bin', 'iexec_out/result.txt']);
    const out = path.join(env.env.RESULT_VAULT_HOME, 'results', path.basename(archive, '.zip'));
    const text = fs.readFileSync(path.join(out, 'iexec_out/result.txt'), 'utf8');
    assert.ok(text.startsWith('iExec result line lorem ipsum'), `the decrypted files are on disk in ${out}`);
    await shot(`wallet-06-decrypted-${fp === oldFp ? 'old' : 'new'}-key`);
    await click(byId('start-over'));
  }
});

test('no key material, wallet key or recovery words in the log of the whole run', async () => {
  const logs = path.join(env.env.RESULT_VAULT_HOME, 'logs');
  const files = fs.existsSync(logs) ? fs.readdirSync(logs).map((f) => path.join(logs, f)) : [];
  assert.ok(files.length > 0, 'the app writes a log');
  const text = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  assert.match(text, /wallet .* imported/);
  assert.match(text, /rotation: new key pushed to local/);
  assert.doesNotMatch(text, /PRIVATE KEY|BEGIN PUBLIC KEY/);
  assert.ok(!text.toLowerCase().includes(wallet.privateKey.slice(2).toLowerCase()), 'the wallet private key is in the log');
  assert.ok(!text.includes(PASSWORD), 'the keystore password is in the log');
  const pemLine = fs.readFileSync(oldKey, 'utf8').split('\n')[3];
  assert.ok(!text.includes(pemLine), 'a line of the old private key is in the log');
  for (let i = 0; i + 3 <= words.length; i++) {
    assert.ok(!text.includes(words.slice(i, i + 3).join(' ')), 'recovery words are in the log');
  }
});
