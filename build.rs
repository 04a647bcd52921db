// Re-embed migrations whenever one is added.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
