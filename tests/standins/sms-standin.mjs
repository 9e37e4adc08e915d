// A stand-in for iExec's Secret Management Service (docs/design.md 2), for the web2 secret that holds
// a beneficiary's result encryption key. It behaves like the real one:
//   HEAD /secrets/web2?ownerAddress=&secretName=   2xx when set, 404 when not
//   POST (create) 409 when set; PUT (update) 404 when not set; 413 over 4,096 bytes; 401 when the
//   Authorization header is not the owner's EIP-191 signature of the challenge
//   keccak256(keccak256("IEXEC_SMS_DOMAIN") ‖ owner ‖ keccak256(name) ‖ keccak256(value)).
// The signature is checked for real, by recovering the signer with ethers (an implementation
// independent of the app's).
//
//   node tests/standins/sms-standin.mjs
// prints one line {"sms":"http://127.0.0.1:P","control":"http://127.0.0.1:Q"}; stops on SIGTERM or
// when its stdin (a pipe) closes. Control: GET /state → {secrets: {owner: value}, log: [...]},
// POST /mode {"mode": "ok" | "down" | "error", "status": 503, "delayMs": 0, "delayMethods": [...]},
// POST /reset, POST /secrets {owner: value} (a key set by another tool, e.g. DataProtector).
// `delayMs` (default 0) makes the SMS answer that many milliseconds late, as a slow or far service
// does: each request is logged at once (its entry has `delayedMs`, and `status` 0 until it is
// answered), then handled (checked, stored, answered; or, in "down" mode, cut) after the delay.
// `delayMethods` (e.g. ["POST", "PUT"]) limits the delay to those methods; absent: every method.
// POST /mode replaces the whole mode (a "delayMs" left out is 0); POST /reset clears the delay.
// Mode "huge" ({"mode": "huge", "status": 201, "bytes": N}) answers every request with `status` and
// a text body of N bytes (default 1 MiB), streamed without Content-Length for as long as the
// client reads: an SMS that sends too much.
import { once } from 'node:events';
import http from 'node:http';
import { interopRequire } from './scenario.mjs';

const { concat, getAddress, getBytes, keccak256, toUtf8Bytes, verifyMessage } = interopRequire('ethers');

const MAX_VALUE = 4096;
const DOMAIN = keccak256(toUtf8Bytes('IEXEC_SMS_DOMAIN'));
const secrets = new Map(); // `${owner lowercase}/${name}` -> value
const log = [];
let mode = { mode: 'ok', status: 503 };

function challenge(owner, name, value) {
  return keccak256(concat([DOMAIN, owner, keccak256(toUtf8Bytes(name)), keccak256(toUtf8Bytes(value))]));
}

function signedBy(auth, owner, name, value) {
  try {
    const signer = verifyMessage(getBytes(challenge(owner, name, value)), auth);
    return getAddress(signer) === getAddress(owner);
  } catch {
    return false;
  }
}

function send(res, status, text = '') {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}

/** The delay (ms) before `method` is handled, from the current mode. */
function delayFor(method) {
  const ms = Number(mode.delayMs) || 0;
  if (ms <= 0) return 0;
  if (Array.isArray(mode.delayMethods) && !mode.delayMethods.map((m) => String(m).toUpperCase()).includes(method)) return 0;
  return ms;
}

function receive(req, res, body) {
  const url = new URL(req.url, 'http://x');
  const entry = { method: req.method, path: url.pathname, owner: url.searchParams.get('ownerAddress'), status: 0 };
  log.push(entry);
  const wait = delayFor(req.method);
  if (wait <= 0) return handle(req, res, body, url, entry);
  entry.delayedMs = wait;
  setTimeout(() => handle(req, res, body, url, entry), wait);
}

function handle(req, res, body, url, entry) {
  const reply = (status, text) => {
    entry.status = status;
    send(res, status, req.method === 'HEAD' ? '' : text);
  };
  if (mode.mode === 'down') return req.socket.destroy();
  if (mode.mode === 'huge') {
    entry.status = mode.status;
    return sendHuge(res, mode.status, req.method === 'HEAD' ? 0 : Number(mode.bytes ?? 1 << 20));
  }
  if (mode.mode === 'error') return reply(mode.status ?? 503, 'unavailable');
  if (url.pathname !== '/secrets/web2') return reply(404, 'not found');
  const owner = url.searchParams.get('ownerAddress') ?? '';
  const name = url.searchParams.get('secretName') ?? '';
  let ownerOk = true;
  try {
    getAddress(owner);
  } catch {
    ownerOk = false;
  }
  if (!ownerOk || !name) return reply(400, 'ownerAddress and secretName are required');
  const id = `${owner.toLowerCase()}/${name}`;
  if (req.method === 'HEAD' || req.method === 'GET') return reply(secrets.has(id) ? 204 : 404, '');
  if (req.method !== 'POST' && req.method !== 'PUT') return reply(405, 'method not allowed');
  const value = body.toString('utf8');
  if (body.length > MAX_VALUE) return reply(413, 'secret value too large');
  if (!signedBy(req.headers.authorization ?? '', owner, name, value)) return reply(401, 'invalid signature');
  if (req.method === 'POST' && secrets.has(id)) return reply(409, 'secret already exists');
  if (req.method === 'PUT' && !secrets.has(id)) return reply(404, 'secret not found');
  secrets.set(id, value);
  entry.value = value;
  return reply(req.method === 'POST' ? 201 : 204, '');
}

/** `bytes` of text after the status line, chunked; stops when the client goes away. */
async function sendHuge(res, status, bytes) {
  res.writeHead(status, { 'content-type': 'text/plain' });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let closed = false;
  res.once('close', () => {
    closed = true;
  });
  for (let left = bytes; left > 0 && !closed; left -= chunk.length) {
    if (!res.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) {
      await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
  }
  res.end();
}

function collect(req, limit, done) {
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size <= limit + 1) chunks.push(c);
  });
  req.on('end', () => done(Buffer.concat(chunks)));
}

const sms = http.createServer((req, res) => collect(req, MAX_VALUE, (body) => receive(req, res, body)));

const control = http.createServer((req, res) => {
  collect(req, 1 << 20, (body) => {
    const json = (v) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    const input = body.length ? JSON.parse(body.toString('utf8')) : {};
    if (req.method === 'GET' && req.url === '/state') {
      const out = {};
      for (const [k, v] of secrets) out[k.split('/')[0]] = v;
      return json({ secrets: out, log });
    }
    if (req.method === 'POST' && req.url === '/mode') {
      mode = { status: 503, ...input };
      return json(mode);
    }
    if (req.method === 'POST' && req.url === '/reset') {
      secrets.clear();
      log.length = 0;
      mode = { mode: 'ok', status: 503 };
      return json({});
    }
    if (req.method === 'POST' && req.url === '/secrets') {
      for (const [owner, value] of Object.entries(input)) secrets.set(`${owner.toLowerCase()}/iexec-result-encryption-public-key`, value);
      return json({});
    }
    res.writeHead(404);
    res.end();
  });
});

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const [p1, p2] = await Promise.all([listen(sms), listen(control)]);
process.stdout.write(JSON.stringify({ sms: `http://127.0.0.1:${p1}`, control: `http://127.0.0.1:${p2}` }) + '\n');
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (!process.stdin.isTTY) {
  const fs = await import('node:fs');
  const st = fs.fstatSync(0);
  if (st.isFIFO()) {
    process.stdin.on('end', stop);
    process.stdin.resume();
  }
}
