// TEMPORARY: the key ring types of docs/ipc-contract.md ("Key ring"), exactly as the contract
// gives them, until ts-rs regenerates bindings.ts with them. Then every import of this file
// switches to "./bindings" (or "../ipc/bindings") and this file is deleted.

export type ErrorKind =
  | "not_a_result"
  | "incomplete_archive"
  | "invalid_key_file"
  | "no_matching_key"
  | "damaged_ciphertext"
  | "damaged_contents"
  | "unsafe_archive"
  | "output_exists"
  | "io"
  | "cancelled"
  | "keychain_unavailable"
  | "keychain_locked"
  | "keyring_damaged"
  | "wrong_passphrase"
  | "key_not_found"
  | "backup_required"
  | "invalid_phrase"
  | "phrase_for_another_kit"
  | "invalid_kit"
  | "internal";
export type IpcError = { kind: ErrorKind; message: string; hint: string };
export type KeySource = "generated" | "imported_file" | "iexec_secrets_folder" | "pasted" | "restored";
export type KeyStatus = "active" | "retired";
export type PushRecord = { network: string; sms_url: string; address: string; at: string; outcome: string };
export type KeySummary = {
  fingerprint: string;
  short_fingerprint: string;
  label: string;
  created: string;
  source: KeySource;
  addresses: string[];
  status: KeyStatus;
  backed_up: boolean;
  push_journal: PushRecord[];
};
export type ProtectionKind = "none" | "keychain" | "passphrase";
export type VaultOverview = {
  protection: ProtectionKind;
  keys: KeySummary[];
  not_backed_up: string[];
  kit_out_of_date: boolean;
};
export type ImportOutcome = { key: KeySummary; added: boolean };
export type BackupCreated = { file: string; words: string[]; fingerprints: string[]; kit_id: string };
export type RestoreOutcome = { kit_id: string; fingerprints: string[]; added: string[]; already_present: string[] };
export type PhraseCheck = { valid: boolean; error: IpcError | null };
