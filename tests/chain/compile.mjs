// Compiles MockHub.sol with solc (npm, from tests/interop) and prints { abi, bytecode } as JSON.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../interop/package.json'));
const solc = require('solc');
const input = {
  language: 'Solidity',
  sources: { 'MockHub.sol': { content: fs.readFileSync(path.join(here, 'MockHub.sol'), 'utf8') } },
  settings: { evmVersion: 'shanghai', optimizer: { enabled: true, runs: 200 }, viaIR: true, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.methodIdentifiers'] } } },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
if (errors.length) {
  console.error(errors.map((e) => e.formattedMessage).join('\n'));
  process.exit(1);
}
const c = out.contracts['MockHub.sol'].MockHub;
process.stdout.write(JSON.stringify({ abi: c.abi, bytecode: '0x' + c.evm.bytecode.object, methods: c.evm.methodIdentifiers }));
