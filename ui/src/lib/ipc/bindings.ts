// Generated from the Rust types by ts-rs (src-tauri/tests/bindings.rs). Do not edit:
// run `UPDATE_BINDINGS=1 cargo test -p result-vault-app --test bindings` instead.

export type ErrorKind = "not_a_result" | "incomplete_archive" | "invalid_key_file" | "no_matching_key" | "damaged_ciphertext" | "damaged_contents" | "unsafe_archive" | "output_exists" | "io" | "cancelled" | "internal";
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
