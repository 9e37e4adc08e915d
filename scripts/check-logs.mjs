// Greps the app's logs of a whole end-to-end run for key material: fails when any log holds a
// PEM block, a long base64 run (a PEM body line), a 24-word phrase, a `privateKey` field, or any
// line of the private keys and secrets the tests used (the SDK fixtures' keys and every secret a
// test recorded in tests/e2e/artifacts/secrets.txt).
//
//   node scripts/check-logs.mjs LOG_DIR
// Fails too when LOG_DIR holds no log at all (the check must not pass on nothing).
import fs from 'node:fs';
import path from 'node:path';

const [dir] = process.argv.slice(2);
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const files = [];
const walk = (d) => {
  if (!fs.existsSync(d)) return;
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else files.push(p);
  }
};
walk(dir);
if (files.length === 0) {
  console.error(`check-logs: no log file under ${dir}`);
  process.exit(1);
}

const secrets = new Set();
const fixtures = process.env.RESULT_VAULT_FIXTURES ?? path.join(repo, 'tests/fixtures/iexec-sdk');
// The SDK fixtures' private keys (tests/fixtures/iexec-sdk/*_key) are in the repository: without
// them the check would miss the keys every end-to-end test uses, so their absence is an error.
const fixtureKeys = fs.existsSync(fixtures) ? fs.readdirSync(fixtures).filter((f) => f.endsWith('_key')) : [];
if (fixtureKeys.length === 0) {
  console.error(`check-logs: no private key fixture (*_key) under ${fixtures}`);
  process.exit(1);
}
for (const f of fixtureKeys) {
  for (const line of fs.readFileSync(path.join(fixtures, f), 'utf8').split('\n')) {
    if (line.length >= 40 && !line.startsWith('-----')) secrets.add(line.trim());
  }
}
const recorded = path.join(repo, 'tests/e2e/artifacts/secrets.txt');
if (fs.existsSync(recorded)) {
  for (const s of fs.readFileSync(recorded, 'utf8').split('\n')) if (s.trim().length >= 16) secrets.add(s.trim());
}

const patterns = [
  [/-----BEGIN [A-Z ]*-----/, 'a PEM block'],
  [/PRIVATE KEY/, 'a private key marker'],
  // A long base64 run, but not a hex string (key fingerprints and task ids are public and logged).
  [{ test: (l) => (l.match(/[A-Za-z0-9+/]{60,}={0,2}/g) ?? []).some((m) => !/^(0x)?[0-9a-fA-F]+$/.test(m)) }, 'a long base64 run'],
  [/\b(?:[a-z]{3,8} ){23}[a-z]{3,8}\b/, 'a 24-word phrase'],
  [/privateKey/i, 'a privateKey field'],
];
let bad = 0;
let bytes = 0;
for (const f of files) {
  const text = fs.readFileSync(f, 'utf8');
  bytes += text.length;
  text.split('\n').forEach((line, i) => {
    for (const [re, what] of patterns) {
      if (re.test(line)) {
        console.error(`${f}:${i + 1}: ${what}`);
        bad++;
      }
    }
    for (const s of secrets) {
      if (line.includes(s)) {
        console.error(`${f}:${i + 1}: a secret used by the tests`);
        bad++;
      }
    }
  });
}
console.log(`check-logs: ${files.length} log files, ${bytes} bytes, ${secrets.size} known secrets: ${bad ? bad + ' findings' : 'clean'}`);
process.exit(bad ? 1 : 0);
