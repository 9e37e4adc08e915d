// Self-test of the stand-ins, the chain seeder and the scenario maker, end to end: a real ganache
// node, a functional scenario with real encrypted archives, the hub seeded on it, the stand-in
// servers; then plain HTTP requests and ethers reads check that each behaves as README.md says.
//
//   node --test tests/standins/
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { interopRequire, repoRoot } from './scenario.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { JsonRpcProvider, Interface, getAddress } = interopRequire('ethers');
const ganacheBin = path.join(repoRoot, 'tests/interop/node_modules/.bin/ganache');
const run = promisify(execFile);

const children = [];
let dir;
let keys;
let scenario;
let art;
let urls;
let hub;
let rpc;
let hubAbi;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForRpc(url, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const body = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}';
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      if (res.ok) return;
    } catch (e) {
      if (Date.now() > end) throw new Error(`ganache did not answer: ${e.message}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function node(script, args) {
  const { stdout } = await run(process.execPath, [path.join(here, script), ...args], { maxBuffer: 16 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop());
}

/** Starts the stand-ins; resolves with the child and its URL line. */
async function startStandins(scenarioFile) {
  const child = spawn(process.execPath, [path.join(here, 'standins.mjs'), '--scenario', scenarioFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  for await (const chunk of child.stdout) {
    out += chunk;
    if (out.includes('\n')) break;
  }
  return { child, urls: JSON.parse(out) };
}

/** A GET or HEAD over node:http that always resolves, even when the server breaks the connection. */
function request(url, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      res.on('data', (c) => chunks.push(c));
      res.on('error', () => {}); // a broken body is reported through `complete`
      res.on('close', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }));
    });
    req.on('error', (error) => resolve({ status: null, error, body: Buffer.concat(chunks), complete: false }));
    req.end();
  });
}

async function graphql(query, variables) {
  const res = await fetch(urls.subgraph, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: await res.json() };
}

async function control(route, body) {
  const init = body === undefined ? { method: 'GET' } : { method: 'POST', body: JSON.stringify(body) };
  const res = await fetch(urls.control + route, init);
  assert.equal(res.status, 200, `${route}: ${res.status}`);
  return res.json();
}

const gateway = (i, p) => urls.gateways[i] + p;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-standins-'));
  keys = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  fs.writeFileSync(path.join(dir, 'key.pub.pem'), keys.publicKey);
  fs.writeFileSync(path.join(dir, 'key.pem'), keys.privateKey);

  const port = await freePort();
  rpc = `http://127.0.0.1:${port}`;
  const args = ['--server.host', '127.0.0.1', '--server.port', String(port), '--chain.chainId', '1337', '--wallet.deterministic', '--logging.quiet'];
  children.push(spawn(ganacheBin, args, { stdio: 'ignore' }));

  const beneficiary = '0x' + crypto.randomBytes(20).toString('hex');
  const made = await node('make-scenario.mjs', ['--out', dir, '--beneficiary', getAddress(beneficiary), '--pubkey', path.join(dir, 'key.pub.pem')]);
  scenario = JSON.parse(fs.readFileSync(made.scenario, 'utf8'));
  art = scenario.artifacts;
  hubAbi = JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'tests/chain/compile.mjs')], { maxBuffer: 64 << 20 })).abi;
  await waitForRpc(rpc);
  ({ hub } = await node('seed-chain.mjs', ['--rpc', rpc, '--scenario', made.scenario]));
  ({ urls } = await startStandins(made.scenario));
});

after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const beneficiaryOf = () => scenario.deals.find((d) => d.id === art.dealId).beneficiary;

describe('subgraph', () => {
  const DEALS = `query($b: String!, $first: Int, $skip: Int) {
    deals(where: { beneficiary: $b }, first: $first, skip: $skip, orderBy: startTime, orderDirection: desc) {
      id startTime app { id name } beneficiary { id } tasks { id index status finalDeadline results resultDigest }
    }
  }`;

  test('finds the indexed deals of a lowercase beneficiary, newest first, with their tasks', async () => {
    const { status, body } = await graphql(DEALS, { b: beneficiaryOf() });
    assert.equal(status, 200);
    const ids = body.data.deals.map((d) => d.id);
    const { A, B, C, D, E } = art.deals;
    assert.deepEqual(ids, [A, B, C, D], 'E is known to the market only');
    const taskA0 = body.data.deals[0].tasks.find((t) => t.index === '0');
    assert.equal(taskA0.id, art.taskId);
    assert.equal(taskA0.status, 'COMPLETED');
    assert.equal(taskA0.resultDigest, art.digest);
    assert.deepEqual(JSON.parse(Buffer.from(taskA0.results.slice(2), 'hex').toString()), { storage: 'ipfs', location: art.cid });
    assert.equal(body.data.deals[0].app.name, 'hello-world');
    assert.ok(!ids.includes(E));
  });

  test('spells the failed status FAILLED', async () => {
    const { body } = await graphql(`{ deal(id: "${art.deals.B}") { tasks(orderBy: index) { index status } } }`);
    assert.deepEqual(body.data.deal.tasks, [{ index: '0', status: 'FAILLED' }, { index: '1', status: 'ACTIVE' }]);
  });

  test('matches addresses case-sensitively, like The Graph', async () => {
    const { body } = await graphql(DEALS, { b: getAddress(beneficiaryOf()) });
    assert.deepEqual(body.data.deals, []);
  });

  test('pages with first and skip', async () => {
    const page1 = (await graphql(DEALS, { b: beneficiaryOf(), first: 3, skip: 0 })).body.data.deals;
    const page2 = (await graphql(DEALS, { b: beneficiaryOf(), first: 3, skip: 3 })).body.data.deals;
    assert.equal(page1.length, 3);
    assert.equal(page2.length, 1);
    assert.deepEqual([...page1, ...page2].map((d) => d.id), [art.deals.A, art.deals.B, art.deals.C, art.deals.D]);
  });

  test('knows tasks by id, but not the chain-only ones', async () => {
    const { body } = await graphql(`query($a: ID!, $e: ID!) { a: task(id: $a) { status deal { id } } e: task(id: $e) { id } }`, {
      a: art.taskId,
      e: art.marketOnly.taskId,
    });
    assert.deepEqual(body.data, { a: { status: 'COMPLETED', deal: { id: art.dealId } }, e: null });
  });

  test('answers bad queries with HTTP 200 and errors, as The Graph does', async () => {
    const tooMany = await graphql('{ deals(first: 1001) { id } }');
    assert.equal(tooMany.status, 200);
    assert.match(tooMany.body.errors[0].message, /first.*1000/);
    assert.equal(tooMany.body.data, undefined);
    const tooFar = await graphql('{ deals(skip: 5001) { id } }');
    assert.match(tooFar.body.errors[0].message, /skip.*5000/);
    const unknown = await graphql('{ deals { id nope } }');
    assert.equal(unknown.status, 200);
    assert.match(unknown.body.errors[0].message, /nope/);
  });

  test('rejects GET and bodies that are not JSON with 400', async () => {
    assert.equal((await fetch(urls.subgraph)).status, 400);
    assert.equal((await fetch(urls.subgraph, { method: 'POST', body: 'query { deals { id } }' })).status, 400);
  });
});

describe('market API', () => {
  const deals = async (params) => {
    const res = await fetch(`${urls.market}/deals?${new URLSearchParams(params)}`);
    return { status: res.status, body: await res.json() };
  };

  test('lists the deals it knows, any address case, newest first, checksummed', async () => {
    const { status, body } = await deals({ chainId: 1337, beneficiary: getAddress(beneficiaryOf()), pageSize: 10 });
    assert.equal(status, 200);
    assert.equal(body.ok, true);
    assert.equal(body.count, 5);
    assert.equal(body.nextPage, undefined);
    const { A, B, C, D, E } = art.deals;
    assert.deepEqual(body.deals.map((d) => d.dealid), [E, A, B, C, D]);
    const e = body.deals[0];
    assert.equal(e.beneficiary, getAddress(beneficiaryOf()));
    assert.equal(typeof e.startTime, 'number');
    assert.equal(e.botSize, 1);
    assert.equal(e.chainId, 1337);
    const lower = await deals({ chainId: 1337, beneficiary: beneficiaryOf().toLowerCase() });
    assert.equal(lower.body.count, 5);
  });

  test('validates chainId and pageSize', async () => {
    const invalid = [
      { beneficiary: beneficiaryOf() },
      { chainId: 1, beneficiary: beneficiaryOf() },
      { chainId: 1337, pageSize: 9 },
      { chainId: 1337, pageSize: 1001 },
      { chainId: 1337, pageIndex: -1 },
    ];
    for (const params of invalid) {
      const { status, body } = await deals(params);
      assert.equal(status, 400, JSON.stringify(params));
      assert.equal(body.ok, false);
      assert.equal(typeof body.error, 'string');
    }
  });
});

describe('paging over a larger scenario', () => {
  let bench;

  before(async () => {
    const out = path.join(dir, 'bench');
    const made = await node('make-scenario.mjs', ['--out', out, '--beneficiary', beneficiaryOf(), '--deals', '25']);
    bench = JSON.parse(fs.readFileSync(made.scenario, 'utf8'));
    await control('/scenario', bench);
  });

  after(async () => control('/scenario', scenario));

  test('market pages: full pages carry the legacy nextPage offset', async () => {
    const page = async (pageIndex) =>
      (await fetch(`${urls.market}/deals?chainId=1337&beneficiary=${beneficiaryOf()}&pageSize=10&pageIndex=${pageIndex}`)).json();
    const pages = [await page(0), await page(1), await page(2)];
    assert.deepEqual(pages.map((p) => p.deals.length), [10, 10, 5]);
    assert.deepEqual(pages.map((p) => p.nextPage), [10, 20, undefined]);
    assert.ok(pages.every((p) => p.count === 25));
    const ids = pages.flatMap((p) => p.deals.map((d) => d.dealid));
    assert.equal(new Set(ids).size, 25);
  });

  test('subgraph pages cover every deal once, and nested tasks page too', async () => {
    const seen = [];
    for (let skip = 0; ; skip += 10) {
      const { body } = await graphql(`{ deals(where: { beneficiary: "${beneficiaryOf()}" }, first: 10, skip: ${skip}) { id tasks(first: 1) { id } } }`);
      seen.push(...body.data.deals.map((d) => d.id));
      assert.ok(body.data.deals.every((d) => d.tasks.length === 1));
      if (body.data.deals.length < 10) break;
    }
    assert.equal(seen.length, 25);
    assert.deepEqual(seen, [...seen].sort(), 'default order is id ascending');
  });

  test('subgraph cursors: id_gt by id, startTime and startTime_lt by start time', async () => {
    const q = `query($w: Deal_filter!, $o: Deal_orderBy!, $d: OrderDirection!) { deals(where: $w, first: 10, orderBy: $o, orderDirection: $d) { id startTime } }`;
    const b = beneficiaryOf();
    const byId = [];
    for (let after = '0x'; ; ) {
      const { body } = await graphql(q, { w: { beneficiary: b, id_gt: after }, o: 'id', d: 'asc' });
      byId.push(...body.data.deals.map((d) => d.id));
      if (body.data.deals.length < 10) break;
      after = body.data.deals.at(-1).id;
    }
    assert.equal(byId.length, 25);
    assert.deepEqual(byId, [...byId].sort());
    const byTime = [];
    for (let before = null; ; ) {
      const w = before === null ? { beneficiary: b } : { beneficiary: b, startTime_lt: before };
      const { body } = await graphql(q, { w, o: 'startTime', d: 'desc' });
      byTime.push(...body.data.deals);
      if (body.data.deals.length < 10) break;
      before = body.data.deals.at(-1).startTime;
    }
    assert.equal(new Set(byTime.map((d) => d.id)).size, 25, 'distinct start times: nothing skipped');
    const t = byTime[3].startTime;
    const at = await graphql(q, { w: { beneficiary: b, startTime: t }, o: 'id', d: 'asc' });
    assert.deepEqual(at.body.data.deals, [{ id: byTime[3].id, startTime: t }]);
    const lte = await graphql(q, { w: { beneficiary: b, startTime_lte: t, startTime_gt: byTime[5].startTime }, o: 'startTime', d: 'desc' });
    assert.deepEqual(lte.body.data.deals.map((d) => d.id), [byTime[3].id, byTime[4].id]);
  });
});

describe('IPFS gateways', () => {
  const archive = () => fs.readFileSync(art.archive);

  test('serve the whole file with gateway headers, on both gateways', async () => {
    for (const i of [0, 1]) {
      const res = await request(gateway(i, art.cid));
      assert.equal(res.status, 200);
      assert.ok(res.body.equals(archive()));
      assert.equal(res.headers['content-type'], 'application/zip');
      assert.equal(res.headers['content-length'], String(archive().length));
      assert.equal(res.headers['accept-ranges'], 'bytes');
      assert.equal(res.headers.etag, `"${art.cid.slice(6)}"`);
      assert.ok(res.headers['last-modified']);
    }
    const head = await request(gateway(0, art.cid), { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(archive().length));
    assert.equal((await request(gateway(0, '/ipfs/QmUnknown'))).status, 404);
  });

  test('answer byte ranges with 206 and Content-Range', async () => {
    const size = archive().length;
    const mid = await request(gateway(0, art.cid), { headers: { Range: 'bytes=100-199' } });
    assert.equal(mid.status, 206);
    assert.equal(mid.headers['content-range'], `bytes 100-199/${size}`);
    assert.ok(mid.body.equals(archive().subarray(100, 200)));
    const open = await request(gateway(0, art.cid), { headers: { Range: `bytes=${size - 10}-` } });
    assert.equal(open.headers['content-range'], `bytes ${size - 10}-${size - 1}/${size}`);
    const suffix = await request(gateway(0, art.cid), { headers: { Range: 'bytes=-50' } });
    assert.equal(suffix.status, 206);
    assert.ok(suffix.body.equals(archive().subarray(size - 50)));
    const beyond = await request(gateway(0, art.cid), { headers: { Range: `bytes=${size}-` } });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers['content-range'], `bytes */${size}`);
  });

  test('honour If-Range only when it names this version', async () => {
    const first = await request(gateway(0, art.cid), { method: 'HEAD' });
    const stale = await request(gateway(0, art.cid), { headers: { Range: 'bytes=100-', 'If-Range': '"QmOther"' } });
    assert.equal(stale.status, 200);
    assert.ok(stale.body.equals(archive()));
    const same = await request(gateway(0, art.cid), { headers: { Range: 'bytes=100-', 'If-Range': first.headers.etag } });
    assert.equal(same.status, 206);
    const sameDate = await request(gateway(0, art.cid), { headers: { Range: 'bytes=100-', 'If-Range': first.headers['last-modified'] } });
    assert.equal(sameDate.status, 206);
    const oldDate = await request(gateway(0, art.cid), { headers: { Range: 'bytes=100-', 'If-Range': 'Mon, 01 Jan 2001 00:00:00 GMT' } });
    assert.equal(oldDate.status, 200);
  });
});

describe('control', () => {
  before(() => control('/reset', {}));
  after(() => control('/reset', {}));

  test('error mode answers the status failCount times, then serves', async () => {
    await control('/gateway/0', { mode: 'error', status: 503, failCount: 1 });
    assert.equal((await request(gateway(0, art.cid))).status, 503);
    assert.equal((await request(gateway(0, art.cid))).status, 200);
    assert.equal((await request(gateway(1, art.cid))).status, 200, 'the other gateway is unaffected');
  });

  test('cut mode sends the headers and cutAfter bytes, then breaks the connection, once', async () => {
    await control('/reset', {});
    await control('/gateway/1', { mode: 'cut', cutAfter: 1000 });
    const cut = await request(gateway(1, art.cid));
    assert.equal(cut.status, 200);
    assert.equal(cut.complete, false);
    assert.equal(cut.body.length, 1000);
    const next = await request(gateway(1, art.cid));
    assert.equal(next.body.length, fs.statSync(art.archive).size);
    const log = await control('/log');
    assert.deepEqual(log.map((e) => [e.service, e.status, e.bytesSent]), [
      ['gateway1', 200, 1000],
      ['gateway1', 200, fs.statSync(art.archive).size],
    ]);
  });

  test('down mode resets connections; subgraph and market faults', async () => {
    await control('/gateway/0', { mode: 'down' });
    const down = await request(gateway(0, art.cid));
    assert.equal(down.status, null);
    assert.ok(down.error);
    await control('/subgraph', { mode: 'error' });
    assert.equal((await fetch(urls.subgraph, { method: 'POST', body: '{"query":"{ deals { id } }"}' })).status, 502);
    await control('/market', { mode: 'error', status: 500, failCount: 1 });
    assert.equal((await fetch(`${urls.market}/deals?chainId=1337`)).status, 500);
    assert.equal((await fetch(`${urls.market}/deals?chainId=1337`)).status, 200);
    await control('/reset', {});
    assert.equal((await request(gateway(0, art.cid))).status, 200);
    assert.equal((await control('/log')).length, 1);
  });

  test('rate throttles the body', async () => {
    await control('/gateway/0', { rate: 100_000 });
    const t0 = Date.now();
    const res = await request(gateway(0, art.cid), { headers: { Range: 'bytes=0-49999' } });
    assert.equal(res.body.length, 50_000);
    assert.ok(Date.now() - t0 >= 400, `50 kB at 100 kB/s took ${Date.now() - t0} ms`);
    await control('/reset', {});
  });

  test('redirect mode answers a Location, failCount times', async () => {
    await control('/gateway/0', { mode: 'redirect', location: gateway(1, art.cid), failCount: 1 });
    const moved = await request(gateway(0, art.cid));
    assert.equal(moved.status, 302);
    assert.equal(moved.headers.location, gateway(1, art.cid));
    assert.equal((await request(gateway(0, art.cid))).status, 200);
    await control('/reset', {});
  });

  test('huge mode streams a padded JSON body that parses', async () => {
    await control('/market', { mode: 'huge', bytes: 1000, json: { ok: true, deals: [] }, failCount: 1 });
    const res = await fetch(`${urls.market}/deals?chainId=1337`);
    assert.equal(res.headers.get('content-length'), null, 'chunked unless announced');
    const body = await res.json();
    assert.equal(body.ok, true);
    assert.equal(body.pad.length, 1000);
    await control('/rpc', { mode: 'huge', bytes: 10, announce: true, failCount: 1 });
    const rpcRes = await fetch(urls.rpc, { method: 'POST', body: '{}' });
    assert.equal(rpcRes.headers.get('content-length'), String('{"pad":"'.length + 10 + 2));
    assert.deepEqual(await rpcRes.json(), { pad: 'x'.repeat(10) });
    const log = await control('/log');
    assert.deepEqual(log.slice(-2).map((e) => [e.service, e.status, e.bytesSent]), [['market', 200, 1000], ['rpc', 200, 10]]);
    await control('/reset', {});
  });

  test('the JSON-RPC stand-in answers eth_chainId, singly and in batches', async () => {
    const call = async (body) => (await fetch(urls.rpc, { method: 'POST', body: JSON.stringify(body) })).json();
    assert.deepEqual(await call({ jsonrpc: '2.0', id: 7, method: 'eth_chainId', params: [] }), { jsonrpc: '2.0', id: 7, result: '0x539' });
    const batch = await call([{ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }, { jsonrpc: '2.0', id: 2, method: 'eth_call' }]);
    assert.equal(batch[0].result, '0x539');
    assert.equal(batch[1].error.code, -32601);
  });

  test('files can be replaced, to serve a tampered archive', async () => {
    await control('/files', { [art.cid]: art.tampered });
    const res = await request(gateway(0, art.cid));
    assert.ok(res.body.equals(fs.readFileSync(art.tampered)));
    await control('/files', { [art.cid]: art.archive });
  });
});

describe('chain', () => {
  test('the seeded hub answers viewTask and viewDeal as the scenario says', async () => {
    const provider = new JsonRpcProvider(rpc, 1337, { staticNetwork: true });
    const iface = new Interface(hubAbi);
    const view = async (fn, id) => {
      const answer = await provider.call({ to: hub, data: iface.encodeFunctionData(fn, [id]) });
      return iface.decodeFunctionResult(fn, answer)[0];
    };
    try {
      const task = await view('viewTask', art.taskId);
      assert.equal(task.status, 3n);
      assert.equal(task.dealid, art.dealId);
      assert.equal(task.resultDigest, art.digest);
      assert.equal(Buffer.from(task.results.slice(2), 'hex').toString(), JSON.stringify({ storage: 'ipfs', location: art.cid }));
      const deal = await view('viewDeal', art.dealId);
      assert.equal(deal.beneficiary, getAddress(beneficiaryOf()));
      assert.equal(deal.botSize, 2n);
      assert.equal(deal.params, JSON.stringify({ iexec_result_encryption: true, iexec_args: 'x' }));
      const chainOnly = await view('viewTask', art.marketOnly.taskId);
      assert.equal(chainOnly.status, 3n);
      assert.equal(chainOnly.resultDigest, art.marketOnly.digest);
      const callback = await view('viewTask', art.callback.taskId);
      assert.equal(callback.resultsCallback, art.callback.callbackData);
      const unknown = await view('viewTask', '0x' + '11'.repeat(32));
      assert.equal(unknown.dealid, '0x' + '00'.repeat(32));
      // PoCo's categories by default; an unknown one reverts, as PoCo's viewCategory does.
      const xs = await view('viewCategory', 0);
      assert.deepEqual([xs.name, xs.workClockTimeRef], ['XS', 300n]);
      assert.equal((await view('viewCategory', 4)).workClockTimeRef, 36000n);
      await assert.rejects(view('viewCategory', 5));
    } finally {
      provider.destroy();
    }
  });
});

describe('archives', () => {
  /** Decrypts an archive as docs/design.md 1.1 says, with openssl for RSA PKCS#1 v1.5 (Node 20 refuses it). */
  function decryptResultTxt(archivePath) {
    const work = fs.mkdtempSync(path.join(dir, 'dec-'));
    execFileSync('unzip', ['-q', archivePath, '-d', work]);
    assert.deepEqual(fs.readdirSync(work).sort(), ['aes-key.rsa', 'iexec_out.zip.aes']);
    const rsa = ['pkeyutl', '-decrypt', '-inkey', path.join(dir, 'key.pem'), '-pkeyopt', 'rsa_padding_mode:pkcs1'];
    const key = execFileSync('openssl', [...rsa, '-in', path.join(work, 'aes-key.rsa')]);
    assert.equal(key.length, 32);
    const blob = fs.readFileSync(path.join(work, 'iexec_out.zip.aes'));
    const decipher = crypto.createDecipheriv('aes-256-cbc', key, blob.subarray(0, 16));
    fs.writeFileSync(path.join(work, 'inner.zip'), Buffer.concat([decipher.update(blob.subarray(16)), decipher.final()]));
    return execFileSync('unzip', ['-p', path.join(work, 'inner.zip'), 'result.txt']);
  }

  const sha = (b) => '0x' + crypto.createHash('sha256').update(b).digest('hex');

  test('the encrypted archive decrypts to a result whose SHA-256 is the digest on chain', () => {
    assert.equal(sha(decryptResultTxt(art.archive)), art.digest);
    assert.equal(sha(decryptResultTxt(art.marketOnly.archive)), art.marketOnly.digest);
  });

  test('the tampered archive decrypts too, but its digest differs', () => {
    const digest = sha(decryptResultTxt(art.tampered));
    assert.equal(digest, art.tamperedDigest);
    assert.notEqual(digest, art.digest);
  });

  test('the plain archive holds iexec_out files at its root', () => {
    const names = execFileSync('unzip', ['-Z1', art.plain.archive]).toString().trim().split('\n').sort();
    assert.deepEqual(names, ['computed.json', 'random.bin', 'result.txt']);
    assert.equal(sha(execFileSync('unzip', ['-p', art.plain.archive, 'result.txt'])), art.plain.digest);
  });
});

test('the stand-ins exit when their stdin closes', async () => {
  const { child } = await startStandins(path.join(dir, 'scenario.json'));
  child.stdin.end();
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});
