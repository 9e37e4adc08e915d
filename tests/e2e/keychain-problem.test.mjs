// No Secret Service at all (the session bus points nowhere): the app shows its keychain screen
// with the error kind, not a hang or a crash; the person chooses a passphrase instead, and the
// key ring then works (a key imported, the SDK fixture decrypted).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { appBinary, artifacts, fixtures, startEnvironment, screenshotScreen } from './harness.mjs';
import { Session } from './webdriver.mjs';

let env;
let s;

before(async () => {
  env = await startEnvironment({ name: 'nokeychain', extraEnv: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', RESULT_VAULT_KEYCHAIN_TIMEOUT_SECS: '5' } });
  s = await Session.create(env.driverUrl, appBinary);
});

after(async () => {
  await s?.delete();
  await env?.stop();
});

test('a missing keychain is a clear screen, and a passphrase ring works instead', async () => {
  const problem = await s.find('[data-testid="keychain-problem"]', { timeoutMs: 30000 });
  assert.equal(await problem.attr('data-kind'), 'keychain_unavailable');
  screenshotScreen(env.display, path.join(artifacts, 'screens', 'en-20-keychain-problem.png'));
  await (await s.find('[data-testid="use-passphrase"]')).click();
  const pw = await s.find('[data-testid="passphrase-input"]');
  await pw.click();
  await pw.sendKeys('a long enough passphrase');
  const confirm = await s.find('[data-testid="passphrase-confirm"]');
  await confirm.click();
  await confirm.sendKeys('a long enough passphrase');
  await (await s.find('[data-testid="passphrase-submit"]')).click();
  await (await s.find('[data-testid="nav-keys"]', { timeoutMs: 30000 })).click();
  await s.find('[data-testid="keys-screen"]', { timeoutMs: 30000 });
  await s.execute('return window.__resultVault.setNextPath(arguments[0]).then(() => true);', [path.join(fixtures, 'expected_key')]);
  await (await s.find('[data-testid="import-file"]')).click();
  await s.find('[data-testid="key-row"]', { timeoutMs: 20000 });
  await (await s.find('[data-testid="nav-open"]')).click();
  await s.execute('window.__resultVault.openPath(arguments[0]); return true;', [path.join(fixtures, 'encryptedResults.zip')]);
  await s.find('[data-testid="result-view"]', { timeoutMs: 30000 });
});
