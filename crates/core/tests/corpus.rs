//! Malformed-input corpus: every case gets its exact error kind, never a panic, and leaves
//! nothing behind in the output folder.

mod common;

use std::path::Path;

use common::*;
use result_vault_core::archive::inner::Limits;
use result_vault_core::archive::{open_result, OpenOptions, OpenOutcome, OpenStatus, OutputTarget};
use result_vault_core::keys::{load_keys, KeyCandidate};
use result_vault_core::progress::{no_progress, CancelToken};
use result_vault_core::{Error, ErrorKind};

fn right_key() -> Vec<KeyCandidate> {
    load_keys(&fixture("expected_key")).unwrap()
}

/// Opens `bytes` as an archive, extracting into a fresh folder; checks that a failure leaves the
/// folder's parent empty.
fn try_open_with(bytes: &[u8], keys: &[KeyCandidate], limits: Limits) -> Result<OpenOutcome, Error> {
    let dir = tempfile::tempdir().unwrap();
    let archive = write_temp(dir.path(), "archive.zip", bytes);
    let out_parent = dir.path().join("out");
    std::fs::create_dir(&out_parent).unwrap();
    let mut opts = OpenOptions::new(OutputTarget::Folder(out_parent.join("result")));
    opts.limits = limits;
    let r = open_result(&archive, keys, &opts, &no_progress, &CancelToken::new());
    if r.is_err() {
        let left: Vec<_> = std::fs::read_dir(&out_parent).unwrap().collect();
        assert!(left.is_empty(), "a failure left files behind: {left:?}");
    }
    // The zip output mode must agree with the extraction mode on the outcome kind.
    let zip_out = dir.path().join("zip-out");
    std::fs::create_dir(&zip_out).unwrap();
    let mut zopts = OpenOptions::new(OutputTarget::Zip(zip_out.join("results.zip")));
    zopts.limits = limits;
    let rz = open_result(&archive, keys, &zopts, &no_progress, &CancelToken::new());
    if rz.is_err() {
        assert_eq!(std::fs::read_dir(&zip_out).unwrap().count(), 0, "zip mode left files behind");
    }
    // The zip mode only checks the entries (small Deflate ones on a helper thread), the folder
    // mode extracts them in order: both must reach the same outcome.
    match (&r, &rz) {
        (Ok(a), Ok(b)) => assert_eq!(a.files, b.files),
        (Err(a), Err(b)) => assert_eq!((a.kind, &a.message), (b.kind, &b.message), "the two modes disagree"),
        _ => panic!("the two modes disagree: folder {r:?}, zip {rz:?}"),
    }
    r
}

fn try_open(bytes: &[u8]) -> Result<OpenOutcome, Error> {
    try_open_with(bytes, &right_key(), Limits::default())
}

fn kind(bytes: &[u8]) -> ErrorKind {
    match try_open(bytes) {
        Ok(o) => panic!("expected an error, got {o:?}"),
        Err(e) => {
            assert!(!e.message.is_empty() && !e.hint.is_empty());
            e.kind
        }
    }
}

#[test]
fn not_results() {
    assert_eq!(kind(b""), ErrorKind::NotAResult);
    assert_eq!(kind(b"just some text\n"), ErrorKind::NotAResult);
    assert_eq!(kind(b"<!DOCTYPE html><html>504 Gateway Time-out</html>"), ErrorKind::NotAResult);
    assert_eq!(kind(&std::fs::read(fixture("expected_key.pub")).unwrap()), ErrorKind::NotAResult);
    assert_eq!(kind(&zip_of(&[("photo.jpg", b"\xff\xd8\xff")])), ErrorKind::NotAResult);
    let e = try_open(&zip_of(&[("aes-key.rsa", &[1u8; 512])])).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotAResult);
    assert!(e.message.contains("iexec_out.zip.aes"), "names the missing entry: {}", e.message);
    let e = try_open(&zip_of(&[("iexec_out.zip.aes", &[1u8; 64])])).unwrap_err();
    assert!(e.message.contains("aes-key.rsa"));
    // A gateway's error page gets its own hint.
    let e = try_open(b"<html><body>504</body></html>").unwrap_err();
    assert!(e.hint.contains("gateway"), "{}", e.hint);
}

#[test]
fn plain_result_is_not_encrypted_success() {
    let r = try_open(&sample_inner()).unwrap();
    assert_eq!(r.status, OpenStatus::NotEncrypted);
    assert_eq!(r.files.len(), 2);
    assert!(r.key_fingerprint.is_none());
}

#[test]
fn truncated_downloads_at_many_cut_points() {
    let (full, _) = encrypt_current("expected_key.pub", &sample_inner());
    let mut cuts: Vec<usize> = (4..full.len()).step_by(37).collect();
    cuts.extend([full.len() - 1, full.len() - 22, full.len() / 2, 30, 600]);
    for cut in cuts {
        assert_eq!(kind(&full[..cut]), ErrorKind::IncompleteArchive, "cut at {cut} of {}", full.len());
    }
    // Fewer than 4 bytes cannot even look like a zip.
    assert_eq!(kind(&full[..3]), ErrorKind::NotAResult);
}

/// A zip of `files` (name, content, method), sizes in the local headers.
fn zip_mixed(files: &[(&str, &[u8], zip::CompressionMethod)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data, method) in files {
        w.start_file(*name, zip::write::SimpleFileOptions::default().compression_method(*method)).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Offsets of an entry's data in a zip written by `outer` (local header 30 bytes + name).
fn data_offset(archive: &[u8], name: &str) -> usize {
    let pos = archive.windows(name.len()).position(|w| w == name.as_bytes()).unwrap();
    pos + name.len()
}

#[test]
fn flipped_byte_in_each_part() {
    let (full, _) = encrypt_current("expected_key.pub", &sample_inner());
    let flip = |at: usize| {
        let mut b = full.clone();
        b[at] ^= 0x55;
        b
    };
    // In the wrapped key's data and in the ciphertext's data: the outer CRC catches it.
    assert_eq!(kind(&flip(data_offset(&full, "aes-key.rsa") + 40)), ErrorKind::IncompleteArchive);
    assert_eq!(kind(&flip(data_offset(&full, "iexec_out.zip.aes") + 100)), ErrorKind::IncompleteArchive);
    // In the end-of-central-directory record.
    assert_eq!(kind(&flip(full.len() - 22)), ErrorKind::IncompleteArchive);
    // Every single position: an error of a download kind or a success, never a panic.
    for at in 0..full.len() {
        match try_open(&flip(at)) {
            Ok(_) => {}
            Err(e) => assert!(
                matches!(
                    e.kind,
                    ErrorKind::IncompleteArchive
                        | ErrorKind::NotAResult
                        | ErrorKind::DamagedCiphertext
                        | ErrorKind::NoMatchingKey
                ),
                "flip at {at}: {e:?}"
            ),
        }
    }
}

/// Sets, in every header of `archive` that names `name`, the 16-bit field at `offset` from the
/// header's signature to `value` (local header: method at 8, flags at 6; central: 10 and 8).
fn patch_headers(archive: &mut [u8], name: &str, local: usize, central: usize, value: u16) {
    let mut at = 0;
    while let Some(pos) = archive[at..].windows(name.len()).position(|w| w == name.as_bytes()) {
        let name_at = at + pos;
        // The name follows a 30-byte local header or a 46-byte central header.
        for (sig, len, field) in [(0x04034b50u32, 30usize, local), (0x02014b50, 46, central)] {
            if name_at >= len {
                let h = name_at - len;
                if archive[h..h + 4] == sig.to_le_bytes() {
                    archive[h + field..h + field + 2].copy_from_slice(&value.to_le_bytes());
                }
            }
        }
        at = name_at + name.len();
    }
}

#[test]
fn ciphertext_entry_stored_or_deflate_and_nothing_else() {
    // The ciphertext is read from the file itself (stored: straight into the buffer; Deflate:
    // inflated by flate2), with the CRC and size checked: both methods open the same way.
    let key = [0x42u8; 32];
    let wrapped = public_key("expected_key.pub").encrypt(&mut rand_core(), rsa::Pkcs1v15Encrypt, &key).unwrap();
    let ct = cbc_encrypt(&key, &[1u8; 16], &sample_inner());
    let entries: [(&str, &[u8]); 2] = [("aes-key.rsa", &wrapped), ("iexec_out.zip.aes", &ct)];
    for method in [zip::CompressionMethod::Stored, zip::CompressionMethod::Deflated] {
        let archive = zip_with(&entries, method);
        let r = try_open(&archive).unwrap_or_else(|e| panic!("{method:?}: {e:?}"));
        assert_eq!(r.files.len(), 2, "{method:?}");
        // A flipped ciphertext byte: the entry's CRC says the download is damaged.
        let mut bad = archive.clone();
        bad[data_offset(&archive, "iexec_out.zip.aes") + 40] ^= 1;
        assert_eq!(kind(&bad), ErrorKind::IncompleteArchive, "{method:?}");
    }
    // Another compression method (bzip2, 12) or the zip's own encryption (flag bit 0): no iExec
    // enclave writes them, so this is not a result as a task produces it.
    let mut other = zip_with(&entries, zip::CompressionMethod::Stored);
    patch_headers(&mut other, "iexec_out.zip.aes", 8, 10, 12);
    let e = try_open(&other).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotAResult, "{e:?}");
    let mut encrypted = zip_with(&entries, zip::CompressionMethod::Stored);
    patch_headers(&mut encrypted, "iexec_out.zip.aes", 6, 8, 1);
    assert_eq!(kind(&encrypted), ErrorKind::NotAResult);
}

#[test]
fn damaged_ciphertexts_in_a_sound_zip() {
    let key = [0x42u8; 32];
    let wrapped = public_key("expected_key.pub").encrypt(&mut rand_core(), rsa::Pkcs1v15Encrypt, &key).unwrap();
    let good = cbc_encrypt(&key, &[1u8; 16], &sample_inner());
    // Not a multiple of 16.
    assert_eq!(kind(&outer(&wrapped, &good[..good.len() - 3])), ErrorKind::DamagedCiphertext);
    // Only the IV.
    assert_eq!(kind(&outer(&wrapped, &good[..16])), ErrorKind::DamagedCiphertext);
    // Bad padding: the last block altered (the zip's CRC is recomputed by the writer).
    let mut bad_pad = good.clone();
    let n = bad_pad.len();
    bad_pad[n - 20] ^= 1;
    assert_eq!(kind(&outer(&wrapped, &bad_pad)), ErrorKind::DamagedCiphertext);
}

#[test]
fn damaged_inner_zip_is_damaged_contents() {
    let mut inner = zip_of(&[("computed.json", b"{}"), ("result.txt", &[b'x'; 5000])]);
    // Flip a byte inside result.txt's compressed data.
    let at = data_offset(&inner, "result.txt") + 3;
    inner[at] ^= 0xff;
    let (archive, _) = encrypt_current("expected_key.pub", &inner);
    assert_eq!(kind(&archive), ErrorKind::DamagedContents);
    // Not a zip at all once decrypted.
    let (archive, _) = encrypt_current("expected_key.pub", b"hello, I am not a zip at all");
    assert_eq!(kind(&archive), ErrorKind::DamagedContents);
    // A CRC that does not match (stored entry, content changed after the fact).
    let mut stored = zip_with(&[("computed.json", b"{}"), ("result.txt", b"abcdef")], zip::CompressionMethod::Stored);
    let at = data_offset(&stored, "result.txt");
    stored[at] = b'z';
    let (archive, _) = encrypt_current("expected_key.pub", &stored);
    let e = try_open(&archive).unwrap_err();
    assert_eq!(e.kind, ErrorKind::DamagedContents);
    assert!(e.message.contains("result.txt"));
    // An inner zip cut in the middle (valid encryption of a truncated zip).
    let inner = sample_inner();
    let (archive, _) = encrypt_current("expected_key.pub", &inner[..inner.len() - 30]);
    assert_eq!(kind(&archive), ErrorKind::DamagedContents);
}

#[test]
fn a_damaged_small_entry_is_reported_before_a_later_large_one_is_checked() {
    // result.txt (Deflate, small once compressed: inflated on the helper thread in zip mode),
    // then a larger stored file: the first file's damage is the error, in both modes.
    let big: Vec<u8> = (0..3u32 << 20).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let text = b"iExec result line\n".repeat(20_000);
    let inner = zip_mixed(&[
        ("result.txt", &text, zip::CompressionMethod::Deflated),
        ("computed.json", b"{}", zip::CompressionMethod::Deflated),
        ("random.bin", &big, zip::CompressionMethod::Stored),
    ]);
    let (archive, _) = encrypt_current("expected_key.pub", &inner);
    let ok = try_open(&archive).unwrap();
    assert_eq!(ok.files.iter().map(|f| f.size).collect::<Vec<_>>(), vec![text.len() as u64, 2, big.len() as u64]);
    let mut bad = inner.clone();
    let at = data_offset(&bad, "result.txt") + 40;
    bad[at] ^= 0x55;
    let (archive, _) = encrypt_current("expected_key.pub", &bad);
    let e = try_open(&archive).unwrap_err();
    assert_eq!(e.kind, ErrorKind::DamagedContents);
    assert!(e.message.contains("result.txt"), "{}", e.message);
    // The same, and the walk then fails at once on the next record (its signature broken): the
    // earlier entry's error is still the one reported, in both modes, whatever the timing.
    let next = data_offset(&bad, "computed.json") - "computed.json".len() - 30;
    bad[next] ^= 0xff;
    let (archive, _) = encrypt_current("expected_key.pub", &bad);
    for _ in 0..20 {
        let e = try_open(&archive).unwrap_err();
        assert!(e.message.contains("result.txt"), "{}", e.message);
    }
    // A local header (not the central directory) that lies about the entry: fewer bytes, more
    // bytes than it inflates to, another CRC-32. Offsets from the header's start: CRC 14, size 22.
    let header = data_offset(&inner, "result.txt") - "result.txt".len() - 30;
    let crc = u32::from_le_bytes(inner[header + 14..header + 18].try_into().unwrap());
    for (field, value, says) in [
        (22, 1000u32, "longer than its header says"),
        (22, 2 * text.len() as u32, "size does not match"),
        (14, crc ^ 1, "checksum does not match"),
    ] {
        let mut lying = inner.clone();
        lying[header + field..header + field + 4].copy_from_slice(&value.to_le_bytes());
        let (archive, _) = encrypt_current("expected_key.pub", &lying);
        let e = try_open(&archive).unwrap_err();
        assert_eq!(e.kind, ErrorKind::DamagedContents);
        assert!(e.message.contains("result.txt") && e.message.contains(says), "{}", e.message);
    }
}

#[test]
fn key_files_that_are_not_private_keys() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = write_temp(dir.path(), "garbage_key", b"\x00\x01not a key");
    assert_eq!(load_keys(&garbage).unwrap_err().kind, ErrorKind::InvalidKeyFile);
    assert_eq!(load_keys(&fixture("expected_key.pub")).unwrap_err().kind, ErrorKind::InvalidKeyFile);
    let enc = dir.path().join("enc_key");
    let st = std::process::Command::new("openssl")
        .args(["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:secret", "-in"])
        .arg(fixture("expected_key"))
        .arg("-out")
        .arg(&enc)
        .status()
        .unwrap();
    assert!(st.success());
    let e = load_keys(&enc).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidKeyFile);
    assert!(e.message.contains("password"));
    // A folder with only public keys.
    let folder = dir.path().join("beneficiary");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(fixture("expected_key.pub"), folder.join("0xabc_key.pub")).unwrap();
    assert_eq!(load_keys(&folder).unwrap_err().kind, ErrorKind::InvalidKeyFile);
}

#[test]
fn wrong_or_no_key() {
    let (archive, _) = encrypt_current("expected_key.pub", &sample_inner());
    let wrong = load_keys(&fixture("unexpected_key")).unwrap();
    assert_eq!(try_open_with(&archive, &wrong, Limits::default()).unwrap_err().kind, ErrorKind::NoMatchingKey);
    assert_eq!(try_open_with(&archive, &[], Limits::default()).unwrap_err().kind, ErrorKind::NoMatchingKey);
    let legacy = encrypt_legacy("expected_key.pub", &sample_inner());
    assert_eq!(try_open_with(&legacy, &wrong, Limits::default()).unwrap_err().kind, ErrorKind::NoMatchingKey);
}

#[test]
fn legacy_made_here_round_trips_and_bad_base64_is_damaged() {
    let r = try_open(&encrypt_legacy("expected_key.pub", &sample_inner())).unwrap();
    assert_eq!(r.files.len(), 2);
    let legacy = encrypt_legacy("expected_key.pub", &sample_inner());
    // Rebuild with a ciphertext entry that is not base64.
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(legacy)).unwrap();
    let mut wrapped = Vec::new();
    std::io::Read::read_to_end(&mut z.by_name("aes-key.rsa").unwrap(), &mut wrapped).unwrap();
    let e = try_open(&outer(&wrapped, b"@@@@ not base64 @@@@")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::DamagedCiphertext, "{e:?}");
}

#[test]
fn unsafe_entries_are_refused_and_nothing_escapes() {
    for name in ["../evil.txt", "/abs.txt", "a\\..\\b.txt", "C:/x.txt", "ok/../../evil.txt"] {
        let inner = zip_of(&[("computed.json", b"{}"), (name, b"pwned")]);
        let (archive, _) = encrypt_current("expected_key.pub", &inner);
        assert_eq!(kind(&archive), ErrorKind::UnsafeArchive, "{name}");
    }
    // A symbolic link entry.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("computed.json", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut w, b"{}").unwrap();
    w.add_symlink("link", "/etc/passwd", zip::write::SimpleFileOptions::default()).unwrap();
    let inner = w.finish().unwrap().into_inner();
    let (archive, _) = encrypt_current("expected_key.pub", &inner);
    assert_eq!(kind(&archive), ErrorKind::UnsafeArchive);
    // Two entries with one name (made by renaming "b.txt" to "a.txt" in place).
    let inner = zip_of(&[("a.txt", b"first"), ("b.txt", b"second")]);
    let renamed: Vec<u8> = replace_all(&inner, b"b.txt", b"a.txt");
    let (archive, _) = encrypt_current("expected_key.pub", &renamed);
    assert_eq!(kind(&archive), ErrorKind::UnsafeArchive);
}

/// Refused with `unsafe_archive` in both output modes; returns the message.
fn refused(inner: &[u8]) -> String {
    let (archive, _) = encrypt_current("expected_key.pub", inner);
    let e = try_open(&archive).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsafeArchive, "{e:?}");
    e.message
}

#[test]
fn names_unsafe_on_windows_or_macos_or_that_spoof_are_refused() {
    // (name, what the message must say): the entry is named, escaped, with the reason.
    for (name, says) in [
        ("invoice\u{202e}txt.exe", "invoice\\u{202e}txt.exe\" has an invisible formatting character (U+202E)"),
        ("a\u{2066}b\u{2069}.txt", "invisible formatting character (U+2066)"),
        ("mark\u{200f}.txt", "U+200F"),
        ("zero\u{200b}width.txt", "U+200B"),
        ("bell\u{7}.txt", "control characters"),
        ("nul.txt", "reserves for the device NUL"),
        ("COM1.log", "reserves for the device COM1"),
        ("out/con", "reserves for the device CON"),
        ("Lpt9.tar.gz", "reserves for the device LPT9"),
        ("report.txt.", "ending with a dot or a space"),
        ("notes.txt ", "ending with a dot or a space"),
        ("what?.txt", "`?`"),
        ("a<b>.txt", "`<`"),
        ("pipe|x", "`|`"),
        ("quote\"x", "`\"`"),
        ("star*", "`*`"),
        ("stream.txt:hidden", "`:`"),
    ] {
        let m = refused(&zip_of(&[("computed.json", b"{}"), (name, b"x")]));
        assert!(m.contains(says), "{name:?}: {m}");
    }
    // Two names one file system would merge: the second is refused, and both are named.
    let m = refused(&zip_of(&[("Result.txt", b"first"), ("computed.json", b"{}"), ("result.txt", b"second")]));
    assert!(m.contains("\"Result.txt\" and \"result.txt\""), "{m}");
    let (nfc, nfd) = ("caf\u{e9}.csv", "cafe\u{301}.csv");
    let m = refused(&zip_of(&[(nfc, b"composed"), ("computed.json", b"{}"), (nfd, b"decomposed")]));
    assert!(m.contains("upper and lower case or by how their accents are encoded"), "{m}");
    let m = refused(&zip_of(&[("Data/a.csv", b"1"), ("DATA/A.CSV", b"2")]));
    assert!(m.contains("\"Data/a.csv\" and \"DATA/A.CSV\""), "{m}");
    // Names close to those are fine.
    let ok =
        zip_of(&[("computed.json", b"{}"), ("console.log", b"x"), ("COM10", b"y"), (nfc, b"z"), ("r.txt.bak", b"w")]);
    let (archive, _) = encrypt_current("expected_key.pub", &ok);
    assert_eq!(try_open(&archive).unwrap().files.len(), 5);
}

/// An entry's content, written piece by piece to the given function (so that hundreds of MiB
/// never sit in memory).
type Content<'a> = &'a dyn Fn(&mut dyn FnMut(&[u8]));

/// `len` bytes repeating `unit`, in pieces of about 1 MiB.
fn repeating(unit: &[u8], len: usize, out: &mut dyn FnMut(&[u8])) {
    let piece = unit.repeat((1 << 20) / unit.len().max(1) + 1);
    let mut left = len;
    while left > 0 {
        let n = left.min(piece.len());
        out(&piece[..n]);
        left -= n;
    }
}

/// Over the ratio limit's floor (256 MiB), so that the ratio is checked.
const PAST_FLOOR: usize = 272 << 20;

/// An entry deflated at level 9: (compressed bytes, CRC-32, size). Level 9 finds the longest
/// matches, as a bomb maker would, and as Info-ZIP's `zip` already does at its default level
/// (zlib-rs at level 6 stops early on short patterns: the benchmark's text only 172:1, not 343:1),
/// so it is also the hardest case for the real data that must open.
fn deflate(content: Content) -> (Vec<u8>, u32, u64) {
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let mut crc = crc32fast::Hasher::new();
    let mut size = 0u64;
    content(&mut |piece: &[u8]| {
        crc.update(piece);
        size += piece.len() as u64;
        enc.write_all(piece).unwrap();
    });
    (enc.finish().unwrap(), crc.finalize(), size)
}

/// How a hand-made zip states an entry's sizes.
#[derive(Clone, Copy, PartialEq)]
enum Sizes {
    /// In the local header, as the enclave writes.
    InHeader,
    /// In a data descriptor after the data (flag bit 3), as the iExec SDK's JSZip writes.
    Descriptor,
    /// In the local header, the inflated size replaced by this one (ZIP64 extra field).
    Declared(u64),
}

/// A zip of Deflate entries made by hand (PKWARE APPNOTE 4.3.7, 4.3.9, 4.3.12, 4.5.3).
fn hand_zip(entries: &[(&str, Content)], sizes: Sizes) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    let u16le = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let u32le = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    for (name, content) in entries {
        let (data, crc, size) = deflate(*content);
        let offset = out.len() as u32;
        let flags: u16 = if sizes == Sizes::Descriptor { 0x0808 } else { 0x0800 };
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 45);
        u16le(&mut out, flags);
        u16le(&mut out, 8);
        u32le(&mut out, 0x0021_0000); // 1980-01-01 00:00
        match sizes {
            Sizes::InHeader => [crc, data.len() as u32, size as u32].iter().for_each(|&x| u32le(&mut out, x)),
            Sizes::Descriptor => [0, 0, 0].iter().for_each(|&x| u32le(&mut out, x)),
            Sizes::Declared(_) => [crc, u32::MAX, u32::MAX].iter().for_each(|&x| u32le(&mut out, x)),
        }
        u16le(&mut out, name.len() as u16);
        u16le(&mut out, if let Sizes::Declared(_) = sizes { 20 } else { 0 });
        out.extend_from_slice(name.as_bytes());
        if let Sizes::Declared(declared) = sizes {
            u16le(&mut out, 1);
            u16le(&mut out, 16);
            out.extend_from_slice(&declared.to_le_bytes());
            out.extend_from_slice(&(data.len() as u64).to_le_bytes());
        }
        out.extend_from_slice(&data);
        if sizes == Sizes::Descriptor {
            [0x0807_4b50, crc, data.len() as u32, size as u32].iter().for_each(|&x| u32le(&mut out, x));
        }
        u32le(&mut central, 0x0201_4b50);
        u16le(&mut central, 45); // made by MS-DOS (host 0): no Unix mode to read
        u16le(&mut central, 45);
        u16le(&mut central, flags);
        u16le(&mut central, 8);
        u32le(&mut central, 0x0021_0000);
        [crc, data.len() as u32, size as u32].iter().for_each(|&x| u32le(&mut central, x));
        u16le(&mut central, name.len() as u16);
        [0u16, 0, 0, 0].iter().for_each(|&x| u16le(&mut central, x));
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let (cd_offset, cd_size) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    u32le(&mut out, 0);
    u16le(&mut out, entries.len() as u16);
    u16le(&mut out, entries.len() as u16);
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0);
    out
}

fn computed(out: &mut dyn FnMut(&[u8])) {
    out(br#"{"deterministic-output-path":"/iexec_out/result.txt"}"#)
}

#[test]
fn a_deflate_bomb_is_stopped_with_or_without_sizes_in_its_header() {
    // 272 MiB of zeros deflate to about 270 KB (1,030:1, Deflate's best): past the 256 MiB floor,
    // the 400:1 limit stops it, in both modes (the zip mode inflates it on the helper thread).
    let zeros = |out: &mut dyn FnMut(&[u8])| repeating(&[0], PAST_FLOOR, out);
    for sizes in [Sizes::InHeader, Sizes::Descriptor] {
        let m = refused(&hand_zip(&[("computed.json", &computed as Content), ("result.txt", &zeros)], sizes));
        assert!(m.contains("\"result.txt\"") && m.contains("zip bomb"), "{m}");
    }
    // A pattern of 16 bytes (516:1) too.
    let short = |out: &mut dyn FnMut(&[u8])| repeating(b"0123456789abcdef", PAST_FLOOR, out);
    refused(&hand_zip(&[("computed.json", &computed as Content), ("result.txt", &short)], Sizes::Descriptor));
}

#[test]
fn highly_compressible_real_results_still_open() {
    // The benchmark's text (benches/decrypt-vs-cp.sh, scripts/make-encrypted-result.sh: one
    // 45-byte line repeated, about 330:1), past the floor, with and without a data descriptor.
    let line = b"iExec result line lorem ipsum dolor sit amet\n";
    let text = |out: &mut dyn FnMut(&[u8])| repeating(line, PAST_FLOOR, out);
    // A log that is 90 % runs of zeros between lines of text (about 50:1 in all).
    let log = |out: &mut dyn FnMut(&[u8])| {
        let mut written = 0usize;
        let zeros = vec![0u8; 60 << 10];
        let mut n = 0u64;
        while written < PAST_FLOOR {
            let mut lines = String::new();
            for _ in 0..100 {
                n += 1;
                lines += &format!(
                    "2026-12-05T14:{:02}:{:02}.{:06}Z worker {} step {n} loss={:.6}\n",
                    (n / 60) % 60,
                    n % 60,
                    (n * 7919) % 1_000_000,
                    n % 8,
                    1.0 / (n as f64)
                );
            }
            out(lines.as_bytes());
            out(&zeros);
            written += lines.len() + zeros.len();
        }
    };
    // (content, how its sizes are given, the least overall ratio it deflates to)
    for (content, sizes, ratio) in [
        (&text as Content, Sizes::InHeader, 300),
        (&text as Content, Sizes::Descriptor, 300),
        (&log as Content, Sizes::InHeader, 20),
    ] {
        let inner = hand_zip(&[("computed.json", &computed as Content), ("result.txt", content)], sizes);
        assert!(inner.len() < PAST_FLOOR / ratio, "the case is as compressible as it claims: {}", inner.len());
        let (archive, _) = encrypt_current("expected_key.pub", &inner);
        let r = try_open(&archive).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(r.files[1].size >= PAST_FLOOR as u64);
    }
}

#[test]
fn a_result_larger_than_the_free_disk_space_is_refused_before_it_is_written() {
    // The entry's header declares 16 TiB (a ZIP64 size): more than this disk has free. The
    // extraction stops before writing it, with an `io` error that says so, and leaves nothing.
    // (Folder mode only: the zip mode writes no file of that size, and refuses the entry for
    // its size or its content, as before.)
    let small = |out: &mut dyn FnMut(&[u8])| out(b"not really 16 TiB");
    let inner = hand_zip(&[("huge.bin", &small as Content)], Sizes::Declared(1 << 44));
    let (archive, _) = encrypt_current("expected_key.pub", &inner);
    let dir = tempfile::tempdir().unwrap();
    let a = write_temp(dir.path(), "a.zip", &archive);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut opts = OpenOptions::new(OutputTarget::Folder(out.join("result")));
    opts.limits.max_total_bytes = u64::MAX;
    let e = open_result(&a, &right_key(), &opts, &no_progress, &CancelToken::new()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io, "{e:?}");
    assert!(e.message.starts_with("Not enough disk space: the file \"huge.bin\" needs 17.6 TB"), "{}", e.message);
    assert!(e.hint.starts_with("Free at least "), "{}", e.hint);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "the temporary folder is removed");
}

fn replace_all(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = hay.to_vec();
    let mut i = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
    out
}

#[test]
fn size_and_ratio_limits_stop_zip_bombs() {
    let big = vec![0u8; 4 << 20];
    let inner = zip_of(&[("computed.json", b"{}"), ("zeros.bin", &big)]);
    let (archive, _) = encrypt_current("expected_key.pub", &inner);
    let small_total = Limits { max_total_bytes: 1 << 20, ..Limits::default() };
    assert_eq!(try_open_with(&archive, &right_key(), small_total).unwrap_err().kind, ErrorKind::UnsafeArchive);
    let tight_ratio = Limits { max_ratio: 100, ratio_floor_bytes: 1 << 20, ..Limits::default() };
    assert_eq!(try_open_with(&archive, &right_key(), tight_ratio).unwrap_err().kind, ErrorKind::UnsafeArchive);
    let few_entries = Limits { max_entries: 1, ..Limits::default() };
    assert_eq!(try_open_with(&archive, &right_key(), few_entries).unwrap_err().kind, ErrorKind::UnsafeArchive);
    // With default limits the same archive opens.
    assert!(try_open(&archive).is_ok());
}

#[test]
fn unicode_names_come_out_right() {
    let inner = zip_of(&[("computed.json", b"{}"), ("résultats/données été.csv", b"a,b\n"), ("日本語.txt", b"x")]);
    let (archive, _) = encrypt_current("expected_key.pub", &inner);
    let dir = tempfile::tempdir().unwrap();
    let a = write_temp(dir.path(), "a.zip", &archive);
    let out = dir.path().join("out");
    let r = open_result(
        &a,
        &right_key(),
        &OpenOptions::new(OutputTarget::Folder(out.clone())),
        &no_progress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(out.join("résultats").join("données été.csv").is_file());
    assert!(out.join("日本語.txt").is_file());
    assert!(r.files.iter().any(|f| f.path == "résultats/données été.csv"));
}

#[test]
fn existing_output_is_never_overwritten_without_consent() {
    let (archive, _) = encrypt_current("expected_key.pub", &sample_inner());
    let dir = tempfile::tempdir().unwrap();
    let a = write_temp(dir.path(), "a.zip", &archive);
    let target = write_temp(dir.path(), "results.zip", b"precious");
    let opts = OpenOptions::new(OutputTarget::Zip(target.clone()));
    let e = open_result(&a, &right_key(), &opts, &no_progress, &CancelToken::new()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::OutputExists);
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    let folder = dir.path().join("existing");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("mine.txt"), b"keep").unwrap();
    let e = open_result(
        &a,
        &right_key(),
        &OpenOptions::new(OutputTarget::Folder(folder.clone())),
        &no_progress,
        &CancelToken::new(),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::OutputExists);
    assert!(folder.join("mine.txt").exists());
    // With consent, both are replaced.
    let mut force = OpenOptions::new(OutputTarget::Zip(target.clone()));
    force.overwrite = true;
    open_result(&a, &right_key(), &force, &no_progress, &CancelToken::new()).unwrap();
    assert_eq!(&std::fs::read(&target).unwrap()[..2], b"PK");
    let mut force = OpenOptions::new(OutputTarget::Folder(folder.clone()));
    force.overwrite = true;
    open_result(&a, &right_key(), &force, &no_progress, &CancelToken::new()).unwrap();
    assert!(!folder.join("mine.txt").exists() && folder.join("result.txt").exists());
    assert_eq!(only_visible_entries(dir.path()), 3, "no temporary or moved-aside file left");
}

fn only_visible_entries(dir: &Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

#[test]
fn the_inner_zip_reader_stops_on_cancel_even_inside_a_highly_compressed_entry() {
    use result_vault_core::archive::inner::{read_inner_zip, CheckOnly};
    use result_vault_core::archive::output::FolderSink;
    // 64 MiB of zeros deflate to about 64 KB: on the helper thread when only checking, inline
    // when extracting. A cancelled token must stop both, from inside the entry.
    let zeros = vec![0u8; 64 << 20];
    let inner = zip_of(&[("zeros.bin", &zeros)]);
    let cancel = CancelToken::new();
    cancel.cancel();
    let checked = read_inner_zip(&mut &inner[..], &mut CheckOnly, &Limits::default(), &cancel);
    assert_eq!(checked.unwrap_err().kind, ErrorKind::Cancelled);
    let dir = tempfile::tempdir().unwrap();
    let mut sink = FolderSink::new(dir.path(), false);
    let extracted = read_inner_zip(&mut &inner[..], &mut sink, &Limits::default(), &cancel);
    assert_eq!(extracted.unwrap_err().kind, ErrorKind::Cancelled);
    // Not cancelled, the same zip is fine.
    let files = read_inner_zip(&mut &inner[..], &mut CheckOnly, &Limits::default(), &CancelToken::new()).unwrap();
    assert_eq!(files[0].size, 64 << 20);
}

#[test]
fn cancelling_leaves_nothing_behind() {
    let big: Vec<u8> = (0..8u32 << 20).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let (archive, _) = encrypt_current(
        "expected_key.pub",
        &zip_with(&[("computed.json", b"{}"), ("r.bin", &big)], zip::CompressionMethod::Stored),
    );
    let dir = tempfile::tempdir().unwrap();
    let a = write_temp(dir.path(), "a.zip", &archive);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    // Cancel as soon as decryption reports progress.
    let on_progress = move |e: result_vault_core::progress::ProgressEvent| {
        if e.stage == result_vault_core::progress::Stage::Decrypting && e.done > 0 {
            c2.cancel();
        }
    };
    let e =
        open_result(&a, &right_key(), &OpenOptions::new(OutputTarget::Zip(out.join("r.zip"))), &on_progress, &cancel)
            .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}

/// Inputs found by the fuzzers (`scripts/fuzz.sh`), kept as regression cases: each `inner-*`
/// file is a decrypted inner zip, each `outer-*` an archive. All must fail with a typed error.
#[test]
fn fuzzer_findings_stay_fixed() {
    use result_vault_core::archive::inner::{read_inner_zip, CheckOnly};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("inner-") {
            let r = read_inner_zip(&mut &bytes[..], &mut CheckOnly, &Limits::default(), &CancelToken::new());
            assert!(r.is_err(), "{name} should be refused");
        } else if name.starts_with("outer-") {
            assert!(try_open(&bytes).is_err(), "{name} should be refused");
        }
        n += 1;
    }
    assert!(n >= 1);
}
