//! Downloads one URL with Result Vault's downloader (streaming, resumable), for the download
//! benchmark (`benches/download.sh`): `cargo run --release -p result-vault-core --example download URL DEST`.

use result_vault_core::download::{download, DownloadOptions};
use result_vault_core::progress::CancelToken;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(dest)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: download URL DEST");
        std::process::exit(2);
    };
    match download(
        std::slice::from_ref(url),
        std::path::Path::new(dest),
        &DownloadOptions::default(),
        &|_| {},
        &CancelToken::new(),
    ) {
        Ok(o) => println!("{} bytes", o.bytes),
        Err(e) => {
            eprintln!("{}: {}", e.kind, e.message);
            std::process::exit(1);
        }
    }
}
