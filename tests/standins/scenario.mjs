// Shared by the stand-ins and the chain seeder: loading a scenario file (README.md has its shape)
// and loading modules from the tests/interop npm package.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** `require` resolving from tests/interop, where graphql, ethers, ganache and solc are installed. */
export const interopRequire = createRequire(path.join(here, '../interop/package.json'));

export const repoRoot = path.resolve(here, '../..');

/** The subgraph's spelling of PoCo's task statuses, by their number on chain. */
export const TASK_STATUSES = ['UNSET', 'ACTIVE', 'REVEALING', 'COMPLETED', 'FAILLED'];

/**
 * The categories of PoCo's deployment config (PoCo `config/config.json`): id = position, the
 * time base `workClockTimeRef` in seconds. A task must be final within 10 of them.
 */
export const POCO_CATEGORIES = [
  { name: 'XS', description: '{}', workClockTimeRef: '300' },
  { name: 'S', description: '{}', workClockTimeRef: '1200' },
  { name: 'M', description: '{}', workClockTimeRef: '3600' },
  { name: 'L', description: '{}', workClockTimeRef: '10800' },
  { name: 'XL', description: '{}', workClockTimeRef: '36000' },
];

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
export const ZERO_BYTES32 = '0x' + '0'.repeat(64);

/** Reads a scenario and fills the defaults, so that consumers never test for absent fields. */
export function loadScenario(file) {
  return normalizeScenario(JSON.parse(fs.readFileSync(file, 'utf8')));
}

export function normalizeScenario(raw) {
  return {
    chainId: Number(raw.chainId ?? 1337),
    categories: raw.categories ?? POCO_CATEGORIES,
    files: { ...(raw.files ?? {}) },
    deals: (raw.deals ?? []).map((d) => ({
      ...d,
      inSubgraph: d.inSubgraph !== false,
      inMarket: d.inMarket !== false,
      tasks: (d.tasks ?? []).map((t) => ({ ...t, chainOnly: t.chainOnly === true })),
    })),
  };
}

/** Parses `--name value` pairs; every option is required unless a default is given. */
export function parseOptions(argv, spec) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in spec) || argv[i + 1] === undefined) usage(spec, `bad option ${argv[i]}`);
    out[name] = argv[i + 1];
  }
  for (const [name, dflt] of Object.entries(spec)) {
    if (out[name] === undefined) {
      if (dflt === undefined) usage(spec, `missing --${name}`);
      if (dflt !== null) out[name] = dflt;
    }
  }
  return out;
}

function usage(spec, why) {
  const opts = Object.entries(spec).map(([n, d]) => (d === undefined ? `--${n} V` : `[--${n} V]`));
  console.error(`${why}\nusage: ${path.basename(process.argv[1])} ${opts.join(' ')}`);
  process.exit(2);
}
