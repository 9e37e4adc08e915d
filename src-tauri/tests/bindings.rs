//! The UI's IPC types are generated from Rust (ts-rs), never written twice. This test fails when
//! `ui/src/lib/ipc/bindings.ts` is not what the Rust types generate; run it with
//! `UPDATE_BINDINGS=1` to rewrite the file.

use result_vault_app::commands::results::WatchStatus;
use result_vault_app::ipc_types::{
    BackupCreated, CreateWith, DropCheck, E2eMode, FoundKeystore, KeyLocation, KeyLocationKind, NetworkInfo,
    OpenedFile, PhraseCheck, TaskFetched,
};
use result_vault_app::ipc_types::{BackupVerified, KeyChanged, KeysImported, RotationChanged, SmsPushed};
use result_vault_core::archive::{
    ArchiveEntry, ArchiveInfo, ArchiveLayout, EncryptionFormat, OpenOutcome, OpenStatus, ResultFile,
};
use result_vault_core::chain::{ChainTask, Network, ResultLocation, TaskStatus};
use result_vault_core::db::results::{LibraryEntry, ResultRecord, ResultSource};
use result_vault_core::db::tasks::{ResultState, TaskRow};
use result_vault_core::db::watched::WatchedAddress;
use result_vault_core::download::{DownloadOutcome, DownloadProgress};
use result_vault_core::fetch::{FetchEvent, FetchOutcome};
use result_vault_core::index::DealSource;
use result_vault_core::progress::{ProgressEvent, Stage};
use result_vault_core::sms::PushOutcome;
use result_vault_core::tasks::{RefreshOutcome, RefreshProgress};
use result_vault_core::vault::model::{KeySource, KeyStatus, KeySummary, PushRecord};
use result_vault_core::vault::model::{Rotation, RotationStep, WalletSummary};
use result_vault_core::vault::wallets::{SmsState, SmsStatus, WalletKeep};
use result_vault_core::vault::{ImportOutcome, ProtectionKind, RestoreOutcome, VaultOverview};
use result_vault_core::verify::{Verification, VerificationStatus};
use result_vault_core::{Error, ErrorFacts, ErrorKind};
use result_vault_engine::library::{FilePreview, LibraryFile, LibraryItem, Preview};
use result_vault_engine::watch::{NewResult, NewResultAction, NewResultState, WatchReport, WatchSettings};
use ts_rs::TS;

fn generated() -> String {
    let decls = [
        ErrorKind::decl(),
        Error::decl(),
        ErrorFacts::decl(),
        ArchiveLayout::decl(),
        ArchiveEntry::decl(),
        ArchiveInfo::decl(),
        ResultFile::decl(),
        OpenStatus::decl(),
        EncryptionFormat::decl(),
        OpenOutcome::decl(),
        Stage::decl(),
        ProgressEvent::decl(),
        KeyLocationKind::decl(),
        KeyLocation::decl(),
        DropCheck::decl(),
        OpenedFile::decl(),
        KeySource::decl(),
        KeyStatus::decl(),
        PushRecord::decl(),
        KeySummary::decl(),
        ProtectionKind::decl(),
        VaultOverview::decl(),
        ImportOutcome::decl(),
        KeysImported::decl(),
        KeyChanged::decl(),
        RestoreOutcome::decl(),
        BackupVerified::decl(),
        CreateWith::decl(),
        E2eMode::decl(),
        BackupCreated::decl(),
        PhraseCheck::decl(),
        Network::decl(),
        NetworkInfo::decl(),
        WatchedAddress::decl(),
        TaskStatus::decl(),
        ResultLocation::decl(),
        DealSource::decl(),
        ResultState::decl(),
        VerificationStatus::decl(),
        Verification::decl(),
        TaskRow::decl(),
        RefreshProgress::decl(),
        RefreshOutcome::decl(),
        ChainTask::decl(),
        DownloadProgress::decl(),
        DownloadOutcome::decl(),
        FetchEvent::decl(),
        FetchOutcome::decl(),
        TaskFetched::decl(),
        WalletKeep::decl(),
        WalletSummary::decl(),
        FoundKeystore::decl(),
        SmsState::decl(),
        SmsStatus::decl(),
        SmsPushed::decl(),
        PushOutcome::decl(),
        RotationStep::decl(),
        Rotation::decl(),
        RotationChanged::decl(),
        ResultSource::decl(),
        ResultRecord::decl(),
        LibraryEntry::decl(),
        LibraryItem::decl(),
        LibraryFile::decl(),
        Preview::decl(),
        FilePreview::decl(),
        NewResultAction::decl(),
        WatchSettings::decl(),
        NewResultState::decl(),
        NewResult::decl(),
        WatchReport::decl(),
        WatchStatus::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust types by ts-rs (src-tauri/tests/bindings.rs). Do not edit:\n// run `UPDATE_BINDINGS=1 cargo test -p result-vault-app --test bindings` instead.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push('\n');
    }
    out
}

#[test]
fn bindings_file_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/bindings.ts");
    let want = generated();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is stale: run `UPDATE_BINDINGS=1 cargo test -p result-vault-app --test bindings`",
        path.display()
    );
}
