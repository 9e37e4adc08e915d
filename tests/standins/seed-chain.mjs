// Deploys tests/chain/MockHub.sol on a running local EVM node (ganache) and fills it with the
// scenario's deals, tasks and categories (PoCo's five by default), so that viewDeal, viewTask and
// viewCategory answer as PoCo's hub would (docs/design.md 3.2). The chain is the truth: a task's `onChain` overrides apply here only, and `chainOnly`
// tasks exist only here.
//
//   node tests/standins/seed-chain.mjs --rpc http://127.0.0.1:PORT --scenario /abs/scenario.json [--hub 0xHUB]
//
// Prints one JSON line {"hub":"0xChecksummed"}.
//
// Why not setDeal/setTask transactions: ganache's EVM spends ~25 ms on each (the structs' ABI
// decoding and copy), and a node flooded with thousands of pending transactions slows down
// further, so 1,000 deals took minutes. Instead the values MockHub's setters would store are
// written into its storage with ganache's evm_setAccountStorageAt, at the slots given by solc's
// storage layout of MockHub (about 1 ms a slot). Then the hub's own views are called and their
// answers compared byte for byte with the ABI encoding of the expected structs: every entry of a
// small scenario, an evenly spread sample of a large one (the layout is the same for all entries).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { interopRequire, loadScenario, parseOptions, repoRoot, TASK_STATUSES, ZERO_ADDRESS, ZERO_BYTES32 } from './scenario.mjs';

const { JsonRpcProvider, ContractFactory, Interface, AbiCoder, keccak256, getBytes, toUtf8Bytes } = interopRequire('ethers');

const HUB_SOURCE = path.join(repoRoot, 'tests/chain/MockHub.sol');
const RPC_BATCH = 500;
const MAX_CHECKS = 200;

/** ABI and bytecode, from the project's compile script. */
function compileHub() {
  return JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'tests/chain/compile.mjs')], { maxBuffer: 64 << 20 }));
}

/** solc's storage layout of MockHub: where each state variable and struct member lives. */
function hubStorageLayout() {
  const solc = interopRequire('solc');
  const input = {
    language: 'Solidity',
    sources: { 'MockHub.sol': { content: fs.readFileSync(HUB_SOURCE, 'utf8') } },
    settings: { evmVersion: 'shanghai', outputSelection: { '*': { '*': ['storageLayout'] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  return out.contracts['MockHub.sol'].MockHub.storageLayout;
}

// ---------------------------------------------------------------------------------------------
// The structs MockHub's setters take (and its views return)

function statusNumber(status) {
  if (typeof status === 'number') return status;
  const n = TASK_STATUSES.indexOf(status);
  if (n < 0) throw new Error(`unknown task status ${status}`);
  return n;
}

const resource = (pointer = ZERO_ADDRESS) => ({ pointer, owner: ZERO_ADDRESS, price: 0n });

function dealStruct(d) {
  return {
    app: resource(d.app.id),
    dataset: resource(),
    workerpool: resource(),
    trust: BigInt(d.trust),
    category: BigInt(d.category),
    tag: d.tag,
    requester: d.requester,
    beneficiary: d.beneficiary,
    callback: d.callback,
    params: d.params,
    startTime: BigInt(d.startTime),
    botFirst: BigInt(d.botFirst),
    botSize: BigInt(d.botSize),
    workerStake: 0n,
    schedulerRewardRatio: 0n,
    sponsor: ZERO_ADDRESS,
  };
}

/** The task as the chain holds it: the scenario's view with its `onChain` overrides applied. */
function taskStruct(dealId, scenarioTask) {
  const t = { ...scenarioTask, ...(scenarioTask.onChain ?? {}) };
  return {
    status: BigInt(statusNumber(t.status)),
    dealid: dealId,
    idx: BigInt(t.index),
    timeref: 0n,
    contributionDeadline: 0n,
    revealDeadline: 0n,
    finalDeadline: BigInt(t.finalDeadline),
    consensusValue: ZERO_BYTES32,
    revealCounter: 0n,
    winnerCounter: 0n,
    contributors: [],
    resultDigest: t.resultDigest ?? ZERO_BYTES32,
    results: t.results ?? '0x',
    resultsTimestamp: 0n,
    resultsCallback: t.resultsCallback ?? '0x',
  };
}

/**
 * Every entry to store: { mapping: 'deals' | 'tasks' | 'categories' | 'categoryExists', id, view,
 * value } (`view` null for what no view returns by itself). Category i of the scenario's
 * `categories` (PoCo's five by default) is stored at id i.
 */
function entries(scenario) {
  const out = [];
  scenario.categories.forEach((c, i) => {
    const id = word(BigInt(i));
    const value = { name: c.name, description: c.description ?? '', workClockTimeRef: BigInt(c.workClockTimeRef) };
    out.push({ mapping: 'categories', view: 'viewCategory', id, value });
    out.push({ mapping: 'categoryExists', view: null, id, value: true });
  });
  for (const d of scenario.deals) {
    out.push({ mapping: 'deals', view: 'viewDeal', id: d.id, value: dealStruct(d) });
    for (const t of d.tasks) out.push({ mapping: 'tasks', view: 'viewTask', id: t.id, value: taskStruct(d.id, t) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Solidity storage encoding (docs.soliditylang.org, "Layout of State Variables in Storage")

const word = (n) => '0x' + n.toString(16).padStart(64, '0');
const slotAt = (hex) => BigInt(hex);

/** Collects the 32-byte words a value occupies, as Map<slot bigint, Buffer(32)>. */
class StorageImage {
  constructor(types) {
    this.types = types;
    this.words = new Map();
  }

  word(slot) {
    if (!this.words.has(slot)) this.words.set(slot, Buffer.alloc(32));
    return this.words.get(slot);
  }

  /** Writes `value` of solc type `typeId` at `slot`, `offset` bytes from the word's low end. */
  put(typeId, slot, offset, value) {
    const type = this.types[typeId];
    if (type.encoding === 'bytes') return this.putBytes(slot, type.label === 'string' ? toUtf8Bytes(value) : getBytes(value));
    if (type.encoding === 'dynamic_array') {
      // The scenarios never name contributors; an empty array is a zero length word.
      if (value.length) throw new Error(`${type.label} with elements is not supported`);
      return;
    }
    if (type.encoding !== 'inplace') throw new Error(`cannot store ${type.label}`);
    if (type.members) {
      for (const m of type.members) this.put(m.type, slot + BigInt(m.slot), m.offset, value[m.label]);
      return;
    }
    const size = Number(type.numberOfBytes);
    const bytes = Buffer.from(BigInt(value).toString(16).padStart(size * 2, '0'), 'hex');
    if (bytes.length !== size) throw new Error(`${value} does not fit a ${type.label}`);
    bytes.copy(this.word(slot), 32 - offset - size);
  }

  /** bytes and string: up to 31 bytes inline with 2·length in the low byte, else 2·length + 1 and the data at keccak256(slot). */
  putBytes(slot, bytes) {
    const data = Buffer.from(bytes);
    if (data.length <= 31) {
      data.copy(this.word(slot), 0);
      this.word(slot)[31] = data.length * 2;
      return;
    }
    this.word(slot).write(word(BigInt(data.length * 2 + 1)).slice(2), 'hex');
    const base = slotAt(keccak256(word(slot)));
    for (let i = 0; i * 32 < data.length; i++) data.copy(this.word(base + BigInt(i)), 0, i * 32, i * 32 + 32);
  }
}

/** The storage words of all entries, in a fresh hub whose storage is all zero. */
function storageImage(layout, all) {
  const image = new StorageImage(layout.types);
  const mappings = Object.fromEntries(layout.storage.map((v) => [v.label, v]));
  for (const e of all) {
    const m = mappings[e.mapping];
    const slot = slotAt(keccak256(AbiCoder.defaultAbiCoder().encode(['bytes32', 'uint256'], [e.id, BigInt(m.slot)])));
    image.put(layout.types[m.type].value, slot, 0, e.value);
  }
  return image.words;
}

// ---------------------------------------------------------------------------------------------
// JSON-RPC

async function rpcBatch(url, calls) {
  const results = [];
  for (let i = 0; i < calls.length; i += RPC_BATCH) {
    const body = calls.slice(i, i + RPC_BATCH).map(([method, params], j) => ({ jsonrpc: '2.0', id: i + j, method, params }));
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    const answers = (await res.json()).sort((a, b) => a.id - b.id);
    for (const a of answers) {
      if (a.error) throw new Error(`${body[a.id - i].method}: ${a.error.message}`);
      results.push(a.result);
    }
  }
  return results;
}

async function writeStorage(url, hub, words) {
  const calls = [];
  for (const [slot, value] of words) {
    if (value.some((b) => b !== 0)) calls.push(['evm_setAccountStorageAt', [hub, word(slot), '0x' + value.toString('hex')]]);
  }
  await rpcBatch(url, calls);
  return calls.length;
}

/** Calls the hub's views and compares their raw answers with the expected structs' encoding. */
async function verify(url, hub, iface, entries) {
  const all = entries.filter((e) => e.view !== null);
  const step = Math.max(1, Math.ceil(all.length / MAX_CHECKS));
  const sample = all.filter((_, i) => i % step === 0 || i === all.length - 1);
  const answers = await rpcBatch(
    url,
    sample.map((e) => ['eth_call', [{ to: hub, data: iface.encodeFunctionData(e.view, [e.id]) }, 'latest']]),
  );
  sample.forEach((e, i) => {
    const expected = iface.encodeFunctionResult(e.view, [e.value]);
    if (answers[i] !== expected) throw new Error(`${e.view}(${e.id}) answers ${answers[i]}, expected ${expected}`);
  });
  return sample.length;
}

async function main() {
  const opts = parseOptions(process.argv.slice(2), { rpc: undefined, scenario: undefined, hub: null });
  const scenario = loadScenario(opts.scenario);
  const { abi, bytecode } = compileHub();
  const iface = new Interface(abi);
  const all = entries(scenario);

  // `--hub 0x…`: write into a hub deployed before (a task that changed state, as on a live
  // chain); the words written are the non-zero ones of the new scenario.
  let hub = opts.hub;
  if (!hub) {
    const provider = new JsonRpcProvider(opts.rpc);
    const deployed = await new ContractFactory(abi, bytecode, await provider.getSigner(0)).deploy();
    await deployed.waitForDeployment();
    hub = await deployed.getAddress();
    provider.destroy();
  }

  const slots = await writeStorage(opts.rpc, hub, storageImage(hubStorageLayout(), all));
  const checked = await verify(opts.rpc, hub, iface, all);
  console.error(`seed-chain: hub ${hub}: ${all.length} deals and tasks in ${slots} slots, ${checked} checked through the views`);
  process.stdout.write(JSON.stringify({ hub }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
