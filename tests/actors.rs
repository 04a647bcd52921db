//! Reading needs a signed-in volunteer too: every public library function that takes the
//! database (`&Db`) also takes the `Actor` acting, unless it is on the short list below, each
//! with the reason it runs before anyone signs in or for the library itself. A new function
//! that reads or writes the pantry's data without an actor fails this test, so the role
//! table cannot miss it.
#![allow(clippy::unwrap_used)]

use std::path::Path;

/// `module path::function` → why it needs no actor.
const WITHOUT_ACTOR: &[(&str, &str)] = &[
    (
        "audit::Actor::require",
        "the role check itself (a method of the actor)",
    ),
    (
        "app::status",
        "what the app shows before anyone signs in (set up or not, a restore notice)",
    ),
    (
        "app::may_choose_server",
        "the first-run screen's choice of a server, before anyone exists to sign in",
    ),
    (
        "audit::chain::verify",
        "the start-up check of the trail, before anyone signs in",
    ),
    (
        "encryption::note_audit_break",
        "records a broken trail found at start-up",
    ),
    (
        "backups::prune_after_upgrade",
        "start-up housekeeping after a schema upgrade",
    ),
    (
        "backups::restore::unseen_restore",
        "the notice of a restore, shown when the app opens",
    ),
    (
        "members::erasure::finish_interrupted",
        "finishes an erasure a killed process left, at start-up",
    ),
    (
        "output::Guard::of",
        "the output layer, called by operations that checked their actor",
    ),
    (
        "output::write",
        "the output layer, called by operations that checked their actor",
    ),
    (
        "output::copy",
        "the output layer, called by operations that checked their actor",
    ),
    (
        "settings::load",
        "the pantry's name and rules, needed before sign-in (no personal data)",
    ),
    (
        "settings::require",
        "the pantry's name and rules, needed before sign-in (no personal data)",
    ),
    (
        "settings::form",
        "first-run set-up shows the form before any volunteer exists",
    ),
    (
        "app::set_up",
        "first-run set-up, before any volunteer exists",
    ),
    (
        "volunteers::needs_first_admin",
        "first-run set-up, before any volunteer exists",
    ),
    (
        "volunteers::create_first_admin",
        "first-run set-up: makes the first actor",
    ),
    (
        "volunteers::sign_in_names",
        "the sign-in screen's list of names",
    ),
    ("volunteers::sign_in", "sign-in: makes the actor"),
    (
        "volunteers::sign_in_with_recovery_key",
        "sign-in with the recovery key: makes the actor",
    ),
    (
        "settings::idle_lock_minutes",
        "when the app locks itself, needed while nobody is signed in",
    ),
    (
        "demo::generate",
        "fills an empty database with a synthetic pantry",
    ),
    (
        "demo::first_households",
        "for the crash tests' counter exerciser",
    ),
];

/// The text between the parenthesis at `open` and its match.
fn parameters(source: &str, open: usize) -> &str {
    let mut depth = 0;
    for (i, c) in source[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &source[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses after byte {open}");
}

/// The module path of a source file: `src/members/erasure.rs` → `members::erasure`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p != "mod" && p != "lib")
        .collect();
    parts.join("::")
}

/// The type whose `impl` block holds byte `at`, if any (`impl Actor {` → `Actor`).
fn impl_of(source: &str, at: usize) -> Option<String> {
    let before = &source[..at];
    let start = before.rfind("\nimpl ")?;
    // Still inside it: the impl block has not closed at a line of its own.
    if before[start..].contains("\n}\n") {
        return None;
    }
    let header = &before[start + 6..];
    let name: String = header
        .split(|c: char| c == '{' || c == '<' || c.is_whitespace())
        .find(|w| !w.is_empty())?
        .to_owned();
    Some(name)
}

fn rust_files(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            // The command line is a caller, not the library.
            if path.file_name().unwrap() != "bin" {
                rust_files(&path, into);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// Every public function of the library taking `&Db` and no `&Actor`, as `module::function`.
fn without_actor() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        let module = module_of(&src, &file);
        for (at, _) in source.match_indices("pub ") {
            let rest = &source[at + 4..];
            let rest = rest.strip_prefix("async ").unwrap_or(rest);
            let Some(rest) = rest.strip_prefix("fn ") else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let open = at + source[at..].find('(').unwrap();
            let params = parameters(&source, open);
            // `&Db`, `&crate::Db`, `&crate::db::Db`: the type `Db` taken by reference.
            let takes_db = params.match_indices("Db").any(|(i, m)| {
                let before = &params[..i];
                let this_parameter = before.rsplit(',').next().unwrap_or(before);
                (before.ends_with('&') || before.ends_with("::") && this_parameter.contains('&'))
                    && !params[i + m.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    && !before.ends_with(|c: char| c.is_alphanumeric() || c == '_')
            });
            if takes_db && !params.contains("Actor") {
                let path = match impl_of(&source, at) {
                    Some(ty) => format!("{module}::{ty}::{name}"),
                    None => format!("{module}::{name}"),
                };
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_library_function_on_the_database_takes_the_actor_or_says_why_not() {
    let found = without_actor();
    let listed: Vec<&str> = WITHOUT_ACTOR.iter().map(|(f, _)| *f).collect();
    let unlisted: Vec<&String> = found
        .iter()
        .filter(|f| !listed.contains(&f.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "these take the database but no actor: add `_signed_in: &Actor` (any volunteer) or \
         `actor: &Actor` with `actor.require(db, Operation::…)`, or list them here with why \
         not: {unlisted:#?}"
    );
    let stale: Vec<&&str> = listed
        .iter()
        .filter(|f| !found.iter().any(|g| g == *f))
        .collect();
    assert!(
        stale.is_empty(),
        "listed but no longer without an actor (take them off): {stale:#?}"
    );
    assert!(
        found.len() <= 25,
        "the list must stay short: {}",
        found.len()
    );
}
