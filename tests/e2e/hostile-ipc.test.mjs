// The window is not trusted (docs/trust.md, "The window"): a script running in the web view
// calls the app's commands directly, as a malicious dependency would, through
// window.__TAURI_INTERNALS__.invoke. It must not write a file the user did not choose, read one
// the user did not give, get a secret back, or push, export or change anything without the
// native confirmation, which a script cannot click. The real app (end-to-end build), under Xvfb,
// over WebDriver, with the real Secret Service.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { appBinary, fixtures, ipcInvoke, startEnvironment } from './harness.mjs';
import { Session } from './webdriver.mjs';

let env;
let s;
let fingerprint;

/** Calls a command as a script in the web view would: `{ ok, v }` or `{ ok: false, e }`. */
const invoke = (cmd, args = {}) => ipcInvoke(s, cmd, args);

async function refused(cmd, args, kind = 'invalid_input') {
  const r = await invoke(cmd, args);
  assert.equal(r.ok, false, `${cmd} ${JSON.stringify(args)} was accepted: ${JSON.stringify(r.v)?.slice(0, 200)}`);
  assert.equal(r.e?.kind, kind, `${cmd}: ${JSON.stringify(r.e)}`);
  return r.e;
}

/**
 * Every file under `dir` (relative), but the app's own data folder and the web view's caches
 * (the hidden folders at the top of the test's home: .cache, .local, .config).
 */
function filesUnder(dir, skip) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (p === skip || (d === dir && e.name.startsWith('.'))) continue;
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

before(async () => {
  env = await startEnvironment({ name: 'hostile-ipc' });
  s = await Session.create(env.driverUrl, appBinary);
  await (await s.find('[data-testid="nav-keys"]', { timeoutMs: 30000 })).click();
  await s.find('[data-testid="keys-screen"]');
  // The e2e build's hooks are installed once the app said it runs under test.
  const ready = Date.now() + 30000;
  while (Date.now() < ready && !(await s.execute('return !!window.__resultVault?.setNextPath;'))) {
    await new Promise((r) => setTimeout(r, 100));
  }
  // One key, imported as a user does: the file chosen in the (hooked) dialog.
  await s.execute('return window.__resultVault.setNextPath(arguments[0]).then(() => true);', [path.join(fixtures, 'expected_key')]);
  await (await s.find('[data-testid="import-file"]')).click();
  const end = Date.now() + 30000;
  while (Date.now() < end && (await s.findAll('[data-testid="key-row"]')).length !== 1) await new Promise((r) => setTimeout(r, 200));
  const overview = await invoke('keys_overview');
  assert.equal(overview.ok, true);
  fingerprint = overview.v.keys[0].fingerprint;
});

after(async () => {
  await s?.delete();
  await env?.stop();
});

test('no file is written where the user did not choose, and no secret comes back', async () => {
  const stolen = path.join(env.home, 'stolen.pem');
  await refused('keys_export_private', { fingerprint, path: stolen });
  await refused('keys_export_public', { fingerprint, path: path.join(env.home, 'k.pub') });
  const e = await refused('backup_create', { path: path.join(env.home, 'kit.age') });
  assert.doesNotMatch(JSON.stringify(e), /words/);
  // Relative and dotted paths do not get around a grant.
  await refused('keys_export_private', { fingerprint, path: '../../stolen.pem' });
  await refused('keys_export_private', { fingerprint, path: `${env.home}/x/../stolen.pem` });
  for (const p of ['stolen.pem', 'k.pub', 'kit.age']) assert.equal(fs.existsSync(path.join(env.home, p)), false, p);
});

test('no file is read that the user did not give', async () => {
  const other = path.join(env.home, 'someone-else_key');
  fs.copyFileSync(path.join(fixtures, 'unexpected_key'), other);
  await refused('keys_import_path', { path: other });
  await refused('remember_key_path', { path: other });
  await refused('inspect_archive', { path: '/etc/passwd' });
  await refused('restore_kit', { path: '/etc/passwd', words: 'a b', passphrase: null });
  await refused('backup_verify', { path: '/etc/passwd', words: 'a b' });
  await refused('wallet_import_file', { path: '/etc/passwd', password: null, keep: 'path_only' });
  const keys = await invoke('keys_overview');
  assert.equal(keys.v.keys.length, 1, 'no key was added');
  // Outputs: only what the app wrote in this run.
  await refused('reveal_output', { path: '/etc' });
  await refused('open_output_file', { path: '/bin/sh' });
  // Names that would become paths are parsed first.
  await refused('task_discard_download', { network: '../../..', taskId: '../../etc' }, 'task_not_found');
  await refused('task_discard_download', { network: '../../..', taskId: `0x${'ab'.repeat(32)}` });
  await refused('network_save', {
    network: { name: '../evil', label: 'x', chain_id: 1, rpc_url: 'http://127.0.0.1:9', hub: '0x0000000000000000000000000000000000000000', sms_urls: [], ipfs_gateways: [], subgraph_url: '', market_api_url: '', legacy: false },
  });
});

test('a chosen file is still written only after the native confirmation', async () => {
  const file = path.join(env.home, 'chosen_key');
  await s.execute('return window.__resultVault.setNextPath(arguments[0]).then(() => true);', [file]);
  const picked = await invoke('pick_path', { kind: 'save_private_key', defaultName: null });
  assert.equal(picked.v, file);
  await invoke('e2e_next_confirm', { yes: false });
  await refused('keys_export_private', { fingerprint, path: file }, 'cancelled');
  assert.equal(fs.existsSync(file), false, 'declined: nothing written');
  // The grant was used: the same path again needs a new choice.
  await refused('keys_export_private', { fingerprint, path: file });
  await s.execute('return window.__resultVault.setNextPath(arguments[0]).then(() => true);', [file]);
  await invoke('pick_path', { kind: 'save_private_key', defaultName: null });
  const ok = await invoke('keys_export_private', { fingerprint, path: file });
  assert.equal(ok.ok, true, JSON.stringify(ok.e));
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const asked = (await invoke('e2e_dialogs_asked')).v;
  assert.ok(asked.length >= 2, JSON.stringify(asked));
  assert.match(asked.at(-1), /private key/i);
  assert.ok(asked.at(-1).includes(file), 'the confirmation names the file');
});

test('a new network is called only after the native confirmation', async () => {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    res.end('{}');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  try {
    await invoke('e2e_next_confirm', { yes: false });
    await refused(
      'network_save',
      {
        network: { name: 'evil-net', label: 'Evil', chain_id: 1, rpc_url: url, hub: '0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f', sms_urls: [url], ipfs_gateways: [url], subgraph_url: url, market_api_url: url, legacy: false },
      },
      'cancelled',
    );
    assert.equal(requests, 0, 'nothing was called before the user agreed');
    const asked = (await invoke('e2e_dialogs_asked')).v;
    assert.ok(asked.at(-1).includes(url), 'the confirmation lists the addresses');
    const nets = (await invoke('networks_list')).v;
    assert.equal(nets.some((n) => n.network?.name === 'evil-net' || n.name === 'evil-net'), false);
  } finally {
    server.close();
  }
});

test('every command, given hostile strings, writes nothing outside the app and returns no key', async () => {
  const before = filesUnder(env.home, path.join(env.home, 'vault'));
  const H = ['../../../../tmp/rv-hostile', '/tmp/rv-hostile', path.join(env.home, 'rv-hostile'), '', 'x'.repeat(5000), 'a\u0000b', 'C:\\Windows\\x', '\\\\host\\share\\x'];
  const calls = (h) => [
    ['inspect_archive', { path: h }],
    ['open_archive', { jobId: 'j', archive: h, keyPaths: [h] }],
    ['check_drop', { paths: [h] }],
    ['remember_key_path', { path: h }],
    ['forget_key_path', { path: h }],
    ['reveal_output', { path: h }],
    ['open_output_file', { path: h }],
    ['keys_import_path', { path: h }],
    ['keys_import_pem', { pem: h, label: h }],
    ['keys_rename', { fingerprint: h, label: 'x' }],
    ['keys_retire', { fingerprint: h }],
    ['keys_delete', { fingerprint: h }],
    ['keys_export_public', { fingerprint, path: h }],
    ['keys_export_private', { fingerprint, path: h }],
    ['keys_suggest_name', { fingerprint: h, private: true }],
    ['backup_create', { path: h }],
    ['backup_verify', { path: h, words: h }],
    ['restore_kit', { path: h, words: h, passphrase: h }],
    ['network_reset', { name: h }],
    ['watched_add', { network: h, address: h, label: h }],
    ['watched_remove', { network: h, address: h }],
    ['tasks_list', { network: h, address: h }],
    ['tasks_add_by_id', { network: h, id: h }],
    ['task_discard_download', { network: h, taskId: h }],
    ['wallet_import_file', { path: h, password: h, keep: 'path_only' }],
    ['wallet_import_key', { privateKey: h, label: h }],
    ['wallet_remove', { address: h }],
    ['sms_status', { network: h, address: h }],
    ['sms_push', { network: h, address: h, password: h }],
    ['rotation_start', { address: h, networks: [h] }],
    ['rotation_push', { network: h, password: h }],
  ];
  let n = 0;
  for (const h of H) {
    for (const [cmd, args] of calls(h)) {
      await invoke('e2e_next_confirm', { yes: false });
      const r = await invoke(cmd, args);
      n += 1;
      assert.doesNotMatch(JSON.stringify(r), /PRIVATE KEY|BEGIN RSA/, `${cmd} returned key material`);
    }
  }
  assert.ok(n >= 240, `${n} calls`);
  assert.deepEqual(filesUnder(env.home, path.join(env.home, 'vault')), before, 'no file appeared or vanished outside the app');
  assert.equal(fs.existsSync('/tmp/rv-hostile'), false);
  assert.equal((await invoke('keys_overview')).v.keys.length, 1, 'the key ring holds the one key it had');
});
