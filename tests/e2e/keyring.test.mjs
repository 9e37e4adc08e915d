// The key ring in the real app, with the real Secret Service (scripts/with-secret-service.sh):
// import the SDK fixture's key and generate one, back up with the quiz and the test restore,
// wipe the data folder, restore the kit from the words, and decrypt the SDK fixture with the
// restored key. Then the whole log of the run is searched for key material.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { appBinary, artifacts, fixtures, startEnvironment, screenshotScreen } from './harness.mjs';
import { Session } from './webdriver.mjs';

let env;
let s;
let words = [];
const kit = () => path.join(env.home, 'my-recovery-kit.age');
const shot = (name) => screenshotScreen(env.display, path.join(artifacts, 'screens', `${name}.png`));
const click = async (id, opts) => (await s.find(`[data-testid="${id}"]`, opts)).click();

async function typeInto(css, text) {
  const el = await s.find(css);
  await el.click();
  await el.sendKeys(text);
}

/** The next native file dialog (open or save) returns `p` (test hook, RESULT_VAULT_E2E=1). */
async function nextPath(p) {
  await s.execute('return window.__resultVault.setNextPath(arguments[0]).then(() => true);', [p]);
}

async function waitKeyRows(n, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if ((await s.findAll('[data-testid="key-row"]')).length === n) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`expected ${n} key rows`);
}

before(async () => {
  env = await startEnvironment({ name: 'keyring' });
  s = await Session.create(env.driverUrl, appBinary);
});

after(async () => {
  await s?.delete();
  await env?.stop();
});

test('import the fixture key and generate a new one', async () => {
  await click('nav-keys', { timeoutMs: 30000 });
  await s.find('[data-testid="keys-screen"]');
  shot('en-10-keys-empty');
  await nextPath(path.join(fixtures, 'expected_key'));
  await click('import-file');
  await waitKeyRows(1);
  await typeInto('[data-testid="key-label-input"]', 'Laptop key');
  await click('generate-key');
  await waitKeyRows(2, 60000);
  // Not backed up yet: the reminder shows.
  await s.find('[data-testid="backup-reminder"]');
  shot('en-11-keys-not-backed-up');
});

test('back up: words, quiz on 3 words, test restore', async () => {
  await click('start-backup');
  await s.find('[data-testid="backup-wizard"]');
  shot('en-12-backup-explain');
  await nextPath(kit());
  await click('backup-save');
  await s.find('[data-testid="backup-words"]', { timeoutMs: 30000 });
  const els = await s.findAll('[data-testid="backup-word"]');
  assert.equal(els.length, 24);
  words = [];
  for (const el of els) {
    const i = Number(await el.attr('data-index'));
    const text = (await el.text()).replace(/^\s*\d+[.)]?\s*/, '').trim();
    words[i - 1] = text;
  }
  assert.equal(words.filter(Boolean).length, 24);
  shot('en-13-backup-words');
  await click('backup-continue');
  await s.find('[data-testid="quiz-word-input"]');
  const inputs = await s.findAll('[data-testid="quiz-word-input"]');
  assert.equal(inputs.length, 3);
  for (const input of inputs) {
    const i = Number(await input.attr('data-index'));
    await input.click();
    await input.sendKeys(words[i - 1]);
  }
  shot('en-14-backup-quiz');
  await click('quiz-submit');
  await s.find('[data-testid="backup-done"]', { timeoutMs: 60000 });
  shot('en-15-backup-done');
  assert.ok(fs.statSync(kit()).size > 1000);
  await click('backup-close');
  await s.waitGone('[data-testid="backup-reminder"]', { timeoutMs: 10000 });
});

test('wipe the data folder, restore from the kit, decrypt with the restored key', async () => {
  await s.delete();
  // Keep the first run's log for the last test, then wipe everything, as a new computer would.
  const logs = path.join(env.env.RESULT_VAULT_HOME, 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(env.home, 'logs-first-run'), { recursive: true });
  fs.rmSync(env.env.RESULT_VAULT_HOME, { recursive: true, force: true });
  s = await Session.create(env.driverUrl, appBinary);
  // A fresh install: the first screen itself offers the restore.
  await click('restore-from-first-screen', { timeoutMs: 30000 });
  await s.find('[data-testid="restore-screen"]');
  await nextPath(kit());
  await click('restore-choose-kit');
  // A valid phrase that is not this kit's first: "valid words but for another kit".
  await typeInto('[data-testid="restore-words-input"]', 'abandon '.repeat(23) + 'art');
  await click('restore-submit');
  let result = await s.find('[data-testid="restore-result"]', { timeoutMs: 60000 });
  assert.equal(await result.attr('data-outcome'), 'other_kit');
  shot('en-16-restore-other-kit');
  const input = await s.find('[data-testid="restore-words-input"]');
  await input.clear();
  await input.sendKeys(words.join(' '));
  await click('restore-submit');
  await s.find('[data-testid="restore-done"], [data-testid="restore-result"][data-outcome="correct"]', { timeoutMs: 60000 });
  shot('en-17-restore-correct');
  await click('nav-keys');
  await waitKeyRows(2);
  await click('nav-open');
  await s.execute('window.__resultVault.openPath(arguments[0]); return true;', [path.join(fixtures, 'encryptedResults.zip')]);
  await s.find('[data-testid="result-view"]', { timeoutMs: 30000 });
  const rows = await s.findAll('[data-testid="file-row"]');
  assert.equal(rows.length, 2);
});

test('no key material or recovery word sequence in the log of the whole run', async () => {
  const files = [path.join(env.env.RESULT_VAULT_HOME, 'logs'), path.join(env.home, 'logs-first-run')]
    .filter((d) => fs.existsSync(d))
    .flatMap((d) => fs.readdirSync(d).map((f) => path.join(d, f)));
  assert.ok(files.length > 0, 'the app writes a log');
  const text = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  assert.match(text, /key ring opened/);
  assert.doesNotMatch(text, /PRIVATE KEY/);
  const pemBody = fs.readFileSync(path.join(fixtures, 'expected_key'), 'utf8').split('\n')[5];
  assert.ok(!text.includes(pemBody), 'a line of the private key is in the log');
  for (let i = 0; i + 3 <= words.length; i++) {
    assert.ok(!text.includes(words.slice(i, i + 3).join(' ')), 'recovery words are in the log');
  }
});
