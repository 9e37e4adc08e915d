//! Extracted files never get an executable (or set-user-ID, or world-writable) bit, whatever
//! their entries' external attributes say and whatever the process's umask: files are 0o644 and
//! folders 0o755 (`FolderSink`, crates/core/src/archive/output.rs).
//!
//! Alone in its own test binary because it sets the process-wide umask to 0, the worst case (a
//! service or container started with `umask 0`), under which a file created with the default
//! mode would be 0o666 and a folder 0o777.
#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt;

use common::*;
use result_vault_core::archive::{open_result, OpenOptions, OutputTarget};
use result_vault_core::keys::load_keys;
use result_vault_core::progress::{no_progress, CancelToken};

#[test]
fn extracted_files_are_0644_and_folders_0755_whatever_the_archive_says() {
    rustix::process::umask(rustix::fs::Mode::empty());
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let exec = zip::write::SimpleFileOptions::default().unix_permissions(0o4777);
    w.start_file("computed.json", exec).unwrap();
    w.write_all(b"{}").unwrap();
    w.add_directory("bin/", exec).unwrap();
    w.start_file("bin/run.sh", exec).unwrap();
    w.write_all(b"#!/bin/sh\necho pwned\n").unwrap();
    w.start_file("deep/er/tool", exec.compression_method(zip::CompressionMethod::Stored)).unwrap();
    w.write_all(b"\x7fELF").unwrap();
    let inner = w.finish().unwrap().into_inner();
    let (archive, _) = encrypt_current("expected_key.pub", &inner);
    let dir = tempfile::tempdir().unwrap();
    let a = write_temp(dir.path(), "a.zip", &archive);
    let out = dir.path().join("out");
    let keys = load_keys(&fixture("expected_key")).unwrap();
    open_result(&a, &keys, &OpenOptions::new(OutputTarget::Folder(out.clone())), &no_progress, &CancelToken::new())
        .unwrap();
    let mode = |p: &str| std::fs::metadata(out.join(p)).unwrap().permissions().mode() & 0o7777;
    for f in ["computed.json", "bin/run.sh", "deep/er/tool"] {
        assert_eq!(mode(f), 0o644, "{f}: {:o}", mode(f));
    }
    for d in ["bin", "deep", "deep/er"] {
        assert_eq!(mode(d), 0o755, "{d}: {:o}", mode(d));
    }
}
