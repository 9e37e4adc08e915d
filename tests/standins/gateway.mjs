// A stand-in IPFS gateway: serves the scenario's files under /ipfs/<cid>[/...] with the headers a
// gateway sends for an immutable object (strong ETag "<cid>", Last-Modified, Accept-Ranges),
// single byte ranges (RFC 9110 14), If-Range, and a body that can be throttled or cut short.
// Files are streamed from disk in chunks: archives may be larger than memory is comfortable with.
import fs from 'node:fs';

const CHUNK = 256 * 1024;

/** The file for a request path: an exact entry of the map, else the one of its /ipfs/<cid> root. */
function lookup(files, pathname) {
  const root = pathname.match(/^\/ipfs\/[^/]+/)?.[0];
  const file = root && (files[pathname] ?? files[root]);
  return file ? { file, cid: root.slice('/ipfs/'.length) } : null;
}

/**
 * Parses a Range header against a size: null to serve the whole body (no header, a header we
 * may ignore such as several ranges, or a malformed one), 'unsatisfiable', or { start, end }.
 */
export function parseRange(header, size) {
  const m = header?.match(/^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? Infinity : Number(m[2]);
  if (last < start) return null; // invalid, hence ignored
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(last, size - 1) };
}

/** If-Range holds when it names this very version: the strong ETag, or exactly Last-Modified. */
function ifRangeHolds(value, etag, lastModified) {
  if (value === undefined) return true;
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  const date = Date.parse(value);
  return !Number.isNaN(date) && date === Date.parse(lastModified);
}

function text(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends bytes [start, end] of the file, at most `rate` bytes/s when rate > 0. With `cutAfter`
 * set, sends that many bytes then destroys the socket, as a connection that breaks mid-transfer.
 */
async function sendBody(res, file, { start, end, rate, cutAfter, onBytes }) {
  const stop = cutAfter === null ? end + 1 : Math.min(end + 1, start + cutAfter);
  // Under a rate, small chunks keep the flow smooth (about 20 writes a second).
  const chunkSize = rate > 0 ? Math.max(1, Math.min(CHUNK, Math.floor(rate / 20))) : CHUNK;
  const began = Date.now();
  const fh = await fs.promises.open(file, 'r');
  try {
    if (cutAfter !== null) res.flushHeaders();
    let pos = start;
    while (pos < stop) {
      const buf = Buffer.allocUnsafe(Math.min(chunkSize, stop - pos));
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) throw new Error(`${file} shrank while being served`);
      await write(res, buf.subarray(0, bytesRead));
      pos += bytesRead;
      onBytes(bytesRead);
      if (rate > 0) await sleep(began + ((pos - start) / rate) * 1000 - Date.now());
    }
    if (cutAfter !== null) {
      // Let the headers and the bytes written so far leave before the connection breaks.
      await new Promise((resolve) => res.socket.write('', resolve));
      res.socket.destroy();
    } else {
      res.end();
    }
  } catch (e) {
    // The client went away (a cancelled download): nothing left to answer.
    if (e.message !== 'connection closed') console.error(`gateway: ${e.message}`);
    res.destroy();
  } finally {
    await fh.close();
  }
}

/**
 * Answers a gateway request. `takeCut()` returns the byte count after which to cut this response
 * (null: no cut); it is called only for responses with a body. `rate` in bytes/s, 0 unthrottled.
 */
export async function serveFile(req, res, { files, takeCut, rate, onBytes }) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
  const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const found = lookup(files, pathname);
  const stat = found && (await fs.promises.stat(found.file).catch(() => null));
  if (!stat?.isFile()) return text(res, 404, `not found: ${pathname}\n`);

  const size = stat.size;
  const etag = `"${found.cid}"`;
  const lastModified = stat.mtime.toUTCString();
  const headers = {
    'Content-Type': 'application/zip',
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': lastModified,
    'Cache-Control': 'public, max-age=29030400, immutable',
    'X-Ipfs-Path': pathname,
  };
  const range = ifRangeHolds(req.headers['if-range'], etag, lastModified) ? parseRange(req.headers.range, size) : null;
  if (range === 'unsatisfiable') {
    return text(res, 416, 'Range Not Satisfiable\n', { 'Content-Range': `bytes */${size}`, 'Accept-Ranges': 'bytes' });
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  headers['Content-Length'] = end - start + 1;
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || size === 0) return res.end();
  await sendBody(res, found.file, { start, end, rate, cutAfter: takeCut(), onBytes });
}
