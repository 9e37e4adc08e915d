//! rust-i18n reads `locales/*.yml` at compile time but does not tell cargo: rebuild when they change.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
