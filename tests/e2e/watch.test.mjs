// Results come to the user, in the real app (end-to-end build) under Xvfb, with real parts: a
// local chain (ganache and the test hub), the stand-in subgraph, market API and gateways, and a
// real notification daemon (dunst) on the test's D-Bus session, whose calls are recorded with
// dbus-monitor. A task completes on the chain and in the index while the app watches in the
// background with "download, decrypt and verify": exactly one notification with the right words
// comes within the watch interval plus 10 s; clicking it (dunst's default action) shows the result
// in the window; the result is in the Results screen, verified, with its preview. Screenshots of the Results screen, its preview and the watch settings, in
// English and in French.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { appBinary, artifacts, startEnvironment, screenshotScreen, recordSecrets, pidsWithEnv, ipcInvoke } from './harness.mjs';
import { control as chainControl, nodeJson, startGanache, startStandins } from './chain.mjs';
import { Session } from './webdriver.mjs';
import { waitUntil } from './desktop-helpers.mjs';

const BENEFICIARY = '0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB';
const WATCH_SECONDS = 5;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const byId = (id) => `[data-testid="${id}"]`;

let env;
let s;
let dir;
const children = [];
let urls;
let rpcUrl;
let hub;
let scenarioPath;
let scenario;
let middleScenario;
let middlePath;
let keyFile;
let monitorFile;

const control = (p, body) => chainControl(urls, p, body);

/** A command called as the window's script calls it; its value (a refusal fails the test). */
async function invoke(cmd, args = {}) {
  const r = await ipcInvoke(s, cmd, args);
  assert.ok(r.ok, `${cmd}: ${JSON.stringify(r.e)}`);
  return r.v;
}

const shot = (name) => screenshotScreen(env.display, path.join(artifacts, 'screens', `${name}.png`));
const click = async (css, opts) => (await s.find(css, opts)).click();

/** The Notify calls dbus-monitor recorded so far, each as the text of its arguments. */
function notifications() {
  const text = fs.existsSync(monitorFile) ? fs.readFileSync(monitorFile, 'utf8') : '';
  return text
    .split(/\n(?=method call)/)
    .filter((b) => /member=Notify\b/.test(b))
    .map((b) => b.replace(/\s+/g, ' '));
}

before(async () => {
  fs.mkdirSync(path.join(artifacts, 'screens'), { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-watch-e2e-'));
  keyFile = path.join(dir, 'beneficiary_key');
  const pubFile = path.join(dir, 'beneficiary_key.pub');
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyFile], { stdio: 'ignore' });
  execFileSync('openssl', ['pkey', '-pubout', '-in', keyFile, '-out', pubFile], { stdio: 'ignore' });
  recordSecrets(fs.readFileSync(keyFile, 'utf8'));
  // The chain.
  let ganache;
  ({ url: rpcUrl, child: ganache } = await startGanache());
  children.push(ganache);
  // The scenario, and its "before": deal A's task 0 still running, on chain and in the index.
  ({ scenario: scenarioPath } = nodeJson(['tests/standins/make-scenario.mjs', '--out', path.join(dir, 'scenario'), '--beneficiary', BENEFICIARY.toLowerCase(), '--pubkey', pubFile]));
  scenario = JSON.parse(fs.readFileSync(scenarioPath, 'utf8'));
  const beforeScenario = structuredClone(scenario);
  const a = beforeScenario.deals.find((d) => d.id === scenario.artifacts.deals.A);
  a.tasks[0].status = 'ACTIVE';
  delete a.tasks[0].results;
  delete a.tasks[0].resultDigest;
  // Deal D's task too (completed later, while the light tray process watches): in the "middle"
  // scenario, A's task is done and D's still running.
  const d = beforeScenario.deals.find((x) => x.id === scenario.artifacts.deals.D);
  d.tasks[0].status = 'ACTIVE';
  delete d.tasks[0].results;
  delete d.tasks[0].resultDigest;
  middleScenario = structuredClone(scenario);
  middleScenario.deals[middleScenario.deals.findIndex((x) => x.id === d.id)] = structuredClone(d);
  middlePath = path.join(dir, 'scenario-middle.json');
  fs.writeFileSync(middlePath, JSON.stringify(middleScenario));
  const beforePath = path.join(dir, 'scenario-before.json');
  fs.writeFileSync(beforePath, JSON.stringify(beforeScenario));
  hub = nodeJson(['tests/standins/seed-chain.mjs', '--rpc', rpcUrl, '--scenario', beforePath]).hub;
  let standins;
  ({ urls, child: standins } = await startStandins(beforePath));
  children.push(standins);
  // The app's network `local`, at these services.
  const networks = path.join(dir, 'networks.json');
  fs.writeFileSync(networks, JSON.stringify({ networks: [{ name: 'local', label: 'Local test chain', chain_id: 1337, rpc_url: rpcUrl, hub, sms_urls: ['http://127.0.0.1:9'], ipfs_gateways: urls.gateways, subgraph_url: urls.subgraph, market_api_url: urls.market, legacy: false }] }));
  env = await startEnvironment({ name: 'watch', extraEnv: { RESULT_VAULT_NETWORKS: networks, RESULT_VAULT_WATCH_SECONDS: String(WATCH_SECONDS) } });
  // A real notification daemon on this D-Bus session, and a recorder of what is sent to it.
  monitorFile = path.join(dir, 'notify.log');
  const monitor = spawn('dbus-monitor', ['--session', "interface='org.freedesktop.Notifications',member='Notify'"], { stdio: ['ignore', fs.openSync(monitorFile, 'w'), 'ignore'] });
  children.push(monitor);
  const dunst = spawn('dunst', [], { env: { ...process.env, DISPLAY: env.display, HOME: env.home }, stdio: 'ignore' });
  children.push(dunst);
  await waitUntil(() => {
    try {
      return execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.Notifications'], { encoding: 'utf8' }).includes('boolean true');
    } catch {
      return false;
    }
  }, 'dunst owns org.freedesktop.Notifications', 20000, 200);
  s = await Session.create(env.driverUrl, appBinary);
});

after(async () => {
  await s?.delete();
  await env?.stop();
  for (const c of children.reverse()) {
    try {
      c.kill('SIGTERM');
    } catch {}
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('settings: download, decrypt and verify; the key imported; the address watched', async () => {
  await click(byId('nav-keys'), { timeoutMs: 30000 });
  await s.find(byId('keys-screen'));
  await s.execute('return window.__resultVault.setNextPath(arguments[0]).then(() => true);', [keyFile]);
  await click(byId('import-file'));
  await waitUntil(async () => (await s.findAll(byId('key-row'))).length === 1, 'one key row', 30000);
  await click(byId('nav-settings'));
  await click(byId('watch-action-open'));
  await waitUntil(async () => (await invoke('watch_status')).settings.on_new_result === 'open', 'the setting saved', 10000);
  await s.execute("document.querySelector(arguments[0]).scrollIntoView({ block: 'center' }); return true;", [byId('watch-settings')]);
  shot('watch-01-settings-en');
  await invoke('watched_add', { network: 'local', address: BENEFICIARY, label: 'Me' });
});

test('a task completed on the chain: one notification with the right words within the interval + 10 s', async () => {
  // The first check of the address only learns its tasks.
  const added = Math.floor(Date.now() / 1000);
  await waitUntil(async () => {
    const st = await invoke('watch_status');
    return st.last && st.last.checked >= 1 && st.last.checked_at >= added && st.last.ok;
  }, 'a first check of the watched address', 30000, 250);
  assert.equal(notifications().length, 0, 'old results are not news');
  // The task completes, on chain (the same hub) and in the index.
  nodeJson(['tests/standins/seed-chain.mjs', '--rpc', rpcUrl, '--scenario', middlePath, '--hub', hub]);
  await control('/scenario', middleScenario);
  const completed = Date.now();
  await waitUntil(() => notifications().length >= 1, 'a notification', (WATCH_SECONDS + 10) * 1000 + 30000, 250);
  const took = Date.now() - completed;
  console.log(`# notified ${took} ms after the task completed (interval ${WATCH_SECONDS} s)`);
  // Downloading and verifying happen before the notification; the budget is the interval + 10 s
  // for the notice plus the fetch itself on this 2-core machine.
  assert.ok(took <= (WATCH_SECONDS + 10) * 1000 + 20000, `${took} ms`);
  // A click on it (dunst's default action, as a click does) shows that result in the window.
  await click(byId('nav-open'));
  execFileSync('dunstctl', ['action', '0'], { env: { ...process.env, DISPLAY: env.display } });
  await s.find(byId('result-preview-pane'), { timeoutMs: 15000 });
  assert.equal(await s.execute("return document.querySelector('[data-state]')?.getAttribute('data-state');"), 'results');
  await sleep(WATCH_SECONDS * 1000 + 2000);
  const all = notifications();
  assert.equal(all.length, 1, `exactly one notification: ${JSON.stringify(all)}`);
  assert.match(all[0], /Result Vault: a new result/);
  assert.match(all[0], /hello-world \(task 0x[0-9a-f]{8}…\) — ready to read, verified/);
  assert.doesNotMatch(all[0], /result\.txt|BEGIN|PRIVATE/, 'no file name, content or secret');
});

test('the Results screen lists it, verified, and previews it inside the window', async () => {
  await click(byId('nav-results'));
  const row = await s.find(byId('result-row'), { timeoutMs: 15000 });
  assert.match(await row.text(), /hello-world/);
  assert.match(await row.text(), /[Vv]erified/);
  shot('watch-02-results-en');
  await click(byId('result-preview'));
  await click('[data-testid="preview-file"][data-path="result.txt"]', { timeoutMs: 15000 });
  const text = await s.find(byId('preview-text'), { timeoutMs: 15000 });
  assert.ok((await text.text()).length > 0);
  shot('watch-03-preview-en');
  // The same screens in French.
  await click(byId('nav-settings'));
  await click(`${byId('language-select')} option[value="fr"]`, { visible: false });
  await click(byId('nav-results'));
  await s.find(byId('result-row'), { timeoutMs: 15000 });
  await waitUntil(async () => /Résultats/.test(await (await s.find('#results-title')).text()), 'French', 10000);
  shot('watch-02-results-fr');
  await click(byId('result-preview'));
  await click('[data-testid="preview-file"][data-path="result.txt"]', { timeoutMs: 15000 });
  await s.find(byId('preview-text'), { timeoutMs: 15000 });
  shot('watch-03-preview-fr');
  await click(byId('nav-settings'));
  await s.execute("document.querySelector(arguments[0]).scrollIntoView({ block: 'center' }); return true;", [byId('watch-settings')]);
  shot('watch-01-settings-fr');
  await click(`${byId('language-select')} option[value="en"]`, { visible: false });
});

/** This test's processes named `name` (the program's file name), by their environment. */
function processes(name) {
  return pidsWithEnv(`RESULT_VAULT_HOME=${env.env.RESULT_VAULT_HOME}`).filter((pid) => {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return path.basename(argv[0]) === name && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    } catch {
      return false;
    }
  });
}
const cmdline = (pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
const gdbus = (...args) => execFileSync('gdbus', ['call', '--session', ...args], { encoding: 'utf8', timeout: 10000 });

/** The tray process's menu (dbusmenu GetLayout on its StatusNotifierItem): label -> item id. */
function trayMenu(pid) {
  const layout = gdbus('--dest', `org.kde.StatusNotifierItem-${pid}-1`, '--object-path', '/MenuBar', '--method', 'com.canonical.dbusmenu.GetLayout', '--', '0', '-1', '[]');
  return Object.fromEntries([...layout.matchAll(/\((\d+), \{[^}]*'label': <'([^']+)'>/g)].map((m) => [m[2], Number(m[1])]));
}
const clickTrayItem = (pid, id) =>
  gdbus('--dest', `org.kde.StatusNotifierItem-${pid}-1`, '--object-path', '/MenuBar', '--method', 'com.canonical.dbusmenu.Event', '--', String(id), 'clicked', '<0>', '0');
const trayBinary = path.join(path.dirname(appBinary), 'result-vault-tray');

test('closed to the tray: a process without the window watches, notifies once, and its click opens the app on the result', async () => {
  assert.equal(processes('result-vault-tray').length, 0);
  const [app] = processes('result-vault-app');
  assert.ok(app, 'the app runs');
  // The window's close button, with "keep in the tray" on (the default).
  await s.execute("window.__TAURI_INTERNALS__.invoke('e2e_close_window'); return true;").catch(() => {});
  const tray = await waitUntil(() => processes('result-vault-tray')[0], 'the tray process', 20000, 200);
  await waitUntil(() => processes('result-vault-app').length === 0, 'the app process to end', 20000, 200);
  await s.delete().catch(() => {});
  s = null;
  // Its menu, over D-Bus as a desktop's tray host reads it.
  const menu = await waitUntil(() => {
    try {
      return trayMenu(tray);
    } catch {
      return null;
    }
  }, 'the tray menu on D-Bus', 20000, 250);
  assert.deepEqual(Object.keys(menu).sort(), ['Check now', 'Open Result Vault', 'Quit']);
  // The first close said, once, that Result Vault keeps watching.
  await waitUntil(() => notifications().some((n) => /keeps watching/.test(n)), 'the first close explained', 10000, 250);
  const newResults = () => notifications().filter((n) => /new results?\b/.test(n));
  execFileSync('dunstctl', ['close-all'], { env: { ...process.env, DISPLAY: env.display } });
  // Deal D's task completes; "Check now" from the tray menu.
  nodeJson(['tests/standins/seed-chain.mjs', '--rpc', rpcUrl, '--scenario', scenarioPath, '--hub', hub]);
  await control('/scenario', scenario);
  const completed = Date.now();
  clickTrayItem(tray, menu['Check now']);
  await waitUntil(() => newResults().length >= 2, 'the tray process\'s notification', (WATCH_SECONDS + 10) * 1000 + 30000, 250);
  console.log(`# the tray process notified ${Date.now() - completed} ms after the task completed`);
  await sleep(WATCH_SECONDS * 1000 + 2000);
  const all = newResults();
  assert.equal(all.length, 2, `one more notification, not more: ${JSON.stringify(all)}`);
  assert.equal(notifications().filter((n) => /keeps watching/.test(n)).length, 1, 'the first close is explained once');
  assert.match(all[1], /string "Result Vault"/);
  assert.match(all[1], /plain-app \(task 0x[0-9a-f]{8}…\) — ready to read/);
  assert.doesNotMatch(all[1], /result\.txt|BEGIN|PRIVATE/, 'no file name, content or secret');
  // A click on it starts the app on that result, and the tray process ends.
  execFileSync('dunstctl', ['action', '0'], { env: { ...process.env, DISPLAY: env.display } });
  const opened = await waitUntil(() => processes('result-vault-app')[0], 'the app started by the click', 20000, 200);
  assert.match(cmdline(opened), new RegExp(`--show-results=${scenario.artifacts.plain.taskId}`, 'i'));
  await waitUntil(() => processes('result-vault-tray').length === 0, 'the tray process to end', 20000, 200);
  process.kill(opened, 'SIGTERM');
  await waitUntil(() => processes('result-vault-app').length === 0, 'the app to end', 20000, 200);
});

test('the tray process: "Quit" ends it; one per data folder; the app started by hand stops it', async () => {
  const start = () => spawn(trayBinary, ['--lang', 'fr'], { env: env.env, stdio: 'ignore' });
  const first = start();
  children.push(first);
  const menu = await waitUntil(() => {
    try {
      return trayMenu(first.pid);
    } catch {
      return null;
    }
  }, 'the tray menu on D-Bus', 20000, 250);
  assert.deepEqual(Object.keys(menu).sort(), ['Ouvrir Result Vault', 'Quitter', 'Vérifier maintenant']);
  // A second one for the same data folder leaves at once.
  const second = start();
  const code = await new Promise((resolve) => second.on('exit', resolve));
  assert.equal(code, 0);
  assert.deepEqual(processes('result-vault-tray'), [first.pid]);
  clickTrayItem(first.pid, menu['Quitter']);
  await waitUntil(() => first.exitCode !== null, '"Quit" to end the tray process', 15000, 100);
  // Started again, then the app opened by hand: the app watches, the tray process ends.
  const third = start();
  children.push(third);
  await waitUntil(() => processes('result-vault-tray').length === 1, 'the tray process', 20000, 200);
  s = await Session.create(env.driverUrl, appBinary);
  await waitUntil(() => third.exitCode !== null || third.signalCode !== null, 'the app to stop the tray process', 20000, 200);
  assert.equal(processes('result-vault-tray').length, 0);
});
