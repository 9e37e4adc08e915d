// The Windows CLI lane: result-vault.exe (x86_64-pc-windows-gnu) run under Wine, as a script on
// Windows would run it, asserting exit codes and `--json` output. Run by scripts/platforms.sh,
// which builds the .exe and the test-only bcryptprimitives.dll shim, makes a temporary
// WINEPREFIX and keeps one wineserver for the whole run:
//
//   RV_EXE=/path/result-vault.exe WINEPREFIX=... node --test tests/windows/
//
// Env: RV_EXE (required: the .exe, with bcryptprimitives.dll beside it), WINE (default
// /usr/lib/wine/wine64), RV_LINUX (optional: the Linux build of the same CLI, to compare the
// digest of a folder with), RV_KEYCHAIN_LANE=0 to skip the Credential Manager probe.
//
// Paths given to the .exe are Windows paths on Wine's Z: drive (Z:\tmp\...), so drive letters
// are exercised; one test uses a `\\?\` verbatim path and a path longer than MAX_PATH.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FIX = path.join(ROOT, "tests/fixtures/iexec-sdk");
const CMD = path.join(ROOT, "crates/cli/tests/cmd");
const EXE = process.env.RV_EXE;
const WINE = process.env.WINE || "/usr/lib/wine/wine64";
const ADDRESS = "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB";
const FIXTURE_FP = "c13f84c19a2cd3a4de626373912e081d39c82e1d0e8bd276aadec41392036ce0";

assert.ok(EXE && fs.existsSync(EXE), "RV_EXE must name result-vault.exe (scripts/platforms.sh sets it)");
assert.ok(process.env.WINEPREFIX, "WINEPREFIX must be set (scripts/platforms.sh makes a temporary one)");

/** A Unix path as Windows sees it under Wine: Z: is the Unix root. */
const win = (p) => "Z:" + path.resolve(p).replaceAll("/", "\\");

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "rv-windows-"));
process.on("exit", () => fs.rmSync(TMP, { recursive: true, force: true }));
let n = 0;
/** A fresh folder under the lane's temporary folder. */
const fresh = (name) => {
  const d = path.join(TMP, `${++n}-${name}`);
  fs.mkdirSync(d, { recursive: true });
  return d;
};

/** Runs result-vault.exe under Wine; resolves {code, stdout, stderr}. */
function run(args, { cwd = TMP, stdin = "", env = {}, timeoutMs = 180_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(WINE, [EXE, ...args], {
      cwd,
      env: { ...process.env, WINEDEBUG: "-all", RESULT_VAULT_LANG: "en", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: signal ? `killed by ${signal}` : code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    child.stdin.end(stdin);
  });
}

/** The one JSON object a `--json` command prints on stdout. */
function json(o) {
  const lines = o.stdout.split("\n").filter((l) => l.trim() !== "");
  assert.equal(lines.length, 1, `exactly one JSON line on stdout, got: ${o.stdout}\nstderr: ${o.stderr}`);
  return JSON.parse(lines[0]);
}

/** Runs a `--json` command that must succeed; its JSON. */
async function ok(args, opts) {
  const o = await run([...args, "--json"], opts);
  assert.equal(o.code, 0, `${args.join(" ")}: exit ${o.code}\n${o.stdout}${o.stderr}`);
  return json(o);
}

/** Runs a `--json` command that must fail with exit 1; its error object. */
async function fails(args, opts) {
  const o = await run([...args, "--json"], opts);
  assert.equal(o.code, 1, `${args.join(" ")}: exit ${o.code}, want 1\n${o.stdout}${o.stderr}`);
  const e = json(o).error;
  assert.deepEqual(Object.keys(e).sort(), ["hint", "kind", "message"]);
  assert.ok(e.message && e.hint, "a message and a hint");
  return e;
}

// ---- archives, made here with Node's zlib and crypto (nothing from the Rust code) ----

const CRC_TABLE = Array.from({ length: 256 }, (_, i) => {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip of [name, content] (Deflate), names as given (UTF-8 flag set). */
function zip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const data = Buffer.from(content);
    const packed = zlib.deflateRawSync(data);
    const nameBuf = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x0800, 6);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(packed.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(nameBuf.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x0800, 8);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(packed.length, 20);
    ch.writeUInt32LE(data.length, 24);
    ch.writeUInt16LE(nameBuf.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, nameBuf, packed);
    central.push(ch, nameBuf);
    offset += 30 + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** An encrypted result (docs/design.md 1.1) of `inner` for the fixture key expected_key. */
function encrypted(inner) {
  const key = crypto.randomBytes(32);
  const iv = crypto.randomBytes(16);
  const c = crypto.createCipheriv("aes-256-cbc", key, iv);
  const ct = Buffer.concat([iv, c.update(inner), c.final()]);
  const pub = fs.readFileSync(path.join(FIX, "expected_key.pub"));
  const wrapped = crypto.publicEncrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_PADDING }, key);
  return zip([
    ["iexec_out.zip.aes", ct],
    ["aes-key.rsa", wrapped],
  ]);
}

const COMPUTED = '{"deterministic-output-path": "/iexec_out/result.txt"}\n';

/** Everything left in `dir` (recursively), for "nothing was written" checks. */
function listing(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).sort();
}

// ---- 1. the reference client's fixtures ----

test("fixtures: current format, to a zip and to a folder, with the right files", async () => {
  const d = fresh("current");
  const v = await ok([
    "decrypt",
    win(path.join(FIX, "encryptedResults.zip")),
    "--key",
    win(path.join(FIX, "expected_key")),
    "--output",
    win(path.join(d, "results.zip")),
  ]);
  assert.equal(v.status, "decrypted");
  assert.equal(v.format, "aes-256-cbc");
  assert.equal(v.key_fingerprint, FIXTURE_FP);
  assert.equal(v.output, win(path.join(d, "results.zip")));
  assert.deepEqual(
    v.files.map((f) => f.path),
    ["computed.json", "result.txt"],
  );
  // The same bytes as the reference (unzip of the decrypted zip, on Linux).
  const ref = execFileSync("unzip", ["-p", path.join(d, "results.zip"), "result.txt"]);
  const x = await ok([
    "decrypt",
    win(path.join(FIX, "encryptedResults.zip")),
    "--key",
    win(path.join(FIX, "expected_key")),
    "--extract",
    win(path.join(d, "out")),
  ]);
  assert.equal(x.output, win(path.join(d, "out")));
  assert.deepEqual(fs.readFileSync(path.join(d, "out/result.txt")), ref);
  assert.equal(fs.readFileSync(path.join(d, "out/computed.json"), "utf8"), COMPUTED.trimEnd());
  // inspect, without a key.
  const i = await ok(["inspect", win(path.join(FIX, "encryptedResults.zip"))]);
  assert.equal(i.layout, "encrypted");
  assert.equal(i.rsa_key_bits, 4096);
});

test("fixtures: legacy format, a key folder, a wrong key, a plain result", async () => {
  const d = fresh("legacy");
  const keys = path.join(d, "beneficiary");
  fs.mkdirSync(keys);
  fs.copyFileSync(path.join(FIX, "legacy_expected_key"), path.join(keys, "0x1_key"));
  fs.copyFileSync(path.join(FIX, "legacy_expected_key.pub"), path.join(keys, "0x1_key.pub"));
  const legacy = win(path.join(FIX, "legacyEncryptedResults.zip"));
  const v = await ok(["decrypt", legacy, "--key", win(keys), "--extract", win(path.join(d, "files"))]);
  assert.equal(v.format, "legacy-aes-128-ecb");
  assert.ok(fs.statSync(path.join(d, "files")).isDirectory());
  // Again: output_exists, then --force replaces it.
  const e = await fails(["decrypt", legacy, "--key", win(keys), "--extract", win(path.join(d, "files"))]);
  assert.equal(e.kind, "output_exists");
  await ok(["decrypt", legacy, "--key", win(keys), "--extract", win(path.join(d, "files")), "--force"]);
  // The key folder of the iexec CLI, with the current-format fixture: the address's key is found.
  const sdk = path.join(d, ".secrets/beneficiary");
  fs.mkdirSync(sdk, { recursive: true });
  fs.copyFileSync(path.join(FIX, "expected_key"), path.join(sdk, `${ADDRESS}_key`));
  const c = await ok([
    "decrypt",
    win(path.join(FIX, "encryptedResults.zip")),
    "--key",
    win(sdk),
    "--output",
    win(path.join(d, "r.zip")),
  ]);
  assert.equal(c.key_fingerprint, FIXTURE_FP);
  // A wrong key: no_matching_key, the fingerprint tried named, nothing written.
  const w = await fails([
    "decrypt",
    win(path.join(FIX, "encryptedResults.zip")),
    "--key",
    win(path.join(FIX, "unexpected_key")),
    "--output",
    win(path.join(d, "wrong.zip")),
  ]);
  assert.equal(w.kind, "no_matching_key");
  assert.ok(!fs.existsSync(path.join(d, "wrong.zip")));
  // A plain result (the decrypted zip itself): not_encrypted, its files shown and extracted.
  const p = await ok(["decrypt", win(path.join(d, "r.zip")), "--extract", win(path.join(d, "plain"))]);
  assert.equal(p.status, "not_encrypted");
  assert.deepEqual(
    p.files.map((f) => f.path),
    ["computed.json", "result.txt"],
  );
  assert.equal((await ok(["inspect", win(path.join(d, "r.zip"))])).layout, "plain");
  assert.equal((await ok(["inspect", win(path.join(FIX, "legacyEncryptedResults.zip"))])).layout, "legacy_encrypted");
});

// ---- 2. the malformed corpus ----

test("malformed archives: each gets its kind, nothing is left behind", async () => {
  const d = fresh("malformed");
  const full = fs.readFileSync(path.join(FIX, "encryptedResults.zip"));
  const cases = [
    ["empty", Buffer.alloc(0), "not_a_result"],
    ["text", "just some text\n", "not_a_result"],
    ["gateway-page", "<!DOCTYPE html><html>504 Gateway Time-out</html>", "not_a_result"],
    ["photo-zip", zip([["photo.jpg", "\xff\xd8\xff"]]), "not_a_result"],
    ["no-ciphertext", zip([["aes-key.rsa", Buffer.alloc(512, 1)]]), "not_a_result"],
    ["no-wrapped-key", zip([["iexec_out.zip.aes", Buffer.alloc(64, 1)]]), "not_a_result"],
    ["three-bytes", full.subarray(0, 3), "not_a_result"],
    ...[30, 300, 600, 1000, full.length - 22, full.length - 1].map((cut) => [
      `cut-at-${cut}`,
      full.subarray(0, cut),
      "incomplete_archive",
    ]),
    ["inner-not-a-zip", encrypted(Buffer.from("hello, I am not a zip at all\n")), "damaged_contents"],
  ];
  // A ciphertext cut by 3 bytes (no longer a whole number of AES blocks).
  const inner = zip([
    ["computed.json", COMPUTED],
    ["result.txt", "hello\n"],
  ]);
  const good = encrypted(inner);
  assert.equal((await ok(["inspect", win(writeTo(d, "good.zip", good))])).layout, "encrypted");
  for (const [name, bytes, kind] of cases) {
    const a = writeTo(d, `${name}.zip`, bytes);
    for (const mode of ["--output", "--extract"]) {
      const target = path.join(d, `out-${name}${mode === "--output" ? ".zip" : ""}`);
      const e = await fails(["decrypt", win(a), "--key", win(path.join(FIX, "expected_key")), mode, win(target)]);
      assert.equal(e.kind, kind, `${name} ${mode}: ${e.message}`);
      assert.ok(!fs.existsSync(target), `${name} ${mode}: nothing written`);
    }
  }
  assert.deepEqual(
    listing(d).filter((f) => f.includes("partial")),
    [],
    "no temporary output left behind",
  );
});

function writeTo(dir, name, bytes) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
}

// The CLI's own snapshot cases (crates/cli/tests/cmd/*.trycmd, *.toml: every error kind the
// command line reaches without the Secret Service or a network service), replayed under Wine:
// same exit codes, same output. Differences that come from Windows itself are listed here.
const WINDOWS_WORDS = [
  // std::io::Error's text is the system's: FormatMessage on Windows, strerror on Linux.
  ["The system cannot find the file specified. (os error 2)", "No such file or directory (os error 2)"],
  // Wine's own text for the same code.
  ["File not found. (os error 2)", "No such file or directory (os error 2)"],
];

function toRegex(expected) {
  let r = "";
  for (const part of expected.split(/(\[\.\.\]|\[CWD\]|\[ROOT\]|\[EXE\])/)) {
    if (part === "[..]") r += ".*?";
    else if (part === "[CWD]" || part === "[ROOT]") r += ".+?";
    else if (part === "[EXE]") r += "(\\.exe)?";
    else r += part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${r}$`, "s");
}

function normalize(text) {
  let t = text.replaceAll("\r\n", "\n");
  for (const [w, l] of WINDOWS_WORDS) t = t.replaceAll(w, l);
  // trycmd writes every backslash as a slash.
  return t.replaceAll("\\", "/").trimEnd();
}

/** Splits a command line of a .trycmd (words, no quoting is used there). */
const words = (s) => s.trim().split(/\s+/);

function trycmdCases(file) {
  const cases = [];
  let inBlock = false;
  let cur = null;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("```")) {
      if (inBlock && cur) cases.push(cur);
      cur = null;
      inBlock = !inBlock;
      continue;
    }
    if (!inBlock) continue;
    if (line.startsWith("$ ")) {
      if (cur) cases.push(cur);
      const [, ...args] = words(line.slice(2));
      cur = { args, status: 0, out: [] };
    } else if (cur && cur.out.length === 0 && /^\? \d+$/.test(line)) {
      cur.status = Number(line.slice(2));
    } else if (cur) {
      cur.out.push(line);
    }
  }
  return cases;
}

/** The few TOML keys the one-shot cases use (strings, """ blocks, numbers). */
function tomlCase(file) {
  const text = fs.readFileSync(file, "utf8");
  const get = (key) => {
    const block = text.match(new RegExp(`^${key.replace(".", "\\.")} = """\\n([\\s\\S]*?)"""`, "m"));
    if (block) return block[1];
    const str = text.match(new RegExp(`^${key.replace(".", "\\.")} = "((?:[^"\\\\]|\\\\.)*)"`, "m"));
    if (str) return JSON.parse(`"${str[1]}"`);
    const num = text.match(new RegExp(`^${key.replace(".", "\\.")} = (\\d+)`, "m"));
    return num ? Number(num[1]) : undefined;
  };
  return {
    args: words(get("args")),
    stdin: get("stdin") ?? "",
    status: get("status.code") ?? 0,
    stdout: get("stdout") ?? "",
    stderr: get("stderr") ?? "",
    base: get("fs.base"),
  };
}

const snapshotFiles = fs
  .readdirSync(CMD)
  .filter((f) => f.endsWith(".trycmd") || f.endsWith(".toml"))
  .sort();

test(`the CLI's snapshot cases (${snapshotFiles.length} files) give the same exit codes and output`, async (t) => {
  assert.ok(snapshotFiles.length >= 30, `found ${snapshotFiles.length} snapshot files`);
  for (const f of snapshotFiles) {
    await t.test(f, async () => {
      const stem = f.replace(/\.(trycmd|toml)$/, "");
      const sandbox = fresh(`snap-${stem}`);
      if (f.endsWith(".trycmd")) {
        const base = path.join(CMD, `${stem}.in`);
        if (fs.existsSync(base)) fs.cpSync(base, sandbox, { recursive: true });
        for (const c of trycmdCases(path.join(CMD, f))) {
          const o = await run(c.args, { cwd: sandbox });
          const what = `${f}: ${c.args.join(" ")}`;
          assert.equal(o.code, c.status, `${what}\n${o.stdout}${o.stderr}`);
          const want = c.out.join("\n").trimEnd();
          const got = normalize(o.stdout + o.stderr);
          assert.match(got, toRegex(want), what);
        }
      } else {
        const c = tomlCase(path.join(CMD, f));
        fs.cpSync(path.join(CMD, c.base), sandbox, { recursive: true });
        const o = await run(c.args, { cwd: sandbox, stdin: c.stdin });
        assert.equal(o.code, c.status, `${f}\n${o.stdout}${o.stderr}`);
        assert.match(normalize(o.stdout), toRegex(c.stdout.trimEnd()), `${f} stdout`);
        assert.match(normalize(o.stderr), toRegex(c.stderr.trimEnd()), `${f} stderr`);
      }
    });
  }
});

// ---- 3. names that Windows would change or refuse ----

const UNSAFE = [
  ["a Windows device name", ["CON"], "reserves for the device"],
  ["a device name with an extension", ["nul.txt"], "reserves for the device"],
  ["a device name in a folder", ["logs/aux.log"], "reserves for the device"],
  ["a trailing dot", ["report.txt."], "ending with a dot or a space"],
  ["a trailing space", ["notes.txt "], "ending with a dot or a space"],
  ["names equal but for case", ["Result.txt", "result.txt"], "differ only by upper and lower case"],
  ["a name Windows forbids", ["what?.txt"], "does not allow"],
  ["a backslash", ["dir\\..\\..\\evil.txt"], "backslashes"],
  ["a drive letter", ["C:evil.txt"], "drive letter"],
];

for (const [what, names, reason] of UNSAFE) {
  test(`unsafe_archive, not io, for ${what} (${names.map((s) => JSON.stringify(s)).join(", ")})`, async () => {
    const d = fresh("unsafe");
    const inner = zip([["computed.json", "{}\n"], ...names.map((nm) => [nm, "x\n"])]);
    for (const [kindOfArchive, bytes] of [
      ["plain", inner],
      ["encrypted", encrypted(inner)],
    ]) {
      const a = writeTo(d, `${kindOfArchive}.zip`, bytes);
      for (const mode of ["--extract", "--output"]) {
        const target = path.join(d, `out-${kindOfArchive}${mode === "--output" ? ".zip" : ""}`);
        const e = await fails(["decrypt", win(a), "--key", win(path.join(FIX, "expected_key")), mode, win(target)]);
        assert.equal(e.kind, "unsafe_archive", `${kindOfArchive} ${mode}: ${e.kind}: ${e.message}`);
        assert.ok(e.message.includes(reason), e.message);
        assert.ok(!fs.existsSync(target), "nothing written");
      }
    }
    assert.deepEqual(
      listing(d).filter((f) => f.startsWith("out") || f.includes("partial")),
      [],
    );
  });
}

test("portable names that only look odd are extracted as they are", async () => {
  const d = fresh("portable");
  const names = ["console.txt", "COM10", "a..b", ".hidden", "café.txt", "日本語.txt", "emoji 😀.txt", "sub/dir/deep.txt"];
  const inner = zip([["computed.json", "{}\n"], ...names.map((nm) => [nm, `content of ${nm}\n`])]);
  const v = await ok(["decrypt", win(writeTo(d, "r.zip", encrypted(inner))), "--key", win(path.join(FIX, "expected_key")), "--extract", win(path.join(d, "out"))]);
  assert.deepEqual(v.files.map((f) => f.path).sort(), ["computed.json", ...names].sort());
  for (const nm of names) assert.equal(fs.readFileSync(path.join(d, "out", nm), "utf8"), `content of ${nm}\n`, nm);
});

test("long paths: a `\\\\?\\` verbatim output path, and one longer than MAX_PATH (260)", async () => {
  const d = fresh("long");
  const a = win(path.join(FIX, "encryptedResults.zip"));
  const k = win(path.join(FIX, "expected_key"));
  const verbatim = "\\\\?\\" + win(path.join(d, "verbatim"));
  const v = await ok(["decrypt", a, "--key", k, "--extract", verbatim]);
  assert.equal(v.status, "decrypted");
  assert.ok(fs.existsSync(path.join(d, "verbatim/result.txt")));
  let deep = d;
  while (win(deep).length < 300) deep = path.join(deep, "a-rather-long-folder-name-0123456789");
  fs.mkdirSync(deep, { recursive: true });
  const w = await ok(["decrypt", a, "--key", k, "--extract", win(path.join(deep, "out"))]);
  assert.ok(win(path.join(deep, "out/result.txt")).length > 260);
  assert.ok(fs.existsSync(path.join(deep, "out/result.txt")), w.output);
});

// ---- 4. the "downloaded from the internet" mark ----

test("extracted files get their Zone.Identifier (under Wine: a file named NAME:Zone.Identifier)", async () => {
  const d = fresh("zone");
  await ok([
    "decrypt",
    win(path.join(FIX, "encryptedResults.zip")),
    "--key",
    win(path.join(FIX, "expected_key")),
    "--extract",
    win(path.join(d, "out")),
  ]);
  // Wine 8 has no alternate data streams: CreateFile("x:Zone.Identifier") makes a Unix file of
  // that name beside x (on NTFS it is a stream of x, not listed as a file).
  for (const f of ["result.txt", "computed.json"]) {
    const zone = path.join(d, "out", `${f}:Zone.Identifier`);
    assert.equal(fs.readFileSync(zone, "utf8"), "[ZoneTransfer]\r\nZoneId=3\r\n", zone);
  }
  // A decrypted zip is one file the user chose to write: not marked (only extracted files are).
  await ok([
    "decrypt",
    win(path.join(FIX, "encryptedResults.zip")),
    "--key",
    win(path.join(FIX, "expected_key")),
    "--output",
    win(path.join(d, "r.zip")),
  ]);
  assert.ok(!fs.existsSync(path.join(d, "r.zip:Zone.Identifier")));
});

// ---- 5. digest and verification of an extracted folder ----

test("digest: an extracted folder, its archive and the file it names agree; a changed file does not; a folder digest", async () => {
  const d = fresh("digest");
  const k = win(path.join(FIX, "expected_key"));
  const a = win(path.join(FIX, "encryptedResults.zip"));
  await ok(["decrypt", a, "--key", k, "--extract", win(path.join(d, "out"))]);
  const sha = "0x" + crypto.createHash("sha256").update(fs.readFileSync(path.join(d, "out/result.txt"))).digest("hex");
  const folder = await ok(["digest", win(path.join(d, "out"))]);
  assert.equal(folder.deterministic_output_path, "/iexec_out/result.txt");
  assert.equal(folder.result_digest, sha);
  assert.equal((await ok(["digest", a, "--key", k])).result_digest, sha);
  // A file changed after extraction: the digest no longer matches (what fetch calls a mismatch).
  fs.appendFileSync(path.join(d, "out/result.txt"), "tampered\n");
  assert.notEqual((await ok(["digest", win(path.join(d, "out"))])).result_digest, sha);
  // computed.json naming a folder: Keccak-256 over its children, as the Linux build computes it.
  const tree = path.join(d, "tree");
  fs.mkdirSync(path.join(tree, "data/sub"), { recursive: true });
  fs.writeFileSync(path.join(tree, "computed.json"), '{"deterministic-output-path": "/iexec_out/data"}\n');
  fs.writeFileSync(path.join(tree, "data/b.txt"), "b\n");
  fs.writeFileSync(path.join(tree, "data/a.bin"), crypto.randomBytes(1000));
  fs.writeFileSync(path.join(tree, "data/sub/c.txt"), "c\n");
  const t = await ok(["digest", win(tree)]);
  assert.match(t.result_digest ?? "", /^0x[0-9a-f]{64}$/, JSON.stringify(t));
  if (process.env.RV_LINUX && fs.existsSync(process.env.RV_LINUX)) {
    const linux = JSON.parse(execFileSync(process.env.RV_LINUX, ["digest", tree, "--json"], { encoding: "utf8" }));
    assert.equal(t.result_digest, linux.result_digest, "the Windows and Linux builds agree");
  }
});

// ---- 6. a passphrase key ring, and its lock between processes ----

test("passphrase key ring: create, import, decrypt, backup, verify, restore", async () => {
  const d = fresh("ring");
  const home = path.join(d, "vault");
  const pass = writeTo(d, "pass", "correct horse battery staple\n");
  const env = { RESULT_VAULT_HOME: win(home) };
  const ring = (args, o = {}) => ok(["--passphrase-file", win(pass), ...args], { env, ...o });
  const g = await ring(["keys", "generate", "--label", "Laptop"]);
  const generated = g.key.fingerprint;
  assert.equal(g.key.source, "generated");
  assert.ok(fs.existsSync(path.join(home, "keyring")), "the ring is written in RESULT_VAULT_HOME");
  const imp = await ring(["keys", "import", win(path.join(FIX, "expected_key"))]);
  assert.equal(imp.imported[0].added, true);
  const sdk = path.join(d, ".secrets/beneficiary");
  fs.mkdirSync(sdk, { recursive: true });
  fs.copyFileSync(path.join(FIX, "legacy_expected_key"), path.join(sdk, `${ADDRESS}_key`));
  assert.equal((await ring(["keys", "import", win(sdk)])).imported[0].added, true);
  assert.equal((await ring(["keys", "list"])).keys.length, 3);
  // decrypt with the ring (no --key).
  const dec = await ring(["decrypt", win(path.join(FIX, "encryptedResults.zip")), "--output", win(path.join(d, "r.zip"))]);
  assert.equal(dec.key_fingerprint, FIXTURE_FP);
  // A wrong passphrase.
  const bad = writeTo(d, "bad", "not the passphrase\n");
  assert.equal((await fails(["--passphrase-file", win(bad), "keys", "list"], { env })).kind, "wrong_passphrase");
  // Backup, verify with the words on standard input.
  const kit = path.join(d, "kit.age");
  const b = await ring(["keys", "backup", "--output", win(kit)]);
  const phrase = b.phrase;
  assert.equal(phrase.split(" ").length, 24);
  assert.equal(b.fingerprints.length, 3);
  assert.equal((await ring(["keys", "list"])).not_backed_up.length, 3);
  await ring(["keys", "verify-backup", win(kit)], { stdin: `${phrase}\n` });
  assert.equal((await ring(["keys", "list"])).not_backed_up.length, 0);
  // A lost data folder, then restore: wrong words first, then the right ones.
  fs.rmSync(home, { recursive: true });
  const other = "abandon ".repeat(23) + "art";
  const e = await fails(["--passphrase-file", win(pass), "keys", "restore", win(kit)], { env, stdin: other });
  assert.equal(e.kind, "phrase_for_another_kit");
  const r = await ring(["keys", "restore", win(kit)], { stdin: `${phrase}\n` });
  assert.equal(r.added.length, 3);
  const list = await ring(["keys", "list"]);
  assert.ok(list.keys.some((k) => k.fingerprint === generated && k.label === "Laptop"));
  const legacy = await ring([
    "decrypt",
    win(path.join(FIX, "legacyEncryptedResults.zip")),
    "--output",
    win(path.join(d, "legacy.zip")),
  ]);
  assert.equal(legacy.format, "legacy-aes-128-ecb");
  // A backed-up key may now be deleted.
  await ring(["keys", "delete", generated]);
  assert.equal((await ring(["keys", "list"])).keys.length, 2);
});

// Windows refuses to replace a file another process has open without delete sharing ("Access
// denied", os error 5), which Wine's readers do: the ring's atomic replace is retried for up to
// 2 s on Windows (crates/core/src/archive/output.rs, persist_replacing). Before that retry, this
// test failed under Wine; see docs/platforms.md.
test("the key ring's lock between processes: two imports at once keep both keys, round after round", async () => {
  const d = fresh("lock");
  const pass = writeTo(d, "pass", "correct horse battery staple\n");
  const rounds = 3;
  const pems = Array.from({ length: rounds * 2 }, (_, i) => {
    const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    return writeTo(d, `k${i}.pem`, privateKey.export({ type: "pkcs8", format: "pem" }));
  });
  for (let round = 0; round < rounds; round++) {
    const env = { RESULT_VAULT_HOME: win(path.join(d, `vault-${round}`)) };
    await ok(["--passphrase-file", win(pass), "keys", "import", win(path.join(FIX, "expected_key"))], { env });
    const two = pems.slice(round * 2, round * 2 + 2);
    const started = Date.now();
    const results = await Promise.all(
      two.map((k) => run(["--passphrase-file", win(pass), "keys", "import", win(k), "--json"], { env })),
    );
    for (const o of results) {
      assert.equal(o.code, 0, `round ${round}: ${o.stdout}${o.stderr}`);
      assert.equal(json(o).imported[0].added, true, `round ${round}`);
    }
    const keys = (await ok(["--passphrase-file", win(pass), "keys", "list"], { env })).keys;
    assert.equal(keys.length, 3, `round ${round}: both concurrent imports kept (${Date.now() - started} ms)`);
    assert.ok(fs.existsSync(path.join(d, `vault-${round}`, "keyring.lock")));
  }
});

// ---- 7. the keychain mode: Windows Credential Manager, as Wine provides it ----

test("keychain mode (Windows Credential Manager under Wine): a ring created, reopened by another process", {
  skip: process.env.RV_KEYCHAIN_LANE === "0",
}, async () => {
  const d = fresh("keychain");
  const env = { RESULT_VAULT_HOME: win(path.join(d, "vault")), RESULT_VAULT_KEYCHAIN_SERVICE: "result-vault-wine-lane" };
  const imp = await ok(["keys", "import", win(path.join(FIX, "expected_key"))], { env });
  assert.equal(imp.imported[0].added, true);
  // A second process finds the vault key in the Credential Manager and opens the ring.
  const list = await ok(["keys", "list"], { env });
  assert.equal(list.keys.length, 1);
  const dec = await ok(["decrypt", win(path.join(FIX, "encryptedResults.zip")), "--output", win(path.join(d, "r.zip"))], { env });
  assert.equal(dec.key_fingerprint, FIXTURE_FP);
});
