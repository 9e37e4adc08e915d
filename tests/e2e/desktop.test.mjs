// The desktop app as a person uses it, in the real app under Xvfb:
//   - keyboard only: the tour's first steps and the language switch in Settings, with nothing but
//     Tab / Shift+Tab / Enter / Space / arrows sent to the focused element, the focus drawn on
//     every element reached;
//   - the language: French chosen in Settings changes every string at once and survives a restart;
//     started with LANG=fr_FR.UTF-8 the app speaks French from the first screen;
//   - one instance: "Open with" while the app runs (the same binary started again with a file)
//     hands the file to the open window, which opens it, and the second process exits at once; a
//     first launch with a file opens it at start.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { appBinary, fixtures, startEnvironment } from './harness.mjs';
import { KEY, User, byId, createSession, frenchEnv, sleep, waitUntil } from './desktop-helpers.mjs';

const ADDRESS = '0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB';
const FIXTURE = path.join(fixtures, 'encryptedResults.zip');

/** The SDK fixture's key where the iexec CLI leaves it (the app finds it by itself). */
function giveSdkKey(env) {
  const secrets = path.join(env.home, '.secrets/beneficiary');
  fs.mkdirSync(secrets, { recursive: true });
  fs.copyFileSync(path.join(fixtures, 'expected_key'), path.join(secrets, `${ADDRESS}_key`));
}

const isFrench = async (u) => (await u.exec('return document.documentElement.lang;')) === 'fr';

describe('keyboard only', () => {
  let env;
  let u;

  before(async () => {
    env = await startEnvironment({ name: 'keyboard', extraEnv: { RESULT_VAULT_E2E: 'tour' } });
    u = new User(env, await createSession(env.driverUrl));
  });

  after(async () => {
    await u?.s?.delete();
    await env?.stop();
  });

  test('the tour: Get started (Enter), import a key file (Space), skip the backup (Enter)', async () => {
    await u.find(`${byId('onboarding')}[data-step="welcome"]`, { timeoutMs: 30000 });
    await u.waitHeadingFocus(/^Welcome to Result Vault$/);
    // From the heading: "Skip for now", then "Get started".
    const skip = await u.tabTo('onboarding-skip', { max: 3 });
    assert.equal(skip.text, 'Skip for now');
    assert.ok(skip.focusVisible, 'the focus ring of :focus-visible');
    const start = await u.tabTo('onboarding-next', { max: 2 });
    assert.equal(start.text, 'Get started');
    await u.press(KEY.enter);
    await u.waitHeadingFocus(/^Your key$/);
    // The native file chooser is answered by the test hook; the rest is keys.
    await u.nextPath(path.join(fixtures, 'expected_key'));
    await u.tabTo('onboarding-import-file');
    await u.press(KEY.space);
    await u.find(`${byId('onboarding')}[data-step="backup"]`, { timeoutMs: 30000 });
    await u.waitHeadingFocus(/^Back up your key$/);
    const skipBackup = await u.tabTo('onboarding-skip');
    assert.equal(skipBackup.text, 'Skip for now');
    await u.press(KEY.enter);
    await u.waitHeadingFocus(/^Put your key on the key service$/);
    assert.equal(await u.attr(byId('onboarding'), 'data-step'), 'wallet');
  });

  test('Settings by Shift+Tab to the navigation, the language switched with the arrow keys', async () => {
    const nav = await u.tabTo('nav-settings', { back: true, max: 40 });
    assert.equal(nav.text, 'Settings');
    assert.ok(nav.focusVisible);
    await u.press(KEY.enter);
    await u.find(byId('settings-screen'));
    await u.waitHeadingFocus(/^Settings$/);
    const select = await u.tabTo('language-select');
    assert.equal(select.tag, 'select');
    assert.equal(await u.exec('return document.activeElement.value;'), 'system');
    // Follow the system (English here) -> English -> French.
    await u.press(KEY.down);
    await u.press(KEY.down);
    await waitUntil(() => isFrench(u), 'the UI in French', 10000);
    assert.equal(await u.exec('return document.activeElement.value;'), 'fr');
    assert.equal(await u.text('#settings-screen-heading'), 'Paramètres');
    assert.equal(await u.text(`${byId('nav-open')} .nav-text`), 'Accueil');
    // The focus stayed on the select, still drawn.
    const f = await u.focused();
    assert.equal(f.testid, 'language-select');
    assert.ok(f.visible);
    // The tour reopens from Settings with the keyboard, in French.
    await u.tabTo('show-tour');
    await u.press(KEY.enter);
    await u.waitHeadingFocus(/^Bienvenue dans Result Vault$/);
  });
});

describe('language', () => {
  let env;
  let u;
  let localeDir;

  before(async () => {
    env = await startEnvironment({ name: 'language', extraEnv: { LANG: 'C.UTF-8' } });
    u = new User(env, await createSession(env.driverUrl));
  });

  after(async () => {
    await u?.s?.delete();
    await env?.stop();
    if (localeDir) fs.rmSync(localeDir, { recursive: true, force: true });
  });

  test('English by default; French chosen in Settings changes the whole UI at once', async () => {
    await u.find(byId('home-screen'), { timeoutMs: 30000 });
    assert.equal(await u.text('#home-heading'), 'Home');
    await u.click(byId('nav-settings'));
    await u.find(byId('settings-screen'));
    assert.equal(await u.text('#settings-screen-heading'), 'Settings');
    await u.click(`${byId('language-select')} option[value="fr"]`);
    await waitUntil(() => isFrench(u), 'the UI in French', 10000);
    assert.equal(await u.text('#settings-screen-heading'), 'Paramètres');
    assert.equal(await u.text('#general-heading'), 'Général');
    assert.equal(await u.text('label[for="language-select"]'), 'Langue');
    assert.deepEqual(
      await u.texts('nav .nav-text'),
      ['Accueil', 'Tâches', 'Résultats', 'Clés', 'Paramètres'],
    );
    assert.equal(await u.text(byId('show-tour')), 'Revoir la visite de bienvenue');
    await u.click(byId('nav-open'));
    await u.waitText('#home-heading', /^Accueil$/);
    assert.match(await u.text(byId('drop-zone')), /Déposez une archive de résultat ici/);
  });

  test('French survives a restart', async () => {
    await u.restart();
    await u.find(byId('home-screen'), { timeoutMs: 30000 });
    assert.ok(await isFrench(u));
    assert.equal(await u.text('#home-heading'), 'Accueil');
    await u.click(byId('nav-settings'));
    assert.equal(await u.exec('return document.querySelector(arguments[0]).value;', [byId('language-select')]), 'fr');
    // Back to following the system: English again.
    await u.click(`${byId('language-select')} option[value="system"]`);
    await waitUntil(async () => (await u.text('#settings-screen-heading')) === 'Settings', 'English again', 10000);
  });

  test('started with LANG=fr_FR.UTF-8: French from the first screen', async () => {
    await u.s.delete();
    await env.stop();
    localeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-lang-'));
    env = await startEnvironment({ name: 'language-fr', extraEnv: frenchEnv(localeDir) });
    u = new User(env, await createSession(env.driverUrl));
    await u.find(byId('home-screen'), { timeoutMs: 30000 });
    assert.ok(await isFrench(u), 'html lang="fr"');
    assert.equal(await u.text('#home-heading'), 'Accueil');
    assert.match(await u.text(byId('drop-zone')), /Déposez une archive de résultat ici/);
    await u.click(byId('nav-settings'));
    assert.equal(await u.exec('return document.querySelector(arguments[0]).value;', [byId('language-select')]), 'system');
    assert.match(await u.text(`${byId('language-select')} option[value="system"]`), /Français/);
  });
});

describe('one instance, "Open with"', () => {
  let env;
  let u;
  let second;

  before(async () => {
    env = await startEnvironment({ name: 'single' });
    giveSdkKey(env);
    u = new User(env, await createSession(env.driverUrl));
  });

  after(async () => {
    if (second && second.exitCode === null && second.signalCode === null) second.kill('SIGKILL');
    await u?.s?.delete();
    await env?.stop();
  });

  const fileRows = () => u.attrs(byId('file-row'), 'data-path');

  test('a second launch with a file hands it to the open window and exits at once', async () => {
    await u.find(byId('home-screen'), { timeoutMs: 30000 });
    // Away from Home, as a user may be: the file still opens (on Home).
    await u.click(byId('nav-settings'));
    await u.find(byId('settings-screen'));
    const started = Date.now();
    second = spawn(appBinary, [FIXTURE], { env: env.env, stdio: 'ignore' });
    const exit = await Promise.race([
      new Promise((resolve) => second.once('exit', (code, signal) => resolve({ code, signal }))),
      sleep(20000).then(() => null),
    ]);
    const took = Date.now() - started;
    assert.ok(exit, 'the second process exits by itself (it was still running after 20 s)');
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(took < 10000, `the second process took ${took} ms`);
    await u.find(byId('result-view'), { timeoutMs: 30000 });
    assert.deepEqual((await fileRows()).sort(), ['computed.json', 'result.txt']);
    assert.match(await u.text(byId('result-status')), /Decrypted with key/);
    assert.equal(await u.attr(byId('nav-open'), 'aria-current'), 'page');
    // Still one window, one app process for this home.
    const logs = path.join(env.env.RESULT_VAULT_HOME, 'logs');
    await waitUntil(
      () => fs.readdirSync(logs).some((f) => /second launch: 1 file\(s\) handed to the open window/.test(fs.readFileSync(path.join(logs, f), 'utf8'))),
      'the log line of the second launch',
      10000,
    );
  });

  test('a first launch with a file ("Open with" when the app is closed) opens it at start', async () => {
    await u.restart({ args: [FIXTURE] });
    await u.find(byId('result-view'), { timeoutMs: 30000 });
    assert.deepEqual((await fileRows()).sort(), ['computed.json', 'result.txt']);
    // A file that is not a result, the same way: the error says so.
    await u.restart({ args: [path.join(fixtures, 'expected_key.pub')] });
    const err = await u.find(byId('error-view'), { timeoutMs: 30000 });
    assert.equal(await err.attr('data-kind'), 'not_a_result');
  });
});
