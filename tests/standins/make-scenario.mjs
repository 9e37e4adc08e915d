// Writes a scenario (README.md has its shape) and the result archives it serves.
//
//   node tests/standins/make-scenario.mjs --out DIR --beneficiary 0xADDR --pubkey /abs/key.pub.pem [--now UNIX]
//   node tests/standins/make-scenario.mjs --out DIR --beneficiary 0xADDR --deals N [--now UNIX]
//
// Prints one JSON line {"scenario":"/abs/DIR/scenario.json"}. Addresses and ids are lowercase, as
// the subgraph holds them; task ids are keccak256(abi.encode(dealid, idx)) (docs/design.md 3.2).
//
// The functional scenario (without --deals), for the beneficiary; startTime decreasing A..D:
//   A  app "hello-world", encrypted; botSize 2.
//      task 0 COMPLETED, an encrypted archive (for --pubkey) on IPFS, resultDigest = SHA-256 of its
//      result.txt. tampered.zip: same key and layout, another result.txt (decrypts, digest differs).
//      task 1 ACTIVE, finalDeadline one day after --now.
//   B  encrypted; task 0 FAILLED; task 1 ACTIVE with its finalDeadline passed (the app says TIMEOUT).
//   C  callback deal; task 0 COMPLETED, results {"storage":"ethereum","location":<callback data>},
//      resultDigest = keccak256(callback data), resultsCallback on chain.
//   D  not encrypted; task 0 COMPLETED with a plain archive (a zip of iexec_out's files).
//   E  newest, encrypted, known to the market API only (inSubgraph false: subgraph lag); botSize 1,
//      task 0 COMPLETED on chain only (chainOnly), with its own encrypted archive.
//   another beneficiary's deal, task 0 COMPLETED.
// Archives follow docs/design.md 1.1 and 1.3, made with zip and openssl the way
// scripts/make-encrypted-result.sh does, except that the inner zip holds iexec_out's files
// at its root (no iexec_out/ prefix), as the enclave writes it. `artifacts` in scenario.json names
// the files, CIDs, ids and digests the tests need.
//
// With --deals N (benchmark): N deals for the beneficiary with botSize 1..3 and tasks of every
// status, COMPLETED ones pointing at unique CIDs that have no file, plus 5 deals of another
// beneficiary.
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { interopRequire, parseOptions, ZERO_ADDRESS, ZERO_BYTES32 } from './scenario.mjs';

const { AbiCoder, keccak256, encodeBase58, getAddress } = interopRequire('ethers');

const DAY = 86400;
const TAG_TEE = '0x0000000000000000000000000000000000000000000000000000000000000003';
const ENCRYPTED = JSON.stringify({ iexec_result_encryption: true });

const randomHex = (bytes) => '0x' + crypto.randomBytes(bytes).toString('hex');
const randomAddress = () => randomHex(20);
const sha256Hex = (data) => '0x' + crypto.createHash('sha256').update(data).digest('hex');
const hexOfText = (text) => '0x' + Buffer.from(text, 'utf8').toString('hex');

function taskId(dealId, idx) {
  return keccak256(AbiCoder.defaultAbiCoder().encode(['bytes32', 'uint256'], [dealId, idx]));
}

/** A CIDv0-looking path: base58 of a sha2-256 multihash of the seed ("Qm" + 44 characters). */
function fakeCid(seed) {
  return `/ipfs/${encodeBase58('0x1220' + crypto.createHash('sha256').update(seed).digest('hex'))}`;
}

/** `results` as the worker writes it on chain: UTF-8 JSON, here as hex bytes. */
const resultsOf = (storage, location) => hexOfText(JSON.stringify({ storage, location }));

function deal({ beneficiary, requester, appName, params, startTime, botSize = 1, callback = ZERO_ADDRESS, tag = TAG_TEE }) {
  return {
    id: randomHex(32),
    app: { id: randomAddress(), name: appName },
    beneficiary,
    requester,
    callback,
    params,
    startTime: String(startTime),
    timestamp: String(startTime),
    botFirst: '0',
    botSize: String(botSize),
    category: '0',
    tag,
    trust: '1',
    tasks: [],
  };
}

/** Adds task `idx` of the deal; `extra` holds status, results, resultDigest, deadlines, flags. */
function addTask(d, idx, extra) {
  const start = Number(d.startTime);
  d.tasks.push({
    id: taskId(d.id, idx),
    index: String(idx),
    status: 'ACTIVE',
    finalDeadline: String(start + DAY),
    timestamp: String(start + 60),
    ...extra,
  });
}

// ---------------------------------------------------------------------------------------------
// Archives

function run(cmd, args, cwd) {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Writes an app's output folder: computed.json, a text result (the digest's file), random bytes. */
function writeIexecOut(dir, resultText) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'computed.json'), JSON.stringify({ 'deterministic-output-path': '/iexec_out/result.txt' }));
  fs.writeFileSync(path.join(dir, 'result.txt'), resultText);
  fs.writeFileSync(path.join(dir, 'random.bin'), crypto.randomBytes(256 * 1024));
  return sha256Hex(resultText);
}

/** Compressible text (like the tool's repeated lines) ending with a line that tells copies apart. */
function resultText(label) {
  return 'iExec result line lorem ipsum dolor sit amet\n'.repeat(6000) + `${label}\n`;
}

/** Zips a folder's files at the archive root: Deflate, no directory entries, no extra fields. */
function zipFiles(dir, outZip) {
  fs.rmSync(outZip, { force: true });
  run('zip', ['-q', '-X', '-D', outZip, ...fs.readdirSync(dir)], dir);
}

/**
 * Encrypts a plain result zip as the enclave does (docs/design.md 1.1): AES-256-CBC under a random
 * key with the IV prepended, the key RSA-encrypted with PKCS#1 v1.5, both zipped at the root.
 */
function encryptResult(plainZip, pubkey, outZip, work) {
  const key = crypto.randomBytes(32);
  const iv = crypto.randomBytes(16);
  const enc = path.join(work, 'enc');
  fs.mkdirSync(enc, { recursive: true });
  const cipher = path.join(work, 'cipher.bin');
  run('openssl', ['enc', '-aes-256-cbc', '-K', key.toString('hex'), '-iv', iv.toString('hex'), '-in', plainZip, '-out', cipher]);
  fs.writeFileSync(path.join(enc, 'iexec_out.zip.aes'), Buffer.concat([iv, fs.readFileSync(cipher)]));
  fs.writeFileSync(path.join(work, 'aes.key'), key);
  run('openssl', ['pkeyutl', '-encrypt', '-pubin', '-inkey', pubkey, '-pkeyopt', 'rsa_padding_mode:pkcs1',
    '-in', path.join(work, 'aes.key'), '-out', path.join(enc, 'aes-key.rsa')]);
  fs.rmSync(outZip, { force: true });
  run('zip', ['-q', '-X', outZip, 'iexec_out.zip.aes', 'aes-key.rsa'], enc);
}

/** Makes one result archive in `out` and returns { archive, digest, cid }. */
function makeArchive(out, name, { label, pubkey }) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-scenario-'));
  try {
    const digest = writeIexecOut(path.join(work, 'iexec_out'), resultText(label));
    const archive = path.join(out, name);
    if (pubkey) {
      const plainZip = path.join(work, 'iexec_out.zip');
      zipFiles(path.join(work, 'iexec_out'), plainZip);
      encryptResult(plainZip, pubkey, archive, work);
    } else {
      zipFiles(path.join(work, 'iexec_out'), archive);
    }
    return { archive, digest, cid: fakeCid(fs.readFileSync(archive)) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios

function functionalScenario({ out, beneficiary, pubkey, now }) {
  const requester = randomAddress();
  const other = randomAddress();
  const files = {};
  const serve = (a) => {
    files[a.cid] = a.archive;
    return a;
  };
  const encryptedA = serve(makeArchive(out, 'result-a.zip', { label: 'deal A task 0', pubkey }));
  const tampered = makeArchive(out, 'tampered.zip', { label: 'deal A task 0, altered', pubkey });
  const plainD = serve(makeArchive(out, 'result-d.zip', { label: 'deal D task 0' }));
  const encryptedE = serve(makeArchive(out, 'result-e.zip', { label: 'deal E task 0', pubkey }));
  const completed = (a) => ({ status: 'COMPLETED', results: resultsOf('ipfs', a.cid), resultDigest: a.digest });

  const A = deal({ beneficiary, requester, appName: 'hello-world', botSize: 2, startTime: now - 3600,
    params: JSON.stringify({ iexec_result_encryption: true, iexec_args: 'x' }) });
  addTask(A, 0, completed(encryptedA));
  addTask(A, 1, { status: 'ACTIVE', finalDeadline: String(now + DAY) });

  const B = deal({ beneficiary, requester, appName: 'tee-python', botSize: 2, startTime: now - 2 * 3600, params: ENCRYPTED });
  addTask(B, 0, { status: 'FAILLED', finalDeadline: String(now - 600) });
  addTask(B, 1, { status: 'ACTIVE', finalDeadline: String(now - 600) });

  const callbackData = AbiCoder.defaultAbiCoder().encode(['uint256', 'string'], [now, 'hello from the callback']);
  const C = deal({ beneficiary, requester, appName: 'oracle', startTime: now - 3 * 3600, callback: randomAddress(),
    params: JSON.stringify({ iexec_args: 'z' }), tag: ZERO_BYTES32 });
  addTask(C, 0, { status: 'COMPLETED', results: resultsOf('ethereum', callbackData), resultDigest: keccak256(callbackData),
    resultsCallback: callbackData });

  const D = deal({ beneficiary, requester, appName: 'plain-app', startTime: now - 4 * 3600,
    params: JSON.stringify({ iexec_args: 'y' }), tag: ZERO_BYTES32 });
  addTask(D, 0, completed(plainD));

  const E = deal({ beneficiary, requester, appName: 'hello-world', startTime: now - 60, params: ENCRYPTED });
  E.inSubgraph = false;
  addTask(E, 0, { ...completed(encryptedE), chainOnly: true });

  const F = deal({ beneficiary: other, requester: other, appName: 'other-app', startTime: now - 1800, params: ENCRYPTED });
  addTask(F, 0, { status: 'COMPLETED', results: resultsOf('ipfs', fakeCid('other')), resultDigest: randomHex(32) });

  const artifact = (a, d) => ({ archive: a.archive, cid: a.cid, taskId: d.tasks[0].id, dealId: d.id, digest: a.digest });
  return {
    chainId: 1337,
    deals: [E, A, F, B, C, D],
    files,
    artifacts: {
      ...artifact(encryptedA, A),
      tampered: tampered.archive,
      tamperedDigest: tampered.digest,
      plain: artifact(plainD, D),
      marketOnly: artifact(encryptedE, E),
      callback: { taskId: C.tasks[0].id, dealId: C.id, digest: keccak256(callbackData), callbackData },
      deals: { A: A.id, B: B.id, C: C.id, D: D.id, E: E.id, other: F.id },
      otherBeneficiary: other,
    },
  };
}

/** A benchmark task: statuses cycle so that every kind (and TIMEOUT) appears in any long run. */
function benchTask(d, idx, n, now) {
  const kind = n % 6;
  if (kind <= 1) {
    const cid = fakeCid(`${d.id}-${idx}`);
    return addTask(d, idx, { status: 'COMPLETED', results: resultsOf('ipfs', cid), resultDigest: randomHex(32) });
  }
  const status = ['ACTIVE', 'ACTIVE', 'REVEALING', 'FAILLED'][kind - 2];
  // An ACTIVE task past its deadline (kind 3) reads as TIMEOUT; a failed task is past its deadline too.
  const finalDeadline = kind === 3 || kind === 5 ? now - 600 : now + DAY;
  addTask(d, idx, { status, finalDeadline: String(finalDeadline) });
}

function benchmarkScenario({ beneficiary, deals: count, now }) {
  const requester = randomAddress();
  const other = randomAddress();
  const deals = [];
  let n = 0;
  for (let i = 0; i < count + 5; i++) {
    const mine = i < count;
    const d = deal({ beneficiary: mine ? beneficiary : other, requester, appName: `app-${i % 7}`,
      botSize: 1 + (i % 3), startTime: now - 60 * (i + 1), params: i % 2 ? ENCRYPTED : JSON.stringify({ iexec_args: `${i}` }) });
    for (let idx = 0; idx < Number(d.botSize); idx++) benchTask(d, idx, n++, now);
    deals.push(d);
  }
  return { chainId: 1337, deals, files: {} };
}

function main() {
  const opts = parseOptions(process.argv.slice(2), { out: undefined, beneficiary: undefined, pubkey: null, deals: null, now: null });
  const out = path.resolve(opts.out);
  fs.mkdirSync(out, { recursive: true });
  const beneficiary = getAddress(opts.beneficiary).toLowerCase();
  const now = opts.now ? Number(opts.now) : Math.floor(Date.now() / 1000);
  let scenario;
  if (opts.deals) {
    scenario = benchmarkScenario({ beneficiary, deals: Number(opts.deals), now });
  } else {
    if (!opts.pubkey) throw new Error('--pubkey is required for the functional scenario');
    scenario = functionalScenario({ out, beneficiary, pubkey: path.resolve(opts.pubkey), now });
  }
  const file = path.join(out, 'scenario.json');
  fs.writeFileSync(file, JSON.stringify(scenario, null, 2) + '\n');
  process.stdout.write(JSON.stringify({ scenario: file }) + '\n');
}

main();
