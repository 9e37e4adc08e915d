// Closed list of error kinds (DESIGN.md section 5, plus `cancelled`). The UI switches on it.
export type ErrorKind =
  | "not_a_result" | "incomplete_archive" | "invalid_key_file" | "no_matching_key"
  | "damaged_ciphertext" | "damaged_contents" | "unsafe_archive" | "output_exists"
  | "io" | "cancelled" | "internal";

// Every failed command rejects with this object.
export type IpcError = { kind: ErrorKind; message: string; hint: string };

export type ArchiveLayout = "encrypted" | "legacy_encrypted" | "plain";
export type EncryptionFormat = "aes-256-cbc" | "legacy-aes-128-ecb";

export type ArchiveEntry = { path: string; size: number; compressed_size: number };
export type ArchiveInfo = {
  layout: ArchiveLayout;
  entries: Array<ArchiveEntry>;       // entries of the outer zip
  rsa_key_bits: number | null;        // from aes-key.rsa, when encrypted
  ciphertext_size: number | null;     // bytes of iexec_out.zip.aes
};

export type ResultFile = { path: string; size: number };
export type OpenStatus = "decrypted" | "not_encrypted";
export type OpenOutcome = {
  status: OpenStatus;
  format: EncryptionFormat | null;
  key_fingerprint: string | null;     // 64 hex digits, SHA-256 of the key's SPKI DER
  key_label: string | null;           // e.g. the key file name
  output: string;                     // absolute path of the folder (extract) or zip written
  files: Array<ResultFile>;
};

export type Stage = "unwrapping_key" | "decrypting" | "finishing";
export type ProgressEvent = { stage: Stage; done: number; total: number }; // bytes, cumulative

export type KeyLocationKind = "file" | "folder";
export type KeyLocation = { path: string; kind: KeyLocationKind; key_count: number };

export type DropCheck = { path: string; looks_like_zip: boolean };
