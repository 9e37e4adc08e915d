// The real app, under Xvfb, over WebDriver: open the iExec SDK's fixture and read its files;
// open an archive made for a key we do not have and see `no_matching_key`; open a file that is
// not a result and see `not_a_result`. Screenshots of each state go to tests/e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { appBinary, artifacts, fixtures, makeEncryptedResult, startEnvironment, screenshotScreen } from './harness.mjs';
import { Session } from './webdriver.mjs';

const ADDRESS = '0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB';
let env;
let s;
let otherKeyArchive;

const shot = (name) => screenshotScreen(env.display, path.join(artifacts, 'screens', `${name}.png`));

before(async () => {
  env = await startEnvironment({ name: 'open' });
  // The beneficiary key where the iexec CLI leaves it: the app must find it by itself.
  const secrets = path.join(env.home, '.secrets/beneficiary');
  fs.mkdirSync(secrets, { recursive: true });
  fs.copyFileSync(path.join(fixtures, 'expected_key'), path.join(secrets, `${ADDRESS}_key`));
  fs.copyFileSync(path.join(fixtures, 'expected_key.pub'), path.join(secrets, `${ADDRESS}_key.pub`));
  // An archive encrypted (by openssl, as the enclave does) for a public key whose private key we
  // do not have.
  otherKeyArchive = path.join(env.home, 'task-for-someone-else.zip');
  execFileSync('bash', [makeEncryptedResult, path.join(fixtures, 'key.pub'), '1', otherKeyArchive], {
    stdio: 'ignore',
    timeout: 60000,
  });
  s = await Session.create(env.driverUrl, appBinary);
  // The installed package has no test hook, so its first run starts the welcome tour, as for a
  // user: skip it, as a user may.
  if (process.env.RESULT_VAULT_APP) {
    const skip = await s.find('[data-testid="onboarding-skip"]', { timeoutMs: 20000 });
    await skip.click();
  }
});

after(async () => {
  await s?.delete();
  await env?.stop();
});

// As a user does from the file manager ("Open with" Result Vault): a second launch with the
// file, which hands it to the open window and exits. This works with the installed package
// too, which has no test hook.
async function openPath(p) {
  await s.find('[data-testid="drop-zone"]');
  const second = spawn(appBinary, [p], { env: env.env, stdio: 'ignore' });
  const exit = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 20000);
    second.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  if (exit === null) second.kill('SIGKILL');
  assert.equal(exit, 0, 'the second launch hands the file over and exits');
}

test('the first screen offers the drop zone and finds the key in ~/.secrets/beneficiary', async () => {
  const zone = await s.find('[data-testid="drop-zone"]');
  assert.match(await zone.text(), /drop/i);
  const keys = await s.find('[data-testid="key-status"]');
  await waitText(keys, /beneficiary/);
  shot('en-1-idle');
});

test('opening the SDK fixture shows its decrypted files', async () => {
  await openPath(path.join(fixtures, 'encryptedResults.zip'));
  await s.find('[data-testid="result-view"]', { timeoutMs: 30000 });
  const rows = await s.findAll('[data-testid="file-row"]');
  const paths = await Promise.all(rows.map((r) => r.attr('data-path')));
  assert.deepEqual(paths.sort(), ['computed.json', 'result.txt']);
  assert.match(await (await s.find('[data-testid="result-status"]')).text(), /decrypt/i);
  // The files really are on disk, in a new folder under the results folder.
  const out = path.join(env.env.RESULT_VAULT_HOME, 'results', 'encryptedResults');
  assert.ok(fs.readFileSync(path.join(out, 'computed.json'), 'utf8').includes('deterministic-output-path'));
  assert.equal(fs.statSync(path.join(out, 'result.txt')).size, 419);
  shot('en-2-decrypted');
});

test('an archive made for another key says which error and what to do', async () => {
  await (await s.find('[data-testid="start-over"]')).click();
  await openPath(otherKeyArchive);
  const err = await s.find('[data-testid="error-view"]', { timeoutMs: 30000 });
  assert.equal(await err.attr('data-kind'), 'no_matching_key');
  // Each thing once: the title says none of the keys opens it; the message, which keys were tried.
  assert.match(await (await s.find('[data-testid="error-title"]')).text(), /None of your keys/);
  assert.match(await (await s.find('[data-testid="error-message"]')).text(), /^Tried 1 key: [0-9A-F]{4} /);
  assert.match(await (await s.find('[data-testid="error-hint"]')).text(), /DataProtector/);
  shot('en-3-no-matching-key');
});

test('a file that is not a result says not_a_result', async () => {
  await (await s.find('[data-testid="start-over"]')).click();
  await openPath(path.join(fixtures, 'expected_key.pub'));
  const err = await s.find('[data-testid="error-view"]', { timeoutMs: 30000 });
  assert.equal(await err.attr('data-kind'), 'not_a_result');
  shot('en-4-not-a-result');
});

async function waitText(el, re, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  let t = '';
  while (Date.now() < end) {
    t = await el.text();
    if (re.test(t)) return t;
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.match(t, re);
}
