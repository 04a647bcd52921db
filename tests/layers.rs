//! The library's modules form layers: each top-level module depends (`crate::…`) only on
//! those below it, so a newcomer can change one domain without reading the others. This test
//! reads `src/`, finds every circle between top-level modules, and fails on any dependency
//! that closes one unless it is on the short list of those still to be broken (which it
//! also fails on once one is gone, so the list only shrinks). Test code inside a module
//! (`#[cfg(test)] mod tests`) does not count.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Dependencies that still close a circle, to be broken: none. (Add one here only with the
/// issue that will break it.)
const STILL_CIRCULAR: &[(&str, &str)] = &[];

type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// Which top-level module uses which (`crate::x` anywhere in its files, comments and test
/// modules left out). The command line (`src/bin`) and `lib.rs` are not modules.
fn module_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph = Graph::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative
            .iter()
            .next()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if first == "bin" || first == "lib.rs" {
            continue;
        }
        let module = first.trim_end_matches(".rs").to_owned();
        let source = std::fs::read_to_string(&file).unwrap();
        let code = source.split("#[cfg(test)]\nmod tests").next().unwrap();
        let uses = graph.entry(module.clone()).or_default();
        for line in code.lines() {
            let line = line.split("//").next().unwrap();
            for (at, _) in line.match_indices("crate::") {
                let rest = &line[at + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                // The library's re-exports at its root (`crate::Db`, `crate::Error`).
                let name = match name.as_str() {
                    "Db" => "db".to_owned(),
                    "Error" | "Result" => "error".to_owned(),
                    _ => name,
                };
                if !name.is_empty() && name != module {
                    uses.insert(name);
                }
            }
            if line.contains("crate::{") {
                panic!(
                    "{}: name each module in its own `use crate::x` line, so this test sees it",
                    file.display()
                );
            }
        }
    }
    graph
}

/// Whether `to` reaches `from` again, so that the dependency `from → to` closes a circle.
fn reaches(graph: &Graph, start: &str, goal: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![start.to_owned()];
    while let Some(m) = todo.pop() {
        if m == goal {
            return true;
        }
        if seen.insert(m.clone()) {
            todo.extend(graph.get(&m).into_iter().flatten().cloned());
        }
    }
    false
}

#[test]
fn the_modules_depend_only_downwards() {
    let graph = module_graph();
    let circular: BTreeSet<(String, String)> = graph
        .iter()
        .flat_map(|(from, uses)| uses.iter().map(move |to| (from.clone(), to.clone())))
        .filter(|(from, to)| reaches(&graph, to, from))
        .collect();
    let listed: BTreeSet<(String, String)> = STILL_CIRCULAR
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    let new: Vec<_> = circular.difference(&listed).collect();
    assert!(
        new.is_empty(),
        "these dependencies close a circle between modules; depend only downwards (move the \
         shared part down, or the caller up): {new:#?}"
    );
    let gone: Vec<_> = listed.difference(&circular).collect();
    assert!(
        gone.is_empty(),
        "these no longer close a circle: take them off STILL_CIRCULAR: {gone:#?}"
    );
}

#[test]
fn the_graph_sees_the_dependencies_it_should() {
    // A few that are certainly there: the test reads the code, not nothing.
    let graph = module_graph();
    for (from, to) in [
        ("visits", "households"),
        ("trail", "audit"),
        ("backups", "output"),
    ] {
        assert!(graph[from].contains(to), "{from} → {to}: {graph:#?}");
    }
    assert!(
        !graph["access"].iter().any(|m| m != "error"),
        "{:?}",
        graph["access"]
    );
}

/// Each domain's SQL is its own: a module's `store` is private to it, so no other module
/// calls it (the compiler refuses), except outreach's, which the demo generator writes its
/// synthetic rounds and calls through. This keeps it so.
#[test]
fn stores_are_their_own_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut open = Vec::new();
    let mut reaching = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let source = std::fs::read_to_string(&file).unwrap();
        for line in source.lines() {
            let code = line.split("//").next().unwrap().trim();
            if code.ends_with("mod store;") && code != "mod store;" {
                open.push(format!("{relative}: {code}"));
            }
            if code.contains("outreach::store")
                && !relative.starts_with("outreach/")
                && !relative.starts_with("demo/")
            {
                reaching.push(format!("{relative}: {code}"));
            }
        }
    }
    assert_eq!(
        open,
        ["outreach/mod.rs: pub(crate) mod store;"],
        "only outreach's store is open to the crate (for the demo generator)"
    );
    assert!(
        reaching.is_empty(),
        "only the demo generator calls outreach's store from outside: {reaching:#?}"
    );
}
