#!/usr/bin/env bash
# Makes an encrypted iExec result archive with openssl and zip, independently of the Rust code,
# so that the tests and benchmarks decrypt something our own code did not produce.
#
#   scripts/make-encrypted-result.sh PUBKEY.pem SIZE_MB OUT.zip
#
# PUBKEY.pem: the beneficiary's RSA public key (SPKI PEM, as `iexec result
# generate-encryption-keypair` writes `<address>_key.pub`). SIZE_MB: size of the result's files,
# half random bytes (random.bin, incompressible) and half repeated text (result.txt, which deflates
# to almost nothing), plus a computed.json naming result.txt as the deterministic output.
#
# Output, the layout of docs/design.md 1.1:
#   OUT.zip            two entries at the root, iexec_out.zip.aes then aes-key.rsa (zip's own
#                      choice of method: Deflate, or Stored where Deflate would not shrink it):
#                      - iexec_out.zip.aes: a 16-byte IV, then the inner zip encrypted with
#                        AES-256-CBC and PKCS#7 padding under a fresh random 32-byte key;
#                      - aes-key.rsa: that key encrypted to PUBKEY with RSA PKCS#1 v1.5 padding
#                        (not OAEP), 512 bytes for an RSA-4096 key.
#   OUT.zip.plain.sha256  the SHA-256 (hex) of the inner zip, i.e. of the plaintext that a
#                      decryption to a zip must give back byte for byte.
# and the absolute path of OUT.zip on stdout.
#
# One deliberate difference from the enclave: the inner zip is made by zipping the folder
# iexec_out/ itself, so its entries carry the `iexec_out/` prefix (and a directory entry), where
# the enclave writes the folder's files at the root (docs/design.md 1.1). Tests that list the
# decrypted files expect that prefix; tests/standins/make-scenario.mjs makes root-level archives.
#
# Needs bash, coreutils, zip and openssl.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 PUBKEY.pem SIZE_MB OUT.zip" >&2
  exit 2
fi
pubkey=$(realpath "$1")
size_mb=$2
out=$(realpath -m "$3")
case $size_mb in '' | *[!0-9]*) echo "SIZE_MB must be a whole number of MiB, got '$size_mb'" >&2; exit 2 ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. The result folder, as an app leaves /iexec_out.
files=$tmp/iexec_out
mkdir -p "$files"
random_mb=$(( size_mb / 2 ))
text_mb=$(( size_mb - random_mb ))
head -c "${random_mb}M" /dev/urandom > "$files/random.bin"
# `yes` is killed by SIGPIPE when head has enough; `|| true` keeps pipefail quiet about it.
{ yes 'iExec result line lorem ipsum dolor sit amet' || true; } | head -c "${text_mb}M" > "$files/result.txt"
printf '%s\n' '{"deterministic-output-path": "/iexec_out/result.txt"}' > "$files/computed.json"

# 2. The inner zip (the plaintext of iexec_out.zip.aes), Deflate at zip's default level 6.
(cd "$tmp" && zip -q -r iexec_out.zip iexec_out)

# 3. A random AES-256 key and IV; openssl enc takes them in hex, the files hold raw bytes.
openssl rand 32 > "$tmp/aes.key"
openssl rand 16 > "$tmp/aes.iv"
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
mkdir "$tmp/outer"
{
  cat "$tmp/aes.iv"
  openssl enc -aes-256-cbc -K "$(hex "$tmp/aes.key")" -iv "$(hex "$tmp/aes.iv")" -in "$tmp/iexec_out.zip"
} > "$tmp/outer/iexec_out.zip.aes"

# 4. The AES key, wrapped for the beneficiary with RSA PKCS#1 v1.5.
openssl pkeyutl -encrypt -pubin -inkey "$pubkey" -pkeyopt rsa_padding_mode:pkcs1 \
  -in "$tmp/aes.key" -out "$tmp/outer/aes-key.rsa"

# 5. The outer archive, and the digest of the plaintext for the caller to compare against.
rm -f "$out"
(cd "$tmp/outer" && zip -q "$out" iexec_out.zip.aes aes-key.rsa)
sha256sum "$tmp/iexec_out.zip" | cut -d' ' -f1 > "$out.plain.sha256"
echo "$out"
