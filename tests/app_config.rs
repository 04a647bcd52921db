//! The desktop shell's configuration agrees with the library.
#![allow(clippy::unwrap_used)]

#[test]
fn tauri_identifier_is_the_library_app_identifier() {
    let conf: serde_json::Value =
        serde_json::from_str(include_str!("../src-tauri/tauri.conf.json")).unwrap();
    assert_eq!(conf["identifier"], pantry::paths::APP_IDENTIFIER);
}
