// The locale files are read at compile time by rust-i18n's macro; tell cargo to rebuild
// when they change.
fn main() {
    println!("cargo:rerun-if-changed=src/locales");
    println!("cargo:rerun-if-changed=static");
}
