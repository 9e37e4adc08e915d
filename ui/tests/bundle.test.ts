/**
 * The app's build (`npm run build`, what Tauri ships) holds no demo or mock code: src/main.ts
 * loads the demo only in modes `development` (npm run dev) and `demo` (npm run build:demo).
 *
 * Both builds are made here, into temporary folders, with Vite's own command line as npm runs
 * it: the production one must contain none of the markers below, and the demo one all of them
 * (so that a marker that stopped identifying its file makes this test fail, not pass).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// jsdom's URL is not the file's: find the sources from this file's path.
const here = dirname(fileURLToPath(import.meta.url.startsWith("file:") ? import.meta.url : `file://${__filename}`));
const ui = join(here, "..");
const src = join(ui, "src");
const repo = join(ui, "..");

/** The demo and mock backends (src/lib): none of them may ship with the app. */
const DEMO_FILES = ["demo.ts", "mockBackend.ts", "mockTasks.ts", "mockWallet.ts"] as const;

/**
 * Strings that only these files hold (string literals survive minification), at least one per
 * file: a demo state's name, the mock's sample fingerprint, a sample address, the mock
 * keystores' folder and password.
 */
const MARKERS: Record<(typeof DEMO_FILES)[number], string[]> = {
  "demo.ts": ["tasks-mismatch", "drag-bad"],
  "mockBackend.ts": ["3f2a91c077de0b44a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718"],
  "mockTasks.ts": ["0x5B38Da6a701c568545dCfcB03FcB875f56beddC4", "0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2"],
  "mockWallet.ts": ["/home/alice/.ethereum/keystore", "hunter2 hunter2"],
};
const ALL_MARKERS = Object.values(MARKERS).flat();

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** `vite build` as `npm run build` runs it (no test environment), into a temporary folder. */
function build(mode: "production" | "demo"): string {
  const out = mkdtempSync(join(tmpdir(), `result-vault-${mode}-`));
  temps.push(out);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name === "NODE_ENV" || name === "TEST" || name.startsWith("VITEST")) delete env[name];
  }
  const vite = join(repo, "node_modules", "vite", "bin", "vite.js");
  const run = spawnSync(
    process.execPath,
    [vite, "build", "--config", join(ui, "vite.config.ts"), "--mode", mode, "--outDir", out, "--emptyOutDir", "--logLevel", "error"],
    { cwd: repo, env, encoding: "utf8" },
  );
  if (run.status !== 0) throw new Error(`vite build --mode ${mode} failed:\n${run.stdout}\n${run.stderr}`);
  return out;
}

/** The markers found in the emitted JavaScript (and HTML) of a build, with the file holding each. */
function markersIn(out: string): Record<string, string> {
  const found: Record<string, string> = {};
  const emitted = filesUnder(out).filter((f) => /\.(m?js|html)$/.test(f));
  expect(emitted.some((f) => f.endsWith(".js"))).toBe(true);
  for (const file of emitted) {
    const text = readFileSync(file, "utf8");
    for (const marker of ALL_MARKERS) if (text.includes(marker)) found[marker] = relative(out, file);
  }
  return found;
}

describe("the production bundle", () => {
  it("has markers that only the demo and mock files hold", () => {
    for (const [file, markers] of Object.entries(MARKERS)) {
      const text = readFileSync(join(src, "lib", file), "utf8");
      for (const marker of markers) expect(text, `${marker} in ${file}`).toContain(marker);
    }
    const others = filesUnder(src).filter(
      (f) => !(DEMO_FILES as readonly string[]).includes(relative(join(src, "lib"), f)),
    );
    expect(others.length).toBeGreaterThan(10);
    for (const file of others) {
      const text = readFileSync(file, "utf8");
      for (const marker of ALL_MARKERS) expect(text, `${marker} in ${relative(ui, file)}`).not.toContain(marker);
    }
  });

  it("contains no demo or mock code (npm run build)", { timeout: 120_000 }, () => {
    const out = build("production");
    expect(existsSync(join(out, "index.html"))).toBe(true);
    expect(markersIn(out)).toEqual({});
    expect(filesUnder(out).map((f) => relative(out, f)).filter((f) => /demo|mock/i.test(f))).toEqual([]);
  });

  it("finds every marker when the demo is bundled (npm run build:demo), so it can fail", { timeout: 120_000 }, () => {
    const found = markersIn(build("demo"));
    expect(Object.keys(found).sort()).toEqual([...ALL_MARKERS].sort());
  });
});
