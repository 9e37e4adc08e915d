// The SMS challenge and signature as the iexec SDK computes them, with ethers:
//   node sms-vectors.mjs PUBLIC_KEY_PEM_FILE OWNER PRIVATE_KEY
// prints {"value", "challenge", "signature", "signer"} where value = base64(PEM text),
// challenge = keccak256(keccak256("IEXEC_SMS_DOMAIN") ‖ owner ‖ keccak256(name) ‖ keccak256(value)),
// signature = EIP-191 personal_sign of the challenge's 32 bytes by PRIVATE_KEY.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../package.json'));
const { Wallet, keccak256, concat, toUtf8Bytes, getBytes } = require('ethers');

const [pemFile, owner, pk] = process.argv.slice(2);
const value = Buffer.from(fs.readFileSync(pemFile, 'utf8'), 'utf8').toString('base64');
const name = 'iexec-result-encryption-public-key';
const challenge = keccak256(concat([keccak256(toUtf8Bytes('IEXEC_SMS_DOMAIN')), owner, keccak256(toUtf8Bytes(name)), keccak256(toUtf8Bytes(value))]));
const w = new Wallet(pk);
const signature = w.signMessageSync(getBytes(challenge));
process.stdout.write(JSON.stringify({ value, challenge, signature, signer: w.address }) + '\n');
