// Every screen of the real app, in English and in French: the same walk twice, once started with
// LANG=C.UTF-8 and once with LANG=fr_FR.UTF-8 (the app follows the system's language). Each
// screen is checked (its heading or its part is there, the page is in the expected language, no
// translation key shows) and saved under tests/e2e/artifacts/screens/{en,fr}/, with the same
// file names in both: the tour (welcome, key, back-up, words, quiz, wallet and key service, watch,
// done), Home, decrypting, decrypted, an error, Keys, the wallet and key service on Keys, restore,
// Settings, Tasks, the rotation's first step, Home's reminders after the tour was skipped.
// E2E_SCREENS_LANGS=en (or fr) walks one language only.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { artifacts, fixtures, makeEncryptedResult, startEnvironment, recordSecrets } from './harness.mjs';
import { User, byId, createSession, frenchEnv, makeKeystore, networksFile, startSms, waitUntil } from './desktop-helpers.mjs';

const PASSWORD = 'correct horse';
const OTHER = '0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB';

let dir;
let sms;
let bigArchive;
let otherKeyArchive;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-screens-'));
  sms = await startSms('screens');
  const tool = makeEncryptedResult;
  // Big enough for the decrypting screen to be caught (for the SDK fixture's key).
  bigArchive = path.join(dir, 'task-0x5e1f-result.zip');
  execFileSync('bash', [tool, path.join(fixtures, 'expected_key.pub'), '160', bigArchive], { stdio: 'ignore', timeout: 120000 });
  // For a key nobody here has.
  otherKeyArchive = path.join(dir, 'task-for-someone-else.zip');
  execFileSync('bash', [tool, path.join(fixtures, 'key.pub'), '1', otherKeyArchive], { stdio: 'ignore', timeout: 60000 });
});

after(async () => {
  await sms?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

for (const lang of (process.env.E2E_SCREENS_LANGS ?? 'en,fr').split(',')) {
  describe(`every screen in ${lang === 'en' ? 'English' : 'French'}`, () => {
    let env;
    let u;
    let wallet;
    let words = [];
    const out = path.join(artifacts, 'screens', lang);

    /** Checks the page (language, no raw translation key) and saves the window as `name`.png. */
    async function shot(name, css, block) {
      assert.equal(await u.exec('return document.documentElement.lang;'), lang, `${name}: the page is in ${lang}`);
      const raw = await u.exec(
        'return (document.body.innerText.match(/\\b[a-z]+(\\.[a-zA-Z_]+){2,}\\b/g) || []).filter((s) => !/\\.(zip|json|age|txt)$/.test(s));',
      );
      assert.deepEqual(raw, [], `${name}: no translation key on screen`);
      await u.shot(path.join(out, `${name}.png`), css, block);
    }

    before(async () => {
      fs.rmSync(out, { recursive: true, force: true });
      const home = fs.mkdtempSync(path.join(dir, `${lang}-`));
      wallet = makeKeystore(path.join(home, 'ks'), PASSWORD);
      recordSecrets(wallet.privateKey.slice(2));
      const langEnv = lang === 'fr' ? frenchEnv(home) : { LANG: 'C.UTF-8' };
      env = await startEnvironment({
        name: `screens-${lang}`,
        // The decryption paced (e2e builds only: 100 ms per 1 MiB) so that it is drawn under way.
        extraEnv: { ...langEnv, RESULT_VAULT_E2E: 'tour', RESULT_VAULT_NETWORKS: networksFile(home, sms.url), RESULT_VAULT_E2E_PROGRESS_PAUSE_MS: '100' },
      });
      u = new User(env, await createSession(env.driverUrl));
    });

    after(async () => {
      await u?.s?.delete();
      await env?.stop();
    });

    test('the tour: welcome, key, back-up with its words and quiz', async () => {
      await u.find(`${byId('onboarding')}[data-step="welcome"]`, { timeoutMs: 30000 });
      await shot('01-tour-welcome');
      await u.click(byId('onboarding-next'));
      await u.find(`${byId('onboarding')}[data-step="keys"]`);
      await shot('02-tour-key');
      await u.click(byId('onboarding-create-key'));
      // The key being generated (RSA-4096 takes seconds): its indeterminate bar, when caught.
      if ((await u.count(byId('onboarding-generating'))) > 0) await shot('02b-tour-generating');
      await u.find(`${byId('onboarding')}[data-step="backup"]`, { timeoutMs: 120000 });
      await shot('03-tour-backup');
      await u.click(byId('onboarding-backup'));
      await u.find(byId('backup-wizard'));
      await shot('04-backup-explain');
      await u.nextPath(path.join(env.home, 'kit.age'));
      await u.click(byId('backup-save'));
      await u.find(byId('backup-words'), { timeoutMs: 60000 });
      const items = await u.exec(
        'return [...document.querySelectorAll(arguments[0])].map((e) => [Number(e.dataset.index), e.innerText]);',
        [byId('backup-word')],
      );
      words = [];
      for (const [i, text] of items) words[i - 1] = text.replace(/^\s*\d+[.)]?\s*/, '').trim();
      assert.equal(words.filter(Boolean).length, 24);
      recordSecrets(words.join(' '));
      await shot('05-backup-words');
      await u.click(byId('backup-continue'));
      await u.find(byId('quiz-word-input'));
      for (const i of (await u.attrs(byId('quiz-word-input'), 'data-index')).map(Number)) {
        await u.typeInto(`${byId('quiz-word-input')}[data-index="${i}"]`, words[i - 1]);
      }
      await shot('06-backup-quiz');
      await u.click(byId('quiz-submit'));
      await u.find(byId('backup-done'), { timeoutMs: 90000 });
      await shot('07-backup-done');
      await u.click(byId('backup-close'));
    });

    test('the tour: wallet and key service, watch, done', async () => {
      await u.find(`${byId('onboarding')}[data-step="wallet"]`);
      await shot('08-tour-wallet');
      await u.nextPath(wallet.file);
      await u.click(byId('wallet-import-file'));
      await u.waitText(byId('wallet-chosen'), /^pbkdf2\.json$/);
      await u.typeInto(byId('wallet-password-input'), PASSWORD);
      await u.click(byId('wallet-import-submit'));
      await u.find(`${byId('wallet-row')}[data-address="${wallet.address}"]`, { timeoutMs: 30000 });
      const row = `${byId('sms-row')}[data-network="arbitrum-sepolia-testnet"]`;
      await waitUntil(async () => (await u.attr(row, 'data-state')) === 'absent', 'the SMS check', 30000);
      await u.click(`${row} ${byId('sms-push')}`);
      await waitUntil(async () => (await u.attr(row, 'data-state')) === 'pushed_from_vault', 'the push', 30000);
      await shot('09-tour-wallet-pushed', byId('sms-section'), 'start');
      await u.click(byId('onboarding-next'));
      await u.find(`${byId('onboarding')}[data-step="watch"]`);
      await u.find(byId('onboarding-watched'), { timeoutMs: 15000 });
      await u.typeInto(byId('onboarding-watch-address'), OTHER, { clear: true });
      await u.typeInto(byId('onboarding-watch-label'), lang === 'fr' ? 'Compte du labo' : 'Lab account');
      await u.click(byId('onboarding-watch-submit'));
      await u.find(byId('onboarding-watch-notice'), { timeoutMs: 15000 });
      await shot('10-tour-watch');
      await u.click(byId('onboarding-next'));
      await u.find(`${byId('onboarding')}[data-step="done"]`);
      await shot('11-tour-done');
      await u.click(byId('onboarding-home'));
    });

    test('Home, decrypting, decrypted, an error', async () => {
      await u.find(byId('home-screen'));
      await waitUntil(
        async () => (await u.attr(`${byId('home-sms-chip')}[data-network="arbitrum-sepolia-testnet"]`, 'data-state')) === 'pushed_from_vault',
        'the Home chips',
        30000,
      );
      await waitUntil(async () => (await u.count(`${byId('home-sms-chip')}[data-state="checking"]`)) === 0, 'every chip checked');
      assert.equal(await u.attr(byId('home-backup-state'), 'data-state'), 'backed_up');
      await shot('12-home');
      await shot('12b-home-glance', byId('home-keys'));
      // The SDK fixture's key, imported on Keys: it opens the archives made for it (and it is in
      // no recovery kit yet: Home and the banner say so).
      await u.click(byId('nav-keys'));
      await u.find(byId('keys-screen'));
      await u.nextPath(path.join(fixtures, 'expected_key'));
      await u.click(byId('import-file'));
      await waitUntil(async () => (await u.count(byId('key-row'))) === 2, 'two keys', 30000);
      await u.click(byId('nav-open'));
      await u.find(byId('drop-zone'));
      await waitUntil(async () => (await u.attr(byId('home-backup-state'), 'data-state')) === 'not_backed_up', 'Home to say not backed up');
      await shot('13-home-not-backed-up', byId('home-keys'));
      await u.openPath(bigArchive);
      // The bar is drawn where the percentage beside it says (read with it in one script: an
      // eased width lagged behind it on earlier screenshots).
      let drawn = null;
      await waitUntil(
        async () => {
          drawn = await u.exec(`
            const bar = document.querySelector('[data-testid="progress"]');
            const fill = bar && bar.querySelector('.fill');
            const now = bar ? Number(bar.getAttribute('aria-valuenow')) : 0;
            return fill && now >= 5 ? [now, (100 * fill.getBoundingClientRect().width) / bar.clientWidth] : null;`);
          return drawn !== null;
        },
        'the decryption under way',
        30000,
        50,
      );
      assert.ok(Math.abs(drawn[0] - drawn[1]) <= 2, `the bar shows ${drawn[1].toFixed(1)}% for ${drawn[0]}%`);
      await shot('14-decrypting');
      // Cancelled (or, on a fast machine, already done: then back to the drop zone).
      await u.exec('document.querySelector(arguments[0])?.click(); return true;', [byId('cancel')]);
      await u.find(`${byId('drop-zone')}, ${byId('result-view')}`, { timeoutMs: 60000 });
      if (await u.count(byId('result-view'))) await u.click(byId('start-over'));
      await u.find(byId('drop-zone'));
      await u.openPath(path.join(fixtures, 'encryptedResults.zip'));
      await u.find(byId('result-view'), { timeoutMs: 30000 });
      await shot('15-decrypted');
      await u.click(byId('start-over'));
      await u.openPath(otherKeyArchive);
      const err = await u.find(byId('error-view'), { timeoutMs: 30000 });
      assert.equal(await err.attr('data-kind'), 'no_matching_key');
      // The keys tried: named by the English message, or listed from the error's facts in French.
      const tried = lang === 'fr' ? await u.text(byId('error-keys-tried')) : await u.text(byId('error-message'));
      assert.match(tried, /\b[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4}\b/, tried);
      await shot('16-error-no-matching-key');
      await u.click(byId('start-over'));
    });

    test('Keys, the wallet and key service, restore, rotation', async () => {
      await u.click(byId('nav-keys'));
      await u.find(byId('keys-screen'));
      await u.waitHeadingFocus(/./);
      await shot('17-keys');
      await u.find(byId('sms-section'));
      await waitUntil(
        async () => (await u.attr(`${byId('sms-row')}[data-network="arbitrum-sepolia-testnet"]`, 'data-state')) === 'pushed_from_vault',
        'the Keys SMS rows',
        30000,
      );
      await shot('18-keys-wallet', byId('wallet-section'), 'start');
      await shot('19-keys-sms', byId('sms-section'), 'start');
      await u.click(byId('start-restore'));
      await u.find(byId('restore-screen'));
      await shot('20-restore', byId('restore-screen'), 'start');
      await u.click(byId('nav-keys'));
      // The key service rows are checked again as the screen opens and push the rotation panel
      // down when they arrive: a click before that lands where the button was.
      await u.waitAttr(`${byId('sms-row')}[data-network="arbitrum-sepolia-testnet"]`, 'data-state', 'pushed_from_vault', 'the Keys SMS rows', 30000);
      await u.click(byId('start-rotation'));
      await u.waitAttr(byId('rotation-wizard'), 'data-step', 'why', 'the rotation wizard');
      // The step list holds on one line, each name whole (not cut), in both languages.
      const steps = await u.exec(
        'return [...document.querySelectorAll(arguments[0])].map((li) => { const n = li.querySelector(".name"); return [li.getBoundingClientRect().top, n.scrollWidth - n.clientWidth]; });',
        [byId('rotation-step')],
      );
      assert.equal(steps.length, 5);
      assert.equal(new Set(steps.map(([top]) => Math.round(top))).size, 1, `${lang}: the rotation's steps on one line`);
      assert.deepEqual(steps.map(([, cut]) => cut > 1), [false, false, false, false, false], `${lang}: no step name cut`);
      await shot('21-rotation-why');
    });

    test('Settings and Tasks', async () => {
      await u.click(byId('nav-settings'));
      await u.find(byId('settings-screen'));
      await shot('22-settings');
      await shot('23-settings-networks', byId('network-row'), 'start');
      await u.click(byId('nav-tasks'));
      await u.find(byId('tasks-screen'));
      await u.find(byId('watched-row'));
      await shot('24-tasks');
      // The tour shown again from Settings and skipped at once: Home reminds what is left.
      await u.click(byId('nav-settings'));
      await u.click(byId('show-tour'));
      await u.find(`${byId('onboarding')}[data-step="welcome"]`);
      await u.click(byId('onboarding-skip'));
      await u.find(byId('home-screen'));
      await waitUntil(async () => (await u.attrs(byId('home-reminder'), 'data-kind')).includes('backup'), 'the backup reminder', 20000);
      await shot('25-home-reminders');
    });
  });
}
