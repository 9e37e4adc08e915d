// Stand-ins for the remote services the app reads (docs/design.md 3.3, 3.4): iExec's PoCo subgraph,
// the market API and two IPFS gateways, plus a control port through which tests inject failures,
// and a minimal JSON-RPC node (eth_chainId only) for the RPC client's failure tests (the chain
// itself is ganache, seeded by seed-chain.mjs).
//
//   node tests/standins/standins.mjs --scenario /abs/scenario.json
//
// Prints one JSON line {subgraph, market, gateways: [g0, g1], rpc, control} once every server listens
// on 127.0.0.1, then serves until SIGTERM/SIGINT, or until its stdin closes when stdin is a pipe
// (so that a parent that dies leaves nothing behind). Logs go to stderr. README.md has the details.
import fs from 'node:fs';
import http from 'node:http';
import { loadScenario, normalizeScenario, parseOptions, interopRequire } from './scenario.mjs';
import { createSubgraph } from './subgraph.mjs';
import { createMarket } from './market.mjs';
import { serveFile } from './gateway.mjs';

const state = {
  scenario: null,
  subgraph: null,
  market: null,
  faults: {},
  log: [],
};
const SERVICES = ['gateway0', 'gateway1', 'subgraph', 'market', 'rpc'];
const MODES = ['ok', 'error', 'down', 'cut', 'redirect', 'huge'];

function setScenario(scenario) {
  state.scenario = scenario;
  state.subgraph = createSubgraph(scenario, interopRequire('graphql'));
  state.market = createMarket(scenario, interopRequire('ethers'));
}

function resetFaults() {
  for (const s of SERVICES) state.faults[s] = { mode: 'ok', remaining: 0, status: 503, cutAfter: 0, rate: 0 };
}

/**
 * A fault set through the control port. `remaining` counts the requests it still applies to;
 * 'error', 'down', 'redirect' and 'huge' default to every request until reset, 'cut' to one.
 */
function setFault(service, body) {
  const mode = body.mode ?? 'ok';
  const gateway = service.startsWith('gateway');
  if (!MODES.includes(mode)) throw new HttpError(400, `unknown mode ${mode}`);
  if (mode === 'cut' && !gateway) throw new HttpError(400, 'cut is for gateways');
  if (mode === 'redirect' && !gateway) throw new HttpError(400, 'redirect is for gateways');
  if (mode === 'redirect' && typeof body.location !== 'string') throw new HttpError(400, 'redirect needs a location');
  if (mode === 'huge' && gateway) throw new HttpError(400, 'huge is for the subgraph, the market API and the RPC');
  const count = body.failCount ?? (mode === 'cut' ? 1 : Infinity);
  state.faults[service] = {
    mode,
    remaining: mode === 'ok' ? 0 : count,
    status: body.status ?? (mode === 'redirect' ? 302 : gateway ? 503 : 502),
    cutAfter: body.cutAfter ?? 0,
    rate: body.rate ?? 0,
    location: body.location,
    bytes: body.bytes ?? 64 << 20,
    json: body.json ?? {},
    announce: body.announce === true,
  };
}

/** Returns the fault mode if it applies to this request (and counts it), else 'ok'. */
function takeFault(service, modes) {
  const f = state.faults[service];
  if (f.remaining <= 0 || !modes.includes(f.mode)) return 'ok';
  f.remaining -= 1;
  return f.mode;
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendText(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Resolves when `chunk` is handed to the kernel; rejects if the connection closes first. */
function write(res, chunk) {
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new Error('connection closed'));
    res.once('close', onClose);
    res.write(chunk, (err) => {
      res.off('close', onClose);
      if (err) reject(err);
      else resolve();
    });
  });
}

/**
 * The 'huge' fault: HTTP 200 with a JSON object that parses (the fault's `json`, default {}, with
 * a "pad" member of `bytes` characters), streamed in chunks for as long as the client reads.
 * Without Content-Length (chunked) unless `announce`: a client must count what it reads.
 */
async function sendHuge(res, fault, entry) {
  const head = JSON.stringify(fault.json);
  const open = Buffer.from(`${head.slice(0, -1)}${head === '{}' ? '' : ','}"pad":"`);
  const close = Buffer.from('"}');
  const headers = { 'Content-Type': 'application/json; charset=utf-8' };
  if (fault.announce) headers['Content-Length'] = open.length + fault.bytes + close.length;
  res.writeHead(200, headers);
  const chunk = Buffer.alloc(256 * 1024, 'x');
  try {
    await write(res, open);
    for (let left = fault.bytes; left > 0; left -= chunk.length) {
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
      await write(res, part);
      entry.bytesSent += part.length;
    }
    await write(res, close);
    res.end();
  } catch {
    // The client stopped reading (as it should, past its limit).
    res.destroy();
  }
}

/** Logs the request, then applies the service's 'down', 'error', 'redirect' and 'huge' faults; true if one answered. */
function logAndFault(service, req, res) {
  const entry = {
    service,
    method: req.method,
    path: req.url,
    range: req.headers.range ?? null,
    ifRange: req.headers['if-range'] ?? null,
    status: null,
    bytesSent: 0,
  };
  state.log.push(entry);
  const origWriteHead = res.writeHead;
  res.writeHead = function writeHead(status, ...rest) {
    entry.status = status;
    return origWriteHead.call(this, status, ...rest);
  };
  const fault = takeFault(service, ['down', 'error', 'redirect', 'huge']);
  if (fault === 'down') {
    // A TCP reset, as from a gateway that dropped the connection; status stays null in the log.
    req.socket.resetAndDestroy();
    return { entry, answered: true };
  }
  if (fault === 'error') {
    const status = state.faults[service].status;
    sendText(res, status, `stand-in ${service}: injected error ${status}\n`);
    return { entry, answered: true };
  }
  if (fault === 'redirect') {
    const { status, location } = state.faults[service];
    res.writeHead(status, { Location: location, 'Content-Length': 0 });
    res.end();
    return { entry, answered: true };
  }
  if (fault === 'huge') {
    sendHuge(res, state.faults[service], entry);
    return { entry, answered: true };
  }
  return { entry, answered: false };
}

function guarded(handler) {
  return (req, res) => {
    handler(req, res).catch((e) => {
      if (!(e instanceof HttpError)) console.error(e);
      if (res.headersSent) res.destroy();
      else sendJson(res, e.status ?? 500, { error: e.message });
    });
  };
}

async function handleSubgraph(req, res) {
  if (logAndFault('subgraph', req, res).answered) return;
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/subgraphs/name/poco') return sendText(res, 404, 'Not found\n');
  // The Graph answers GraphQL over POST only.
  if (req.method !== 'POST') return sendText(res, 400, 'GraphQL queries must be sent with POST\n');
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return sendText(res, 400, 'Invalid JSON body\n');
  }
  if (typeof body?.query !== 'string') return sendText(res, 400, 'The "query" field is required\n');
  // Like The Graph, query errors (validation, bad arguments) are HTTP 200 with `errors`.
  sendJson(res, 200, await state.subgraph.execute(body));
}

async function handleMarket(req, res) {
  if (logAndFault('market', req, res).answered) return;
  const url = new URL(req.url, 'http://x');
  if (req.method !== 'GET' || url.pathname !== '/deals') return sendJson(res, 404, { ok: false, error: 'Not Found' });
  const { status, body } = state.market.deals(url.searchParams);
  sendJson(res, status, body);
}

/** A minimal JSON-RPC node: `eth_chainId` (the scenario's), anything else "method not found"; batches too. */
async function handleRpc(req, res) {
  if (logAndFault('rpc', req, res).answered) return;
  if (req.method !== 'POST') return sendText(res, 405, 'JSON-RPC is POST only\n');
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return sendJson(res, 200, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
  }
  const answer = (call) =>
    call?.method === 'eth_chainId'
      ? { jsonrpc: '2.0', id: call.id ?? null, result: '0x' + state.scenario.chainId.toString(16) }
      : { jsonrpc: '2.0', id: call?.id ?? null, error: { code: -32601, message: 'Method not found' } };
  sendJson(res, 200, Array.isArray(body) ? body.map(answer) : answer(body));
}

function handleGateway(index) {
  const service = `gateway${index}`;
  return async (req, res) => {
    const { entry, answered } = logAndFault(service, req, res);
    if (answered) return;
    const f = state.faults[service];
    await serveFile(req, res, {
      files: state.scenario.files,
      // A cut is counted only on responses that carry a body, so a HEAD before the GET does not use it.
      takeCut: () => (takeFault(service, ['cut']) === 'cut' ? f.cutAfter : null),
      rate: f.rate,
      onBytes: (n) => {
        entry.bytesSent += n;
      },
    });
  };
}

async function handleControl(req, res) {
  const url = new URL(req.url, 'http://x');
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /log') return sendJson(res, 200, state.log);
  if (req.method !== 'POST') throw new HttpError(404, `no route ${route}`);
  let body;
  try {
    const text = await readBody(req);
    body = text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new HttpError(400, 'invalid JSON body');
  }
  const gateway = url.pathname.match(/^\/gateway\/([01])$/);
  if (gateway) setFault(`gateway${gateway[1]}`, body);
  else if (['/subgraph', '/market', '/rpc'].includes(url.pathname)) setFault(url.pathname.slice(1), body);
  else if (url.pathname === '/files') Object.assign(state.scenario.files, body);
  else if (url.pathname === '/scenario') setScenario(normalizeScenario(body));
  else if (url.pathname === '/reset') {
    state.log.length = 0;
    resetFaults();
  } else throw new HttpError(404, `no route ${route}`);
  sendJson(res, 200, { ok: true });
}

function listen(handler) {
  const server = http.createServer(guarded(handler));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

/** Exits when the parent goes away: on signals, and on EOF of stdin when stdin is a pipe. */
function exitWithParent() {
  const stop = (why) => {
    console.error(`stand-ins: stopping (${why})`);
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A /dev/null or terminal stdin says nothing about the parent, and /dev/null would end at once.
  const stdin = fs.fstatSync(0);
  if (stdin.isFIFO() || stdin.isSocket()) {
    process.stdin.on('end', () => stop('stdin closed'));
    process.stdin.on('error', () => stop('stdin error'));
    process.stdin.resume();
  }
}

async function main() {
  const opts = parseOptions(process.argv.slice(2), { scenario: undefined });
  setScenario(loadScenario(opts.scenario));
  resetFaults();
  exitWithParent();
  const [subgraph, market, g0, g1, rpc, control] = await Promise.all([
    listen(handleSubgraph),
    listen(handleMarket),
    listen(handleGateway(0)),
    listen(handleGateway(1)),
    listen(handleRpc),
    listen(handleControl),
  ]);
  const urls = { subgraph: `${subgraph}/subgraphs/name/poco`, market, gateways: [g0, g1], rpc, control };
  process.stdout.write(JSON.stringify(urls) + '\n');
  console.error(`stand-ins: listening ${JSON.stringify(urls)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
