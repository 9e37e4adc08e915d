// A real drag and drop: a GTK drag source offering a file as text/uri-list is dragged with
// xdotool into the app's window. Tauri's native drag-drop gives the app the real path.
// First a file that is not a zip: the warning shows during the drag, before the drop. Then the
// SDK fixture: dropped, it decrypts and its files are listed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

import { appBinary, artifacts, fixtures, startEnvironment, screenshotScreen, repo } from './harness.mjs';
import { Session } from './webdriver.mjs';

let env;
let s;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  env = await startEnvironment({ name: 'drop' });
  const secrets = path.join(env.home, '.secrets/beneficiary');
  fs.mkdirSync(secrets, { recursive: true });
  fs.copyFileSync(path.join(fixtures, 'expected_key'), path.join(secrets, '0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB_key'));
  s = await Session.create(env.driverUrl, appBinary);
  await s.find('[data-testid="drop-zone"]');
});

after(async () => {
  await s?.delete();
  await env?.stop();
});

/** Shows a drag source for `file` at (1000, 150) and presses the mouse on it; returns a handle. */
async function startDrag(file) {
  const src = spawn('/usr/bin/python3', [path.join(repo, 'tests/e2e/drag_source.py'), file, '1000', '150'], {
    env: env.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('drag source did not start')), 15000);
    readline.createInterface({ input: src.stdout }).on('line', (l) => {
      if (l.includes('ready')) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  const xdo = (...args) => execFileSync('xdotool', args, { env: env.env, timeout: 10000 });
  xdo('mousemove', '1100', '210');
  await sleep(300);
  xdo('mousedown', '1');
  // Several small moves: GTK starts a drag only after the pointer passes its threshold, and
  // WebKit needs motion events inside the window to see the drag.
  for (let i = 1; i <= 12; i++) {
    xdo('mousemove', String(1100 - i * 55), String(210));
    await sleep(80);
  }
  for (let i = 0; i < 5; i++) {
    xdo('mousemove', String(450 + i * 3), String(210 + i * 2));
    await sleep(120);
  }
  return {
    drop: async () => {
      xdo('mouseup', '1');
      await sleep(500);
      src.kill();
    },
  };
}

test('dragging a file that is not a zip warns before the drop', async () => {
  const notZip = path.join(env.home, 'notes.txt');
  fs.writeFileSync(notZip, 'hello');
  const drag = await startDrag(notZip);
  const warning = await s.find('[data-testid="drag-warning"]', { timeoutMs: 10000 });
  assert.ok((await warning.text()).length > 0);
  screenshotScreen(env.display, path.join(artifacts, 'screens', 'en-5-drag-warning.png'));
  await drag.drop();
  const err = await s.find('[data-testid="error-view"]', { timeoutMs: 20000 });
  assert.equal(await err.attr('data-kind'), 'not_a_result');
  await (await s.find('[data-testid="start-over"]')).click();
});

test('dropping the SDK fixture opens it', async () => {
  const drag = await startDrag(path.join(fixtures, 'encryptedResults.zip'));
  await drag.drop();
  await s.find('[data-testid="result-view"]', { timeoutMs: 30000 });
  const rows = await s.findAll('[data-testid="file-row"]');
  const paths = await Promise.all(rows.map((r) => r.attr('data-path')));
  assert.deepEqual(paths.sort(), ['computed.json', 'result.txt']);
});
