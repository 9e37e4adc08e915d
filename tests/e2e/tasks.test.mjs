// "My tasks from the chain" in the real app, against real parts: ganache with the test hub seeded
// from the functional scenario (tests/standins/make-scenario.mjs), the stand-in subgraph, market
// API and two IPFS gateways (tests/standins/standins.mjs), all on 127.0.0.1 with free ports.
// The same journey as crates/cli/tests/tasks.rs, through the UI:
//   key ring + the beneficiary's key imported; a custom network "local" added in Settings (a wrong
//   chain id refused first); the beneficiary watched and its tasks listed with their states;
//   A task 0 downloaded through a broken connection (automatic retries, then a resume with
//   Range) and verified against the chain; D task 0 paused by the user and resumed; deal E found
//   through the market API while the subgraph is down, and its tampered archive flagged as a
//   mismatch. Screenshots go to tests/e2e/artifacts/screens/tasks-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { appBinary, artifacts, startEnvironment, screenshotScreen, recordSecrets } from './harness.mjs';
import { Session } from './webdriver.mjs';
import { waitUntil } from './desktop-helpers.mjs';
import { control as chainControl, nodeJson, startGanache, startStandins, stopChild } from './chain.mjs';

const BENEFICIARY = '0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB';
const NETWORK = 'local';
const NETWORK_LABEL = 'Local test chain';
/** Gateway 0's pace for the slow downloads: the ~260 KB archives take about 7 s. */
const SLOW_RATE = 38_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let env;
let s;
let dir;
let ganache;
let standins;
let rpcUrl;
let hub;
let urls; // { subgraph, market, gateways, control }
let scenario;
let keyFile;
const ids = {};

/** A screenshot of the screen, `css` (when given) scrolled into the middle of the window first. */
async function shot(name, css) {
  if (css) await s.execute("document.querySelector(arguments[0])?.scrollIntoView({ block: 'center' }); return true;", [css]);
  screenshotScreen(env.display, path.join(artifacts, 'screens', `${name}.png`));
}
const byId = (id) => `[data-testid="${id}"]`;
const rowSel = (taskId) => `[data-testid="task-row"][data-task-id="${taskId}"]`;
const click = async (css, opts) => (await s.find(css, opts)).click();

async function typeInto(css, text) {
  const el = await s.find(css);
  await el.click();
  await el.sendKeys(text);
  return el;
}

/** One attribute of the first element matching `css`, or null when there is none. */
function attrOf(css, name) {
  return s.execute('const el = document.querySelector(arguments[0]); return el ? el.getAttribute(arguments[1]) : null;', [css, name]);
}

function textOf(css) {
  return s.execute('const el = document.querySelector(arguments[0]); return el ? el.innerText : null;', [css]);
}

/** Selects `value` in a <select>: a click on its option, as a person would. */
async function selectOption(testid, value) {
  await click(`${byId(testid)} option[value="${value}"]`, { visible: false });
  const now = await s.execute('return document.querySelector(arguments[0]).value;', [byId(testid)]);
  assert.equal(now, value, `the select ${testid} took the option ${value}`);
}

// ---------------------------------------------------------------------------------------------
// The real parts: ganache, scenario, seeded hub, stand-ins

const control = (p, body) => chainControl(urls, p, body);

async function requestLog() {
  const res = await fetch(`${urls.control}/log`, { signal: AbortSignal.timeout(5000) });
  return res.json();
}

before(async () => {
  const started = Date.now();
  fs.mkdirSync(path.join(artifacts, 'screens'), { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-tasks-e2e-'));
  // The beneficiary's key pair (PKCS#8 PEM), as the CLI test makes it.
  keyFile = path.join(dir, 'beneficiary_key');
  const pubFile = path.join(dir, 'beneficiary_key.pub');
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyFile], { stdio: 'ignore' });
  execFileSync('openssl', ['pkey', '-pubout', '-in', keyFile, '-out', pubFile], { stdio: 'ignore' });
  recordSecrets(fs.readFileSync(keyFile, 'utf8'));
  ({ url: rpcUrl, child: ganache } = await startGanache());
  const { scenario: scenarioPath } = nodeJson([
    'tests/standins/make-scenario.mjs', '--out', path.join(dir, 'scenario'), '--beneficiary', BENEFICIARY.toLowerCase(), '--pubkey', pubFile,
  ]);
  scenario = JSON.parse(fs.readFileSync(scenarioPath, 'utf8'));
  hub = nodeJson(['tests/standins/seed-chain.mjs', '--rpc', rpcUrl, '--scenario', scenarioPath]).hub;
  ({ urls, child: standins } = await startStandins(scenarioPath, path.join(artifacts, 'standins-tasks.log')));
  const a = scenario.artifacts;
  const taskOf = (name, idx) => scenario.deals.find((d) => d.id === a.deals[name]).tasks[idx].id;
  Object.assign(ids, {
    A0: taskOf('A', 0), A1: taskOf('A', 1), B0: taskOf('B', 0), B1: taskOf('B', 1),
    C0: taskOf('C', 0), D0: taskOf('D', 0), E0: taskOf('E', 0),
  });
  assert.equal(ids.A0, a.taskId);
  console.log(`# real parts ready in ${Date.now() - started} ms: rpc ${rpcUrl}, hub ${hub}`);
  env = await startEnvironment({ name: 'tasks' });
  s = await Session.create(env.driverUrl, appBinary);
});

after(async () => {
  await s?.delete();
  await env?.stop();
  await stopChild(standins);
  await stopChild(ganache);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

test('the key ring opens and the beneficiary key is imported', async () => {
  await click(byId('nav-keys'), { timeoutMs: 30000 });
  await s.find(byId('keys-screen'));
  await s.execute('return window.__resultVault.setNextPath(arguments[0]).then(() => true);', [keyFile]);
  await click(byId('import-file'));
  await waitUntil(async () => (await s.findAll(byId('key-row'))).length === 1, 'one key row', 30000);
});

test('Settings: a custom network with a wrong chain id is refused, then added', async () => {
  await click(byId('nav-settings'));
  await s.find(byId('settings-screen'));
  await click(byId('network-add-toggle'));
  await s.find(byId('network-add-form'));
  await typeInto(byId('network-add-name-input'), NETWORK);
  await typeInto(byId('network-add-label-input'), NETWORK_LABEL);
  const chainId = await typeInto(byId('network-add-chain-id-input'), '5');
  await typeInto(byId('network-add-rpc-input'), rpcUrl);
  await typeInto(byId('network-add-hub-input'), hub);
  await typeInto(byId('network-add-subgraph-input'), urls.subgraph);
  await typeInto(byId('network-add-market-input'), urls.market);
  // One per line: the Enter key (U+E007) between them.
  await typeInto(byId('network-add-ipfs-input'), `${urls.gateways[0]}\uE007${urls.gateways[1]}`);
  const ipfs = await s.execute('return document.querySelector(arguments[0]).value;', [byId('network-add-ipfs-input')]);
  assert.deepEqual(ipfs.split('\n'), urls.gateways, 'both gateways, one per line');
  await click(byId('network-add-save'));

  // The RPC serves chain 1337: chain 5 is refused, nothing saved, the fields kept.
  const error = await s.find(byId('network-add-error'), { timeoutMs: 30000 });
  assert.equal(await error.attr('data-kind'), 'chain_mismatch');
  const message = await textOf(`${byId('network-add-error')} ${byId('inline-error-message')}`);
  assert.match(message, /serves chain 1337, not chain 5/);
  assert.match(await error.text(), /This RPC serves another chain/);
  assert.equal((await s.findAll(`${byId('network-row')}[data-network="${NETWORK}"]`)).length, 0, 'nothing saved');
  await shot('tasks-01-network-chain-mismatch', byId('network-add-error'));

  await chainId.clear();
  await chainId.sendKeys('1337');
  await click(byId('network-add-save'));
  await s.find(`${byId('network-row')}[data-network="${NETWORK}"]`, { timeoutMs: 30000 });
  // Saved: the add form closes and the new network's row is there.
  await s.waitGone(byId('network-add-form'));
  const rowRpc = await s.execute('return document.querySelector(arguments[0]).value;', [
    `${byId('network-row')}[data-network="${NETWORK}"] ${byId('network-rpc-input')}`,
  ]);
  assert.equal(rowRpc, rpcUrl);
  await shot('tasks-02-network-added', `${byId('network-row')}[data-network="${NETWORK}"]`);
  await shot('tasks-02b-network-row', `${byId('network-row')}[data-network="${NETWORK}"] ${byId('network-rpc-input')}`);
});

test('Tasks: the watched beneficiary lists the scenario tasks with their states', async () => {
  await click(byId('nav-tasks'));
  await s.find(byId('tasks-screen'));
  await selectOption('watch-network-select', NETWORK);
  await typeInto(byId('watch-address-input'), BENEFICIARY.toLowerCase());
  await typeInto(byId('watch-label-input'), 'My work wallet');
  await click(byId('watch-add'));
  // Watching refreshes at once: the subgraph's deals, each task's row.
  const watched = await s.find(`${byId('watched-row')}[data-network="${NETWORK}"]`, { timeoutMs: 30000 });
  assert.equal(await watched.attr('data-address'), BENEFICIARY, 'stored checksummed (EIP-55)');
  await waitUntil(async () => (await s.findAll(byId('task-row'))).length >= 6, 'six task rows', 60000);
  await s.waitGone(byId('refresh-cancel'), { timeoutMs: 60000 });

  const expected = {
    A0: 'completed', A1: 'active', B0: 'failed', B1: 'timeout', C0: 'completed', D0: 'completed',
  };
  for (const [name, status] of Object.entries(expected)) {
    assert.equal(await attrOf(rowSel(ids[name]), 'data-status'), status, `${name} is ${status}`);
  }
  const rows = await s.findAll(byId('task-row'));
  const listed = await Promise.all(rows.map((r) => r.attr('data-task-id')));
  assert.deepEqual(listed.sort(), Object.keys(expected).map((n) => ids[n]).sort(), 'only the subgraph deals of this beneficiary; E not yet');
  // Downloadable: the completed IPFS results only.
  for (const name of ['A0', 'D0']) {
    assert.ok(await attrOf(`${rowSel(ids[name])} ${byId('fetch-task')}`, 'data-testid'), `${name} can be downloaded`);
  }
  for (const name of ['A1', 'B0', 'B1', 'C0']) {
    assert.equal(await attrOf(`${rowSel(ids[name])} ${byId('fetch-task')}`, 'data-testid'), null, `${name} has no download button`);
  }
  // The callback task: its result went on chain; the plain one is not encrypted.
  assert.equal(await attrOf(`${rowSel(ids.C0)} ${byId('task-storage')}`, 'data-storage'), 'ethereum');
  assert.equal(await attrOf(`${rowSel(ids.D0)} ${byId('task-encrypted')}`, 'data-encrypted'), 'false');
  assert.equal(await attrOf(`${rowSel(ids.A0)} ${byId('task-encrypted')}`, 'data-encrypted'), 'true');
  for (const name of Object.keys(expected)) {
    assert.equal(await attrOf(rowSel(ids[name]), 'data-vault'), 'not_downloaded');
  }
  await shot('tasks-03-list');
  await shot('tasks-03b-list-end', rowSel(ids.D0));
});

test('A task 0: the connection breaks mid-download, the app retries, resumes with Range and verifies', async () => {
  const a = scenario.artifacts;
  const size = fs.statSync(a.archive).size;
  const cutAt = Math.floor(size / 2);
  await control('/reset', {});
  // Gateway 1 is down for good: every retry and the resume must go to gateway 0. Gateway 0 is
  // slow and breaks its first body half way (the stand-in's `down` only refuses new connections,
  // it does not break a transfer under way: `cut` does).
  await control('/gateway/1', { mode: 'down' });
  await control('/gateway/0', { mode: 'cut', cutAfter: cutAt, failCount: 1, rate: SLOW_RATE });

  const row = rowSel(ids.A0);
  await click(`${row} ${byId('fetch-task')}`);
  await s.find(`${row} ${byId('fetch-progress')}`, { timeoutMs: 30000 });
  // The bar moves: record what it says until it passes 15 %.
  const seen = [];
  await waitUntil(async () => {
    const v = Number(await attrOf(`${row} ${byId('fetch-progress')}`, 'aria-valuenow'));
    if (seen.at(-1) !== v) seen.push(v);
    return v >= 15;
  }, 'the download to pass 15 %', 30000);
  // From now on gateway 0 refuses new connections; the transfer under way breaks at 50 %.
  await control('/gateway/0', { mode: 'down' });
  const before = Number(await attrOf(`${row} ${byId('fetch-progress')}`, 'aria-valuenow'));
  assert.ok(before < 50, `gateway 0 went down before the cut at 50 % (at ${before} %)`);
  assert.equal(await attrOf(row, 'data-vault'), 'downloading');
  assert.match(await textOf(`${row} ${byId('fetch-stage')}`), /^Downloading .* of .* — .*\/s \(127\.0\.0\.1:\d+\)$/);
  await shot('tasks-04-downloading', row);
  await waitUntil(async () => {
    const text = await textOf(`${row} ${byId('fetch-stage')}`);
    return text && /Connection lost; retrying in \d+ s \(attempt \d+\)/.test(text) ? text : null;
  }, 'the row to say it is retrying', 30000, 50);
  const atCut = Number(await attrOf(`${row} ${byId('fetch-progress')}`, 'aria-valuenow'));
  assert.ok(atCut >= 45 && atCut <= 55, `the bar keeps what was downloaded (${atCut} %)`);
  assert.ok(seen.length >= 3 && seen.every((v, i) => i === 0 || v > seen[i - 1]), `the bar rose: ${seen}`);
  await shot('tasks-05-retrying', row);
  // Wait until a retry really hit the outage (a reset connection, with Range), then restore.
  await waitUntil(async () => {
    const log = await requestLog();
    return log.some((r) => r.service === 'gateway0' && r.path === a.cid && r.status === null && /^bytes=\d+-$/.test(r.range ?? ''));
  }, 'a retry refused by gateway 0', 10000, 50);
  await control('/gateway/0', { mode: 'ok', rate: 0 });

  await waitUntil(async () => (await attrOf(row, 'data-vault')) === 'verified', 'A task 0 verified', 60000);
  const log = (await requestLog()).filter((r) => r.path === a.cid);
  const gw0 = log.filter((r) => r.service === 'gateway0');
  assert.equal(gw0[0].status, 200, 'the first request got the whole archive');
  assert.ok(gw0[0].bytesSent >= cutAt - 1 && gw0[0].bytesSent <= cutAt, `cut at ${cutAt}: ${gw0[0].bytesSent}`);
  const resumed = gw0.filter((r) => r.status === 206);
  assert.equal(resumed.length, 1, `one resume: ${JSON.stringify(log)}`);
  const from = Number(resumed[0].range.match(/^bytes=(\d+)-$/)?.[1]);
  assert.ok(from > 0 && from === gw0[0].bytesSent, `resumed from ${from}, where the cut stopped`);
  assert.equal(resumed[0].ifRange, `"${a.cid.slice('/ipfs/'.length)}"`, 'If-Range: the ETag');
  assert.equal(resumed[0].bytesSent, size - from);
  assert.ok(log.some((r) => r.service === 'gateway1' && r.status === null), 'gateway 1 was tried and refused');
  const sent = log.reduce((n, r) => n + r.bytesSent, 0);
  assert.equal(sent, size, 'not one byte downloaded twice');

  const badge = await s.find(`${row} ${byId('fetch-result')} ${byId('verification-badge')}`);
  assert.equal(await badge.attr('data-status'), 'verified');
  assert.match(await badge.text(), /Verified against chain/);
  assert.match(await textOf(`${row} ${byId('task-vault')}`), /Verified/);
  await shot('tasks-06-verified', row);
  // The details show the same, with the digest on chain.
  await click(`${row} ${byId('task-open')}`);
  const details = `${row} ${byId('task-details')}`;
  await s.find(details);
  assert.equal(await attrOf(`${details} ${byId('verification-badge')}`, 'data-status'), 'verified');
  assert.equal((await textOf(`${details} ${byId('digest-expected')}`)).trim(), a.digest);
  await shot('tasks-07-verified-details', `${details} ${byId('verification-badge')}`);
  await click(`${details} ${byId('close-details')}`);
  await s.waitGone(details);
  // The files are on disk, decrypted.
  const results = path.join(env.env.RESULT_VAULT_HOME, 'results');
  const found = fs.readdirSync(results, { recursive: true }).filter((f) => String(f).endsWith('result.txt'));
  assert.ok(found.length >= 1, `result.txt under ${results}`);
});

test('D task 0: paused by the user, kept partial, resumed with Range', async () => {
  const d = scenario.artifacts.plain;
  const size = fs.statSync(d.archive).size;
  await control('/reset', {});
  await control('/gateway/1', { mode: 'down' });
  await control('/gateway/0', { mode: 'ok', rate: SLOW_RATE });
  const row = rowSel(ids.D0);
  await click(`${row} ${byId('fetch-task')}`);
  await waitUntil(async () => Number(await attrOf(`${row} ${byId('fetch-progress')}`, 'aria-valuenow')) >= 30, 'D to pass 30 %', 30000);
  await click(`${row} ${byId('fetch-cancel')}`);
  await waitUntil(async () => (await attrOf(row, 'data-vault')) === 'partial', 'D paused (partial)', 20000);
  await s.find(`${row} ${byId('fetch-paused')}`);
  const vaultText = await textOf(`${row} ${byId('task-vault')}`);
  const pausedAt = Number(vaultText.match(/Paused at (\d+)%/)?.[1]);
  assert.ok(pausedAt >= 30 && pausedAt < 100, `the row says where it paused: ${vaultText}`);
  const fetchButton = await s.find(`${row} ${byId('fetch-task')}`);
  assert.equal((await fetchButton.text()).trim(), 'Resume');
  await shot('tasks-08-paused', row);

  await control('/gateway/0', { mode: 'ok', rate: 0 });
  await fetchButton.click();
  await waitUntil(async () => (await attrOf(row, 'data-vault')) === 'verified', 'D verified after the resume', 60000);
  const gw0 = (await requestLog()).filter((r) => r.service === 'gateway0' && r.path === d.cid);
  assert.equal(gw0.length, 2, JSON.stringify(gw0));
  assert.equal(gw0[0].status, 200);
  assert.equal(gw0[1].status, 206);
  const from = Number(gw0[1].range?.match(/^bytes=(\d+)-$/)?.[1]);
  assert.ok(from > 0 && from <= gw0[0].bytesSent, `resumed from ${from} (first request sent ${gw0[0].bytesSent})`);
  assert.equal(gw0[1].bytesSent, size - from);
  const badge = await s.find(`${row} ${byId('fetch-result')} ${byId('verification-badge')}`);
  assert.equal(await badge.attr('data-status'), 'verified');
  await shot('tasks-09-plain-verified', row);
});

test('deal E: found through the market API while the subgraph is down; its tampered archive is a mismatch', async () => {
  const e = scenario.artifacts.marketOnly;
  await control('/reset', {});
  await control('/subgraph', { mode: 'down' });
  const watched = `${byId('watched-row')}[data-network="${NETWORK}"]`;
  await click(`${watched} ${byId('refresh')}`);
  const warning = await s.find(`${watched} ${byId('refresh-warning')}`, { timeoutMs: 60000 });
  assert.match(await warning.text(), /market API answered instead/);
  const row = rowSel(ids.E0);
  await s.find(row, { timeoutMs: 10000 });
  assert.equal(await attrOf(row, 'data-status'), 'completed', 'E task 0 confirmed on chain');
  assert.equal((await s.findAll(byId('task-row'))).length, 7);
  await shot('tasks-10-market-warning', `${watched} ${byId('refresh-warning')}`);
  await control('/subgraph', { mode: 'ok' });

  // E's CID now serves the tampered archive: same key, another result.txt.
  await control('/files', { [e.cid]: scenario.artifacts.tampered });
  await click(`${row} ${byId('fetch-task')}`);
  await waitUntil(async () => (await attrOf(row, 'data-vault')) === 'mismatch', 'E mismatch', 60000);
  const badge = await s.find(`${row} ${byId('fetch-result')} ${byId('verification-badge')}`);
  assert.equal(await badge.attr('data-status'), 'mismatch');
  const text = await badge.text();
  assert.match(text, /Does not match the chain/);
  assert.match(text, /The files differ from what the enclave attested on chain\. Do not trust them\./);
  assert.equal((await textOf(`${row} ${byId('digest-expected')}`)).trim(), e.digest);
  assert.equal((await textOf(`${row} ${byId('digest-computed')}`)).trim(), scenario.artifacts.tamperedDigest);
  assert.match(await textOf(`${row} ${byId('task-vault')}`), /Does not match the chain/);
  await shot('tasks-11-mismatch', row);
});
