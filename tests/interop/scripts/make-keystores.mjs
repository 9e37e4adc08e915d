// Independent producers of wallet files for the tests:
//   node make-keystores.mjs OUT_DIR PASSWORD
// writes, for one random wallet:
//   scrypt.json        ethers v6 encryptKeystoreJsonSync (scrypt; `Crypto` spelling, as the iexec CLI stores it)
//   scrypt-lower.json  the same with the member spelled `crypto` (geth's spelling)
//   pbkdf2.json        a V3 keystore built with Node's crypto (PBKDF2-HMAC-SHA256 + AES-128-CTR, ethers' keccak256 MAC)
//   wallet.json        an unencrypted iexec wallet.json {"privateKey","publicKey","address"}
// and prints {"address": "0x…", "privateKey": "0x…"}.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../package.json'));
const { Wallet, encryptKeystoreJsonSync, keccak256, concat } = require('ethers');

const [out, password] = process.argv.slice(2);
fs.mkdirSync(out, { recursive: true });
const wallet = Wallet.createRandom();
const account = { address: wallet.address, privateKey: wallet.privateKey };
// Cheap scrypt parameters keep the test quick; the format is the same.
const scrypt = encryptKeystoreJsonSync(account, password, { scrypt: { N: 1 << 12 } });
fs.writeFileSync(path.join(out, 'scrypt.json'), scrypt);
const lower = JSON.parse(scrypt);
lower.crypto = lower.Crypto;
delete lower.Crypto;
fs.writeFileSync(path.join(out, 'scrypt-lower.json'), JSON.stringify(lower));

const salt = crypto.randomBytes(32);
const iv = crypto.randomBytes(16);
const c = 4096;
const dk = crypto.pbkdf2Sync(Buffer.from(password, 'utf8'), salt, c, 32, 'sha256');
const cipher = crypto.createCipheriv('aes-128-ctr', dk.subarray(0, 16), iv);
const ciphertext = Buffer.concat([cipher.update(Buffer.from(wallet.privateKey.slice(2), 'hex')), cipher.final()]);
const mac = keccak256(concat([dk.subarray(16, 32), ciphertext])).slice(2);
fs.writeFileSync(path.join(out, 'pbkdf2.json'), JSON.stringify({
  address: wallet.address.slice(2).toLowerCase(), id: crypto.randomUUID(), version: 3,
  crypto: { cipher: 'aes-128-ctr', cipherparams: { iv: iv.toString('hex') }, ciphertext: ciphertext.toString('hex'),
    kdf: 'pbkdf2', kdfparams: { c, dklen: 32, prf: 'hmac-sha256', salt: salt.toString('hex') }, mac },
}));
fs.writeFileSync(path.join(out, 'wallet.json'), JSON.stringify({
  privateKey: wallet.privateKey, publicKey: wallet.signingKey.publicKey, address: wallet.address,
}));
process.stdout.write(JSON.stringify(account) + '\n');
