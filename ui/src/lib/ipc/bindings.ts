// Generated from the Rust types by ts-rs (src-tauri/tests/bindings.rs). Do not edit:
// run `UPDATE_BINDINGS=1 cargo test -p result-vault-app --test bindings` instead.

export type ErrorKind = "not_a_result" | "incomplete_archive" | "invalid_key_file" | "no_matching_key" | "damaged_ciphertext" | "damaged_contents" | "unsafe_archive" | "output_exists" | "io" | "cancelled" | "keychain_unavailable" | "keychain_locked" | "keyring_damaged" | "wrong_passphrase" | "key_not_found" | "backup_required" | "invalid_phrase" | "phrase_for_another_kit" | "invalid_kit" | "network" | "internal";
export type IpcError = { 
/**
 * What went wrong, from the closed list.
 */
kind: ErrorKind, 
/**
 * One or two sentences for a person: what is wrong, naming the file or entry.
 */
message: string, 
/**
 * What to do about it.
 */
hint: string, };
export type ArchiveLayout = "encrypted" | "legacy_encrypted" | "plain";
export type ArchiveEntry = { 
/**
 * Name as stored.
 */
path: string, 
/**
 * Uncompressed size in bytes.
 */
size: number, 
/**
 * Compressed size in bytes.
 */
compressed_size: number, };
export type ArchiveInfo = { 
/**
 * The layout.
 */
layout: ArchiveLayout, 
/**
 * Entries of the outer zip, in stored order.
 */
entries: Array<ArchiveEntry>, 
/**
 * RSA modulus size in bits, deduced from the length of the wrapped key (encrypted layouts).
 */
rsa_key_bits: number | null, 
/**
 * Size of `iexec_out.zip.aes` in bytes (encrypted layouts).
 */
ciphertext_size: number | null, };
export type ResultFile = { 
/**
 * Path inside the result, `/`-separated.
 */
path: string, 
/**
 * Size in bytes.
 */
size: number, };
export type OpenStatus = "decrypted" | "not_encrypted";
export type EncryptionFormat = "aes-256-cbc" | "legacy-aes-128-ecb";
export type OpenOutcome = { 
/**
 * Decrypted, or not encrypted.
 */
status: OpenStatus, 
/**
 * The encryption found (`null` for a plain result).
 */
format: EncryptionFormat | null, 
/**
 * 64 hex digits: SHA-256 of the SPKI DER of the key that opened it.
 */
key_fingerprint: string | null, 
/**
 * A name for that key (file name or key ring label).
 */
key_label: string | null, 
/**
 * Absolute path of what was written (`null` when only checking).
 */
output: string | null, 
/**
 * The result's files.
 */
files: Array<ResultFile>, };
export type Stage = "unwrapping_key" | "decrypting" | "finishing";
export type ProgressEvent = { 
/**
 * The current stage.
 */
stage: Stage, 
/**
 * Bytes processed so far.
 */
done: number, 
/**
 * Bytes in all (0 when unknown).
 */
total: number, };
export type KeyLocationKind = "file" | "folder";
export type KeyLocation = { 
/**
 * Absolute path.
 */
path: string, 
/**
 * File or folder.
 */
kind: KeyLocationKind, 
/**
 * How many private keys it holds now.
 */
key_count: number, 
/**
 * Chosen by the user (can be forgotten), rather than found by convention.
 */
remembered: boolean, };
export type DropCheck = { 
/**
 * The dragged path.
 */
path: string, 
/**
 * Starts with a zip signature.
 */
looks_like_zip: boolean, };
export type KeySource = "generated" | "imported_file" | "iexec_secrets_folder" | "pasted" | "restored";
export type KeyStatus = "active" | "retired";
export type PushRecord = { 
/**
 * Network name (`arbitrum-mainnet`...).
 */
network: string, 
/**
 * SMS base URL.
 */
sms_url: string, 
/**
 * Beneficiary address (checksummed).
 */
address: string, 
/**
 * When.
 */
at: string, 
/**
 * HTTP status or outcome.
 */
outcome: string, };
export type KeySummary = { 
/**
 * 64 hex digits.
 */
fingerprint: string, 
/**
 * `3F2A 91C0 77DE 0B44`: the first 8 bytes, grouped.
 */
short_fingerprint: string, 
/**
 * A name for people.
 */
label: string, 
/**
 * RFC 3339.
 */
created: string, 
/**
 * Where it came from.
 */
source: KeySource, 
/**
 * Beneficiary addresses.
 */
addresses: Array<string>, 
/**
 * Active or retired.
 */
status: KeyStatus, 
/**
 * In a verified recovery kit.
 */
backed_up: boolean, 
/**
 * Pushes to SMSs.
 */
push_journal: Array<PushRecord>, };
export type ProtectionKind = "none" | "keychain" | "passphrase";
export type VaultOverview = { 
/**
 * How the open ring is protected.
 */
protection: ProtectionKind, 
/**
 * Every key (no private material).
 */
keys: Array<KeySummary>, 
/**
 * Fingerprints in no verified recovery kit (drives the "not backed up" reminder).
 */
not_backed_up: Array<string>, 
/**
 * A kit was made, but some key is missing from every verified kit.
 */
kit_out_of_date: boolean, };
export type ImportOutcome = { 
/**
 * The key (new or already there).
 */
key: KeySummary, 
/**
 * `false` when the ring already held it (nothing changed).
 */
added: boolean, };
export type RestoreOutcome = { 
/**
 * Kit id.
 */
kit_id: string, 
/**
 * Fingerprints of the keys in the kit.
 */
fingerprints: Array<string>, 
/**
 * Fingerprints newly added to the ring (restore only).
 */
added: Array<string>, 
/**
 * Fingerprints the ring already had.
 */
already_present: Array<string>, };
export type CreateWith = "keychain" | "passphrase";
export type BackupCreated = { 
/**
 * Path of the kit file.
 */
file: string, 
/**
 * The 24 words, in order.
 */
words: Array<string>, 
/**
 * Fingerprints of the keys in the kit.
 */
fingerprints: Array<string>, 
/**
 * The kit's id.
 */
kit_id: string, };
export type PhraseCheck = { 
/**
 * 24 known words with a good checksum.
 */
valid: boolean, 
/**
 * `invalid_phrase` naming the problem (the position of an unknown word).
 */
error: IpcError | null, };
