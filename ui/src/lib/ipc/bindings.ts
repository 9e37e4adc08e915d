// Generated from the Rust types by ts-rs (src-tauri/tests/bindings.rs). Do not edit:
// run `UPDATE_BINDINGS=1 cargo test -p result-vault-app --test bindings` instead.

export type ErrorKind = "not_a_result" | "incomplete_archive" | "invalid_key_file" | "no_matching_key" | "damaged_ciphertext" | "damaged_contents" | "unsafe_archive" | "output_exists" | "io" | "cancelled" | "keychain_unavailable" | "keychain_locked" | "keyring_damaged" | "wrong_passphrase" | "key_not_found" | "backup_required" | "invalid_phrase" | "phrase_for_another_kit" | "invalid_kit" | "network" | "invalid_address" | "chain_mismatch" | "task_not_found" | "no_result" | "wrong_password" | "invalid_wallet" | "wallet_required" | "sms_unauthorized" | "sms_key_absent" | "sms_key_exists" | "sms_value_too_large" | "keyring_not_open" | "keyring_empty" | "unknown_network" | "invalid_input" | "busy" | "internal";
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
hint: string, 
/**
 * The facts of the case that the message states in English, for a UI that says them in its
 * own language (absent for most errors; never in the CLI's `--json`, whose error object is
 * exactly `{kind, message, hint}`).
 */
facts?: ErrorFacts, };
export type ErrorFacts = { 
/**
 * `invalid_phrase`: the 1-based position of the first word that is not a BIP39 word.
 */
word: number | null, 
/**
 * `no_matching_key`: the keys tried, each as `3F2A 91C0 77DE 0B44 (label)`.
 */
keys_tried: Array<string>, };
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
export type OpenedFile = "opened" | "shown_in_folder";
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
outcome: string, 
/**
 * Whether the SMS accepted it.
 */
ok: boolean, };
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
kit_out_of_date: boolean, 
/**
 * The fingerprint of the active key (the one pushed to the SMS and replaced by a rotation:
 * the newest key whose status is active), if any. Decided here only, never by a host.
 */
active_key: string | null, };
export type ImportOutcome = { 
/**
 * The key (new or already there).
 */
key: KeySummary, 
/**
 * `false` when the ring already held it (nothing changed).
 */
added: boolean, };
export type KeysImported = { 
/**
 * One per key found (generated, pasted, or in the file or folder).
 */
outcomes: Array<ImportOutcome>, 
/**
 * The ring after the change.
 */
overview: VaultOverview, };
export type KeyChanged = { 
/**
 * The key, as it was changed.
 */
key: KeySummary, 
/**
 * The ring after the change.
 */
overview: VaultOverview, };
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
export type BackupVerified = { 
/**
 * What the kit holds (nothing is added to the ring).
 */
outcome: RestoreOutcome, 
/**
 * The ring after the kit was marked verified.
 */
overview: VaultOverview, };
export type CreateWith = "keychain" | "passphrase";
export type E2eMode = "off" | "hooks" | "tour";
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
kit_id: string, 
/**
 * The ring after the kit was recorded.
 */
overview: VaultOverview, };
export type PhraseCheck = { 
/**
 * 24 known words with a good checksum.
 */
valid: boolean, 
/**
 * `invalid_phrase` naming the problem (the position of an unknown word).
 */
error: IpcError | null, };
export type Network = { 
/**
 * Name as in the iexec CLI's `chain.json` (`arbitrum-mainnet`...).
 */
name: string, 
/**
 * A name for people.
 */
label: string, 
/**
 * EIP-155 chain id.
 */
chain_id: number, 
/**
 * JSON-RPC endpoint.
 */
rpc_url: string, 
/**
 * PoCo hub (diamond proxy) address, checksummed.
 */
hub: string, 
/**
 * Secret Management Service URLs (Bellecour has one per TEE framework).
 */
sms_urls: Array<string>, 
/**
 * IPFS gateways, preferred first.
 */
ipfs_gateways: Array<string>, 
/**
 * PoCo subgraph (GraphQL over HTTP POST).
 */
subgraph_url: string, 
/**
 * Market API (fallback index of deals).
 */
market_api_url: string, 
/**
 * Only for old tasks.
 */
legacy: boolean, };
export type NetworkInfo = { 
/**
 * The network, with any override applied.
 */
network: Network, 
/**
 * One of the built-in networks (it can be reset, not removed).
 */
builtin: boolean, 
/**
 * Some URL differs from the built-in defaults (or it is a custom network).
 */
customised: boolean, };
export type WatchedAddress = { 
/**
 * Network name (`arbitrum-mainnet`...).
 */
network: string, 
/**
 * EIP-55 checksummed.
 */
address: string, 
/**
 * A name the user gave (may be empty).
 */
label: string, 
/**
 * Unix seconds.
 */
added: number, 
/**
 * Unix seconds of the last successful refresh, if any.
 */
last_refresh: number | null, 
/**
 * The index the last refresh used (`subgraph` or `market`).
 */
last_source: string | null, };
export type TaskStatus = "unset" | "active" | "revealing" | "completed" | "failed" | "timeout";
export type ResultLocation = { "storage": "ipfs", 
/**
 * The location.
 */
location: string, } | { "storage": "ethereum" } | { "storage": "dropbox", 
/**
 * The location.
 */
location: string, } | { "storage": "none" };
export type DealSource = "subgraph" | "market" | "manual";
export type ResultState = "not_downloaded" | "downloading" | "partial" | "downloaded" | "decrypted" | "needs_key" | "not_encrypted" | "verified" | "mismatch";
export type VerificationStatus = "verified" | "mismatch" | "unverifiable";
export type Verification = { 
/**
 * The outcome.
 */
status: VerificationStatus, 
/**
 * `resultDigest` from `viewTask` (`0x` + 64 hex), when there is one.
 */
expected: string | null, 
/**
 * The digest recomputed from the files, when it could be.
 */
computed: string | null, 
/**
 * Why it is unverifiable or what a mismatch means, for people.
 */
reason: string | null, 
/**
 * `deterministic-output-path` of `computed.json`, when read.
 */
deterministic_output_path: string | null, };
export type TaskRow = { 
/**
 * Network name.
 */
network: string, 
/**
 * Task id.
 */
task_id: string, 
/**
 * Deal id.
 */
deal_id: string, 
/**
 * Index in the deal.
 */
idx: number, 
/**
 * The deal's beneficiary.
 */
beneficiary: string, 
/**
 * Who paid.
 */
requester: string, 
/**
 * App address.
 */
app: string, 
/**
 * App name, when an index knows it.
 */
app_name: string | null, 
/**
 * The deal's `params`.
 */
params: string, 
/**
 * Whether the deal asked for encrypted results; `None` for legacy non-JSON params.
 */
encrypted: boolean | null, 
/**
 * The deal's start (unix seconds).
 */
start_time: number, 
/**
 * Unix seconds.
 */
final_deadline: number, 
/**
 * State, TIMEOUT derived at listing time; `unset` = not started.
 */
status: TaskStatus, 
/**
 * Where the result is.
 */
result: ResultLocation, 
/**
 * The raw `results` text, for the details pane.
 */
results_raw: string, 
/**
 * What the enclave attested, when revealed.
 */
result_digest: string | null, 
/**
 * Which index found the deal.
 */
source: DealSource, 
/**
 * When the chain last confirmed this task (unix seconds).
 */
confirmed_at: number | null, 
/**
 * Where the result stands in this vault.
 */
vault: ResultState, 
/**
 * The downloaded archive, when kept.
 */
archive_path: string | null, 
/**
 * The decrypted folder, when opened.
 */
output_path: string | null, 
/**
 * The last verification against the chain.
 */
verification: Verification | null, 
/**
 * Bytes downloaded so far (for a partial download).
 */
downloaded_bytes: number, 
/**
 * Size of the archive when known (0 otherwise).
 */
total_bytes: number, };
export type RefreshProgress = { "stage": "indexing", 
/**
 * Deals so far.
 */
deals: number, } | { "stage": "confirming", 
/**
 * Tasks confirmed so far.
 */
done: number, 
/**
 * Tasks to confirm.
 */
total: number, };
export type RefreshOutcome = { 
/**
 * Network name.
 */
network: string, 
/**
 * Beneficiary, checksummed.
 */
address: string, 
/**
 * Which index answered.
 */
source: DealSource, 
/**
 * Deals the index returned in this refresh.
 */
deals_seen: number, 
/**
 * Tasks not in the cache before.
 */
new_tasks: number, 
/**
 * Tasks confirmed on chain in this refresh.
 */
confirmed: number, 
/**
 * Set when the subgraph failed and the market API answered instead, or when the chain could
 * not confirm: the list may be incomplete or stale.
 */
warning: string | null, 
/**
 * Milliseconds the index took.
 */
index_ms: number, 
/**
 * Milliseconds the chain confirmation took.
 */
confirm_ms: number, };
export type ChainTask = { 
/**
 * `0x` + 64 hex.
 */
task_id: string, 
/**
 * `0x` + 64 hex (zero for an uninitialised task).
 */
deal_id: string, 
/**
 * Index in the deal.
 */
idx: number, 
/**
 * State, TIMEOUT derived.
 */
status: TaskStatus, 
/**
 * Unix seconds.
 */
final_deadline: number, 
/**
 * `0x` + 64 hex, what the enclave attested (zero until completed).
 */
result_digest: string, 
/**
 * Where the result is.
 */
result: ResultLocation, 
/**
 * The raw `results` text, for the details pane.
 */
results_raw: string, };
export type DownloadProgress = { 
/**
 * Bytes on disk so far.
 */
done: number, 
/**
 * Size of the archive (0 until a gateway says).
 */
total: number, 
/**
 * Bytes per second over the current attempt.
 */
bytes_per_sec: number, 
/**
 * The gateway in use (scheme and host).
 */
gateway: string, 
/**
 * 1 for the first attempt.
 */
attempt: number, 
/**
 * Set while waiting before a retry: milliseconds to wait, and why.
 */
retry_in_ms: number | null, 
/**
 * Why the previous attempt failed, while retrying.
 */
retry_reason: string | null, };
export type DownloadOutcome = { 
/**
 * The archive, complete.
 */
path: string, 
/**
 * Its size.
 */
bytes: number, 
/**
 * Bytes that were already on disk from an earlier attempt (0 if none).
 */
resumed_from: number, 
/**
 * The gateway that served the last byte.
 */
gateway: string, 
/**
 * Attempts made.
 */
attempts: number, };
export type FetchEvent = { "stage": "confirming" } | { "stage": "downloading", "progress": DownloadProgress } | { "stage": "opening", "progress": ProgressEvent } | { "stage": "verifying" };
export type FetchOutcome = { 
/**
 * The task as the chain says now.
 */
task: ChainTask, 
/**
 * The download.
 */
download: DownloadOutcome, 
/**
 * The opened result.
 */
open: OpenOutcome, 
/**
 * The comparison with the chain.
 */
verification: Verification, };
export type TaskFetched = { 
/**
 * Download, opening and verification.
 */
outcome: FetchOutcome, 
/**
 * The task's row, updated.
 */
row: TaskRow | null, };
export type WalletKeep = "in_ring" | "path_only";
export type WalletSummary = { 
/**
 * Checksummed address.
 */
address: string, 
/**
 * A name for people.
 */
label: string, 
/**
 * RFC 3339.
 */
added: string, 
/**
 * Its key is kept in the ring (else the keystore password is asked to sign).
 */
in_ring: boolean, 
/**
 * The keystore file, when only its path is kept.
 */
keystore_path: string | null, };
export type FoundKeystore = { 
/**
 * Absolute path.
 */
path: string, 
/**
 * Its address, when the file states it.
 */
address: string | null, };
export type SmsState = "pushed_from_vault" | "set_elsewhere" | "absent";
export type SmsStatus = { 
/**
 * Network name.
 */
network: string, 
/**
 * SMS base URL.
 */
sms_url: string, 
/**
 * Checksummed address.
 */
address: string, 
/**
 * What is there.
 */
state: SmsState, 
/**
 * The key this vault last pushed there (fingerprint), if any.
 */
fingerprint: string | null, 
/**
 * When (RFC 3339).
 */
at: string | null, };
export type SmsPushed = { 
/**
 * What the network's SMS holds for the address now, with this vault's journal.
 */
status: SmsStatus, 
/**
 * The ring after the push.
 */
overview: VaultOverview, };
export type PushOutcome = { 
/**
 * SMS base URL.
 */
sms_url: string, 
/**
 * Owner (beneficiary) address, checksummed.
 */
address: string, 
/**
 * `true` when created (POST), `false` when updated (PUT).
 */
created: boolean, 
/**
 * HTTP status of the successful answer.
 */
status: number, };
export type RotationStep = "started" | "key_generated" | "kit_updated" | "pushed" | "done";
export type Rotation = { 
/**
 * Random id.
 */
id: string, 
/**
 * The beneficiary address the key is for (checksummed).
 */
address: string, 
/**
 * Networks whose SMS gets the new key.
 */
networks: Array<string>, 
/**
 * The key being replaced, if any.
 */
old_fingerprint: string | null, 
/**
 * The new key, once generated.
 */
new_fingerprint: string | null, 
/**
 * The last step completed.
 */
step: RotationStep, 
/**
 * Networks already pushed.
 */
pushed: Array<string>, 
/**
 * When it started.
 */
started: string, 
/**
 * When it finished.
 */
finished: string | null, };
export type RotationChanged = { 
/**
 * The rotation after the step.
 */
rotation: Rotation, 
/**
 * The ring after the step.
 */
overview: VaultOverview, };
export type ResultSource = "task" | "file" | "cli";
export type ResultRecord = { 
/**
 * When it was opened, Unix seconds.
 */
opened_at: number, 
/**
 * Where it came from.
 */
source: ResultSource, 
/**
 * The task's network, for a task.
 */
network: string | null, 
/**
 * The task id (`0x` + 64 hex), for a task.
 */
task_id: string | null, 
/**
 * The app's name, or its address, for a task.
 */
app: string | null, 
/**
 * The result archive (absolute).
 */
archive_path: string, 
/**
 * What was written: a folder of the decrypted files, or a zip (absolute).
 */
output_path: string, 
/**
 * Bytes of the result's files.
 */
size: number, 
/**
 * How many files.
 */
file_count: number, 
/**
 * Whether it was encrypted (false: a plain result; see `archive::OpenStatus`).
 */
encrypted: boolean, 
/**
 * The key that opened it (64 hex).
 */
key_fingerprint: string | null, 
/**
 * Its label.
 */
key_label: string | null, 
/**
 * The verification against the result digest on chain (not verifiable, with the reason,
 * for a dropped file).
 */
verification: Verification, };
export type LibraryEntry = { 
/**
 * Its id in the library.
 */
id: number, 
/**
 * When it was opened, Unix seconds.
 */
opened_at: number, 
/**
 * Where it came from.
 */
source: ResultSource, 
/**
 * The task's network, for a task.
 */
network: string | null, 
/**
 * The task id (`0x` + 64 hex), for a task.
 */
task_id: string | null, 
/**
 * The app's name, or its address, for a task.
 */
app: string | null, 
/**
 * The result archive (absolute).
 */
archive_path: string, 
/**
 * What was written: a folder of the decrypted files, or a zip (absolute).
 */
output_path: string, 
/**
 * Bytes of the result's files.
 */
size: number, 
/**
 * How many files.
 */
file_count: number, 
/**
 * Whether it was encrypted (false: a plain result; see `archive::OpenStatus`).
 */
encrypted: boolean, 
/**
 * The key that opened it (64 hex).
 */
key_fingerprint: string | null, 
/**
 * Its label.
 */
key_label: string | null, 
/**
 * The verification against the result digest on chain (not verifiable, with the reason,
 * for a dropped file).
 */
verification: Verification, };
export type LibraryItem = { 
/**
 * The stored facts.
 */
entry: LibraryEntry, 
/**
 * The decrypted files are still where they were written.
 */
output_exists: boolean, 
/**
 * The encrypted archive is still there.
 */
archive_exists: boolean, };
export type LibraryFile = { 
/**
 * Relative to the result's folder, `/`-separated.
 */
path: string, 
/**
 * Bytes.
 */
size: number, };
export type Preview = { "kind": "text", 
/**
 * The text (its beginning when `truncated`).
 */
text: string, 
/**
 * Only the beginning is here.
 */
truncated: boolean, } | { "kind": "markdown", 
/**
 * The text.
 */
text: string, 
/**
 * Only the beginning is here.
 */
truncated: boolean, } | { "kind": "json", 
/**
 * The document's text.
 */
text: string, 
/**
 * Only the beginning is here (not parseable as a whole).
 */
truncated: boolean, } | { "kind": "csv", 
/**
 * The text.
 */
text: string, 
/**
 * Only the beginning is here.
 */
truncated: boolean, } | { "kind": "image", 
/**
 * `image/png`, `image/jpeg`, `image/gif` or `image/webp` (from the file's first bytes).
 */
mime: string, 
/**
 * The bytes, base64.
 */
base64: string, } | { "kind": "other", 
/**
 * Why it is not shown: `binary`, `svg`, `too_large`, `folder`.
 */
reason: string, };
export type FilePreview = { 
/**
 * The file, relative to the result's folder.
 */
path: string, 
/**
 * Its size in bytes.
 */
size: number, 
/**
 * What to show.
 */
preview: Preview, };
export type NewResultAction = "notify" | "download" | "open";
export type WatchSettings = { 
/**
 * Watch in the background (on by default once an address is watched).
 */
enabled: boolean, 
/**
 * Minutes between checks, 1 to 1,440.
 */
interval_minutes: number, 
/**
 * What to do with a new result.
 */
on_new_result: NewResultAction, 
/**
 * Closing the window keeps Result Vault in the tray / menu bar.
 */
close_to_tray: boolean, 
/**
 * The first close to the tray was explained to the user.
 */
close_explained: boolean, 
/**
 * Start Result Vault when the user logs in (off by default).
 */
start_at_login: boolean, };
export type NewResultState = "ready" | "downloaded" | "verified" | "mismatch" | "opened" | "needs_key" | { "failed": string };
export type NewResult = { 
/**
 * Network name.
 */
network: string, 
/**
 * Task id (`0x` + 64 hex).
 */
task_id: string, 
/**
 * The app's name, or its address.
 */
app: string, 
/**
 * What was done.
 */
state: NewResultState, };
export type WatchReport = { 
/**
 * When it ran (unix seconds).
 */
checked_at: number, 
/**
 * Every address and network answered.
 */
ok: boolean, 
/**
 * What failed, for people (empty when `ok`).
 */
problems: Array<string>, 
/**
 * Address × network pairs checked.
 */
checked: number, 
/**
 * Results that appeared.
 */
new_results: Array<NewResult>, 
/**
 * The key ring was locked, so new results were only downloaded.
 */
ring_locked: boolean, 
/**
 * Milliseconds the check took.
 */
took_ms: number, };
export type WatchStatus = { 
/**
 * The last check, if one ran in this run of the app.
 */
last: WatchReport | null, 
/**
 * A check is running now.
 */
running: boolean, 
/**
 * The settings.
 */
settings: WatchSettings, };
