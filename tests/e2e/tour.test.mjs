// The first-run tour in the real app (RESULT_VAULT_E2E=tour: it starts by itself, as for a user),
// driven as a user would: welcome -> create a key -> back up (the 24 words read from the screen,
// the quiz answered) -> import a keystore made by ethers and push the key to the stand-in SMS ->
// watch an address -> the task list. At each step: what the user sees, and the keyboard focus on
// the new step's heading. Then a second person skips the tour at once: Home lists what is left
// to do, the tour reopens from Settings, and what was skipped stays reminded after a restart.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { fixtures, startEnvironment, recordSecrets } from './harness.mjs';
import { User, byId, createSession, makeKeystore, networksFile, startSms, waitUntil } from './desktop-helpers.mjs';

const PASSWORD = 'correct horse';
/** Another beneficiary address to watch (EIP-55). */
const OTHER = '0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB';

describe('the first-run tour, all the way', () => {
  let env;
  let u;
  let dir;
  let sms;
  let wallet;
  let words = [];
  let pushedFingerprint;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-tour-e2e-'));
    wallet = makeKeystore(path.join(dir, 'ks'), PASSWORD);
    recordSecrets(wallet.privateKey.slice(2));
    sms = await startSms('tour');
    env = await startEnvironment({
      name: 'tour',
      extraEnv: { RESULT_VAULT_E2E: 'tour', RESULT_VAULT_NETWORKS: networksFile(dir, sms.url) },
    });
    u = new User(env, await createSession(env.driverUrl));
  });

  after(async () => {
    await u?.s?.delete();
    await env?.stop();
    await sms?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('welcome: the tour starts by itself on an empty key ring, its heading focused', async () => {
    await u.find(`${byId('onboarding')}[data-step="welcome"]`, { timeoutMs: 30000 });
    await u.waitHeadingFocus(/^Welcome to Result Vault$/);
    const steps = await u.texts(byId('onboarding-step'));
    assert.deepEqual(
      steps.map((t) => t.replace(/^\d+\s*/, '')),
      ['Welcome', 'Your key', 'Back-up', 'Key service', 'Your tasks', 'Done'],
    );
    assert.equal(await u.attr(`${byId('onboarding-step')}[data-step="welcome"]`, 'aria-current'), 'step');
    assert.equal(await u.text(byId('onboarding-next')), 'Get started');
    assert.equal(await u.text(byId('onboarding-skip')), 'Skip for now');
  });

  test('your key: create one; the tour goes on to the backup by itself', async () => {
    await u.click(byId('onboarding-next'));
    await u.find(`${byId('onboarding')}[data-step="keys"]`);
    await u.waitHeadingFocus(/^Your key$/);
    // Nothing yet: the three ways, and only "Skip for now" at the bottom.
    assert.equal(await u.count(byId('onboarding-create-key')), 1);
    assert.equal(await u.count(byId('onboarding-restore-start')), 1);
    assert.equal(await u.count(byId('onboarding-import-file')), 1);
    assert.equal(await u.count(byId('onboarding-next')), 0);
    await u.typeInto(byId('onboarding-key-label'), 'Tour key');
    await u.click(byId('onboarding-create-key'));
    // RSA-4096: seconds, with a progress bar and a cancel button meanwhile.
    await u.find(`${byId('onboarding')}[data-step="backup"]`, { timeoutMs: 120000 });
    await u.waitHeadingFocus(/^Back up your key$/);
    assert.match(await u.text(byId('onboarding-key-notice')), /Tour key/);
    assert.ok(await u.exec('return document.querySelector(arguments[0]).classList.contains("past");', [`${byId('onboarding-step')}[data-step="keys"]`]));
  });

  test('back up: the 24 words read from the screen, the quiz answered, the kit verified', async () => {
    await u.click(byId('onboarding-backup'));
    await u.find(`${byId('onboarding-backup-wizard')} ${byId('backup-wizard')}`);
    await u.waitHeadingFocus(/^Back up your keys$/);
    const kit = path.join(dir, 'tour-kit.age');
    await u.nextPath(kit);
    await u.click(byId('backup-save'));
    await u.find(byId('backup-words'), { timeoutMs: 60000 });
    await u.waitHeadingFocus(/^Write down these 24 words$/);
    const items = await u.exec(
      'return [...document.querySelectorAll(arguments[0])].map((e) => [Number(e.dataset.index), e.innerText]);',
      [byId('backup-word')],
    );
    assert.equal(items.length, 24);
    words = [];
    for (const [i, text] of items) words[i - 1] = text.replace(/^\s*\d+[.)]?\s*/, '').trim();
    assert.ok(words.every((w) => /^[a-z]{3,8}$/.test(w)), `24 BIP39 words: ${words.length}`);
    recordSecrets(words.join(' '));
    await u.click(byId('backup-continue'));
    // The quiz: the focus goes to its first field.
    await u.find(byId('quiz-word-input'));
    const focus = await waitUntil(async () => {
      const f = await u.focused();
      return f?.testid === 'quiz-word-input' ? f : null;
    }, 'the focus on the first quiz field');
    assert.equal(focus.tag, 'input');
    const indexes = (await u.attrs(byId('quiz-word-input'), 'data-index')).map(Number);
    assert.equal(indexes.length, 3);
    for (const i of indexes) await u.typeInto(`${byId('quiz-word-input')}[data-index="${i}"]`, words[i - 1]);
    await u.click(byId('quiz-submit'));
    await u.find(byId('backup-done'), { timeoutMs: 90000 });
    await u.waitHeadingFocus(/^Your keys are backed up$/);
    assert.ok(fs.statSync(kit).size > 1000, 'the kit file is written');
    await u.click(byId('backup-close'));
  });

  test('wallet: a keystore imported, the key pushed to the stand-in SMS', async () => {
    await u.find(`${byId('onboarding')}[data-step="wallet"]`);
    await u.waitHeadingFocus(/^Put your key on the key service$/);
    assert.ok(await u.exec('return document.querySelector(arguments[0]).classList.contains("past");', [`${byId('onboarding-step')}[data-step="backup"]`]));
    await u.find(byId('wallet-empty'));
    await u.nextPath(wallet.file);
    await u.click(byId('wallet-import-file'));
    await u.waitText(byId('wallet-chosen'), /^pbkdf2\.json$/);
    await u.typeInto(byId('wallet-password-input'), PASSWORD);
    await u.click(byId('wallet-import-submit'));
    const row = `${byId('wallet-row')}[data-address="${wallet.address}"]`;
    await u.find(row, { timeoutMs: 30000 });
    // The key service of each network, asked about this address: no key yet.
    const smsRow = `${byId('sms-row')}[data-network="arbitrum-sepolia-testnet"]`;
    await waitUntil(async () => (await u.attr(smsRow, 'data-state')) === 'absent', 'the SMS row to say absent', 30000);
    assert.match(await u.text(`${smsRow} ${byId('sms-state')}`), /No key/);
    await u.click(`${smsRow} ${byId('sms-push')}`);
    await waitUntil(async () => (await u.attr(smsRow, 'data-state')) === 'pushed_from_vault', 'the row to say pushed', 30000);
    const secret = (await sms.state()).secrets[wallet.address.toLowerCase()];
    assert.ok(secret, 'the stand-in SMS holds a key for the wallet');
    const pem = Buffer.from(secret, 'base64').toString('utf8');
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n/);
    // The key pushed is the key created at the first step (the ring's only key).
    const fp = crypto.createHash('sha256').update(crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' })).digest('hex');
    assert.equal(await u.count(`${byId('sms-row')}[data-state="pushed_from_vault"]`) >= 1, true);
    pushedFingerprint = fp;
    // Done: "Continue" is offered now.
    assert.equal(await u.text(byId('onboarding-next')), 'Continue');
    await u.click(byId('onboarding-next'));
  });

  test('watch: the wallet address is watched already; one more address added', async () => {
    await u.find(`${byId('onboarding')}[data-step="watch"]`);
    await u.waitHeadingFocus(/^Watch your address$/);
    await u.find(byId('onboarding-watched'), { timeoutMs: 15000 });
    assert.match(await u.text(byId('onboarding-watched')), new RegExp(wallet.address.slice(0, 8)));
    await u.typeInto(byId('onboarding-watch-address'), OTHER, { clear: true });
    await u.typeInto(byId('onboarding-watch-label'), 'Lab account');
    await u.click(byId('onboarding-watch-submit'));
    await u.find(byId('onboarding-watch-notice'), { timeoutMs: 15000 });
    await u.waitText(byId('onboarding-watched'), new RegExp(OTHER.slice(0, 8)));
    assert.equal(await u.count(byId('onboarding-watch-error')), 0);
    await u.click(byId('onboarding-next'));
  });

  test('done: nothing skipped; "Go to my tasks" lands on the task list with both addresses', async () => {
    await u.find(`${byId('onboarding')}[data-step="done"]`);
    await u.waitHeadingFocus(/^You are ready$/);
    const summary = await u.exec(
      'return [...document.querySelectorAll(arguments[0])].map((e) => [e.dataset.step, e.dataset.skipped]);',
      [byId('onboarding-summary-step')],
    );
    assert.deepEqual(summary, [
      ['keys', 'false'],
      ['backup', 'false'],
      ['wallet', 'false'],
      ['watch', 'false'],
    ]);
    await u.click(byId('onboarding-next'));
    await u.find(byId('tasks-screen'));
    await u.waitHeadingFocus(/^Your tasks$/);
    const watched = await u.attrs(byId('watched-row'), 'data-address');
    assert.ok(watched.includes(OTHER), `the added address is watched: ${watched}`);
    assert.ok(watched.includes(wallet.address), `the wallet address is watched: ${watched}`);
    assert.equal(await u.attr(byId('nav-tasks'), 'aria-current'), 'page');
    // Home after the tour: keys backed up, the key service says pushed, no reminder.
    await u.click(byId('nav-open'));
    await u.find(byId('home-screen'));
    assert.equal(await u.attr(byId('home-backup-state'), 'data-state'), 'backed_up');
    await waitUntil(
      async () => (await u.attr(`${byId('home-sms-chip')}[data-network="arbitrum-sepolia-testnet"]`, 'data-state')) === 'pushed_from_vault',
      'the Home chip of the key service',
      20000,
    );
    assert.equal(await u.count(byId('home-reminders')), 0);
    // The key on the SMS is the ring's key (the Keys screen shows its fingerprint).
    await u.click(byId('nav-keys'));
    const fps = await u.attrs(byId('key-row'), 'data-fingerprint');
    assert.deepEqual(fps, [pushedFingerprint]);
  });
});

describe('the tour skipped at once', () => {
  let env;
  let u;

  before(async () => {
    env = await startEnvironment({ name: 'tour-skip', extraEnv: { RESULT_VAULT_E2E: 'tour' } });
    u = new User(env, await createSession(env.driverUrl));
  });

  after(async () => {
    await u?.s?.delete();
    await env?.stop();
  });

  const reminders = () => u.attrs(byId('home-reminder'), 'data-kind');

  test('"Skip for now" on the welcome: Home lists what is left to set up', async () => {
    await u.find(`${byId('onboarding')}[data-step="welcome"]`, { timeoutMs: 30000 });
    await u.click(byId('onboarding-skip'));
    await u.find(byId('home-screen'));
    await u.waitHeadingFocus(/^Home$/);
    await u.find(byId('home-reminders'));
    assert.equal(await u.text('#home-reminders-heading'), 'Left to set up');
    await waitUntil(async () => (await reminders()).join() === 'keys,wallet,watch', 'three reminders', 15000);
    assert.match(await u.text(`${byId('home-reminder')}[data-kind="keys"]`), /You have no key yet/);
    assert.match(await u.text(`${byId('home-reminder')}[data-kind="watch"]`), /No address watched/);
  });

  test('Settings reopens the tour; a key imported, the rest skipped: the backup becomes a reminder', async () => {
    await u.click(byId('nav-settings'));
    await u.find(byId('settings-screen'));
    await u.click(byId('show-tour'));
    await u.find(`${byId('onboarding')}[data-step="welcome"]`);
    await u.waitHeadingFocus(/^Welcome to Result Vault$/);
    await u.click(byId('onboarding-next'));
    await u.waitHeadingFocus(/^Your key$/);
    await u.nextPath(path.join(fixtures, 'expected_key'));
    await u.click(byId('onboarding-import-file'));
    await u.find(`${byId('onboarding')}[data-step="backup"]`, { timeoutMs: 30000 });
    await u.waitHeadingFocus(/^Back up your key$/);
    for (const [step, heading] of [
      ['backup', /^Put your key on the key service$/],
      ['wallet', /^Watch your address$/],
      ['watch', /^You are ready$/],
    ]) {
      assert.equal(await u.attr(byId('onboarding'), 'data-step'), step);
      await u.click(byId('onboarding-skip'));
      await u.waitHeadingFocus(heading);
    }
    const summary = await u.exec(
      'return [...document.querySelectorAll(arguments[0])].map((e) => [e.dataset.step, e.dataset.skipped]);',
      [byId('onboarding-summary-step')],
    );
    assert.deepEqual(summary, [
      ['keys', 'false'],
      ['backup', 'true'],
      ['wallet', 'true'],
      ['watch', 'true'],
    ]);
    await u.click(byId('onboarding-home'));
    await u.find(byId('home-screen'));
    await waitUntil(async () => (await reminders()).join() === 'backup,wallet,watch', 'the reminders of the skipped steps', 15000);
    assert.match(await u.text(`${byId('home-reminder')}[data-kind="backup"]`), /Your keys are not backed up/);
    assert.equal(await u.attr(byId('home-backup-state'), 'data-state'), 'not_backed_up');
  });

  test('after a restart: no tour by itself, the reminders still there; one leads to the backup', async () => {
    await u.restart();
    await u.find(byId('home-screen'), { timeoutMs: 30000 });
    assert.equal(await u.count(byId('onboarding')), 0);
    await u.find(byId('home-key-count'), { timeoutMs: 30000 });
    await waitUntil(async () => {
      const kinds = await reminders();
      return kinds.includes('backup') && kinds.includes('watch');
    }, 'the backup and watch reminders', 15000);
    await u.click(`${byId('home-reminder')}[data-kind="backup"] ${byId('home-reminder-action')}`);
    await u.find(byId('backup-wizard'));
    await u.waitHeadingFocus(/^Back up your keys$/);
  });

  // Home shows before the key ring opens (it holds the wallets): once the ring is open, Home loads
  // the wallets again by itself, so the wallet reminder is there without leaving Home.
  test('after a restart: the wallet reminder too, without leaving Home', async () => {
    await u.restart();
    await u.find(byId('home-key-count'), { timeoutMs: 30000 });
    await waitUntil(async () => (await reminders()).join() === 'backup,wallet,watch', 'the three reminders', 10000);
    assert.equal(await u.count(byId('home-sms-error')), 0);
    assert.equal(await u.count(byId('home-no-wallet')), 1);
    assert.equal(await u.count(byId('nav-open') + '[aria-current="page"]'), 1);
  });
});
