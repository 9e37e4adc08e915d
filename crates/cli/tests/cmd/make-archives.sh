#!/usr/bin/env bash
# Makes the damaged result archives of the snapshot cases (damaged_ciphertext, damaged_contents,
# unsafe_archive) with openssl, python3 and the fixture key pair, and the truncated archive of
# incomplete_archive. Run it from anywhere; it writes into the cases' `.in/` folders. The outputs
# are committed: run it again only to remake them (the AES key is random, the messages are not).
#   crates/cli/tests/cmd/make-archives.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../../../../tests/fixtures/iexec-sdk
pub=$fixtures/expected_key.pub
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }

# encrypted INNER OUT [CUT]: OUT holds aes-key.rsa (a random AES-256 key wrapped for
# expected_key.pub, RSA PKCS#1 v1.5) and iexec_out.zip.aes (IV + AES-256-CBC of INNER), the
# latter shortened by CUT bytes when given.
encrypted() {
  openssl rand 32 > "$tmp/aes.key"
  openssl rand 16 > "$tmp/aes.iv"
  { cat "$tmp/aes.iv"; openssl enc -aes-256-cbc -K "$(hex "$tmp/aes.key")" -iv "$(hex "$tmp/aes.iv")" -in "$1"; } > "$tmp/ct"
  openssl pkeyutl -encrypt -pubin -inkey "$pub" -pkeyopt rsa_padding_mode:pkcs1 -in "$tmp/aes.key" -out "$tmp/wrapped"
  python3 - "$tmp/wrapped" "$tmp/ct" "$2" "${3:-0}" <<'PY'
import sys, zipfile
wrapped, ct, out, cut = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = open(ct, "rb").read()
if cut:
    data = data[:-cut]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("iexec_out.zip.aes", data)
    z.writestr("aes-key.rsa", open(wrapped, "rb").read())
PY
}

# A sound inner zip, and one with an entry escaping the output folder.
python3 - "$tmp" <<'PY'
import sys, zipfile
d = sys.argv[1]
with zipfile.ZipFile(d + "/inner.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("computed.json", '{"deterministic-output-path": "/iexec_out/result.txt"}\n')
    z.writestr("result.txt", "hello\n")
with zipfile.ZipFile(d + "/evil.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("computed.json", "{}\n")
    z.writestr(zipfile.ZipInfo("../evil.txt"), "pwned\n")
PY
printf 'hello, I am not a zip at all\n' > "$tmp/not-a-zip"

mkdir -p "$here/damaged_ciphertext.in" "$here/damaged_contents.in" "$here/unsafe_archive.in" "$here/incomplete_archive.in"
encrypted "$tmp/inner.zip" "$here/damaged_ciphertext.in/result.zip" 3
encrypted "$tmp/not-a-zip" "$here/damaged_contents.in/result.zip"
encrypted "$tmp/evil.zip" "$here/unsafe_archive.in/result.zip"
# The fixture archive cut after 1000 of its 1280 bytes (a download cut short).
head -c 1000 "$fixtures/encryptedResults.zip" > "$here/incomplete_archive.in/result.zip"
