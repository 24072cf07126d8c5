//! The module graph has no cycles: neither between the crate's top-level
//! modules nor between sibling modules inside one (a parent and its own
//! children may refer to each other). And the three front-ends (`watch`,
//! `batch`, `queue`) stand side by side on `intake`: none imports another,
//! nothing else in the library imports them, and `pipeline` knows neither
//! them nor `intake`. Read from the `crate::` and `super::` paths of the
//! sources, so a new cycle or a wrong import fails here with its file
//! named.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path of a source file: `src/a/b.rs` and `src/a/b/mod.rs` are
/// `["a", "b"]`; the crate root and the binary's files are `None`.
fn module_of(src: &Path, file: &Path) -> Option<Vec<String>> {
    let rel = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?;
    if parts.is_empty() && matches!(stem, "lib" | "main" | "cli" | "cli_gen") {
        return None;
    }
    if stem != "mod" {
        parts.push(stem.to_string());
    }
    Some(parts)
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn ident_at(s: &str) -> Option<&str> {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    (end > 0).then(|| &s[..end])
}

/// First path segments after each `prefix` (`crate::` or `super::`),
/// including every item of a `prefix{a, b::c}` group.
fn first_segments<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let after = &rest[i + prefix.len()..];
        let before_ok = i == 0 || {
            let c = rest.as_bytes()[i - 1] as char;
            !(c.is_alphanumeric() || c == '_' || c == ':')
        };
        if before_ok {
            if let Some(group) = after.strip_prefix('{') {
                let mut depth = 0;
                let mut start = 0;
                for (j, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            found.extend(ident_at(group[start..j].trim_start()));
                            break;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            found.extend(ident_at(group[start..j].trim_start()));
                            start = j + 1;
                        }
                        _ => {}
                    }
                }
            } else if let Some(id) = ident_at(after) {
                found.push(id);
            }
        }
        rest = &rest[i + prefix.len()..];
    }
    found
}

/// A cycle in `graph`, as the list of nodes around it.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m.as_str()) {
                Some(1) => {
                    let at = stack.iter().position(|s| s == m).unwrap();
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if !state.contains_key(n.as_str())
            && let Some(c) = visit(n, graph, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// The front-ends: commands that run many documents, each on `intake`.
const FRONT_ENDS: [&str; 3] = ["watch", "batch", "queue"];

/// The top-level modules that module `me` (by its top-level module) must
/// not import.
fn forbidden(me: &str) -> Vec<&'static str> {
    let mut no: Vec<&str> = FRONT_ENDS.iter().copied().filter(|f| *f != me).collect();
    if me == "pipeline" {
        no.push("intake");
    }
    no
}

/// Each import in `files` (module path and code) that breaks the
/// front-end rule, as `file -> module`.
fn wrong_imports(files: &[(Vec<String>, String)]) -> Vec<String> {
    let mut wrong = Vec::new();
    for (me, code) in files {
        let Some(top) = me.first() else { continue };
        let no = forbidden(top);
        for seg in first_segments(code, "crate::") {
            if no.contains(&seg) {
                wrong.push(format!("{} -> {seg}", me.join("::")));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    wrong
}

/// The library's source files with their module paths (the crate root
/// and the binary's files left out: they may use every module).
fn library_files() -> Vec<(Vec<String>, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files
        .iter()
        .filter_map(|f| Some((module_of(&src, f)?, std::fs::read_to_string(f).unwrap())))
        .collect()
}

#[test]
fn front_ends_stand_side_by_side_on_intake() {
    let files = library_files();
    for m in FRONT_ENDS.iter().chain(&["intake", "pipeline"]) {
        assert!(
            files
                .iter()
                .any(|(me, _)| me.first().is_some_and(|t| t == m)),
            "no module {m} found"
        );
    }
    let wrong = wrong_imports(&files);
    assert!(
        wrong.is_empty(),
        "front-ends import each other, or a lower module imports a front-end or pipeline imports intake: {wrong:?}"
    );
}

#[test]
fn the_front_end_rule_finds_wrong_imports() {
    let m = |p: &str, code: &str| (p.split("::").map(String::from).collect(), code.to_string());
    let files = [
        m(
            "queue::worker",
            "use crate::batch::{output_name};\nuse crate::intake::Document;",
        ),
        m("watch::journal", "let p = crate::intake::part_path(&a, 1);"),
        m("batch", "use crate::{intake, watch::scan};"),
        m("pipeline::stack", "use crate::intake::part_path;"),
        m("report", "use crate::watch::Outcome;"),
        m("intake::name", "use crate::pipeline::part_path;"),
    ];
    assert_eq!(
        wrong_imports(&files),
        [
            "batch -> watch",
            "pipeline::stack -> intake",
            "queue::worker -> batch",
            "report -> watch"
        ]
    );
}

#[test]
fn modules_depend_on_each_other_without_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().filter_map(|f| module_of(&src, f)).collect();
    // Edges between siblings (same parent), keyed by the parent's path.
    let mut graphs: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    let mut edge = |from: &[String], to: &[String]| {
        // The deepest common parent; siblings below it are the nodes.
        let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
        if common == from.len() || common == to.len() {
            return; // ancestor and descendant
        }
        graphs
            .entry(from[..common].to_vec())
            .or_default()
            .entry(from[common].clone())
            .or_default()
            .insert(to[common].clone());
    };
    for f in &files {
        let Some(me) = module_of(&src, f) else {
            continue;
        };
        let code = std::fs::read_to_string(f).unwrap();
        for seg in first_segments(&code, "crate::") {
            let to = vec![seg.to_string()];
            if modules.contains(&to) {
                edge(&me, &to);
            }
        }
        // `super::` from a file is its parent module's child `seg`; from a
        // `mod.rs` it is a sibling of the directory's module.
        let is_mod = f.file_name().is_some_and(|n| n == "mod.rs");
        let parent: Vec<String> = if is_mod {
            me[..me.len().saturating_sub(1)].to_vec()
        } else {
            me[..me.len() - 1].to_vec()
        };
        for seg in first_segments(&code, "super::") {
            let mut to = parent.clone();
            to.push(seg.to_string());
            if modules.contains(&to) {
                edge(&me, &to);
            }
        }
    }
    assert!(
        graphs.get(&Vec::new()).is_some_and(|g| g.len() > 5),
        "the reader found too few modules: {graphs:?}"
    );
    for (parent, graph) in &graphs {
        if let Some(cycle) = find_cycle(graph) {
            panic!(
                "dependency cycle among the modules of crate::{}: {}",
                parent.join("::"),
                cycle.join(" -> ")
            );
        }
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&g), None);
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&g).unwrap(),
        vec!["a", "b", "c", "a"]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
    );
    let code = "use crate::{job::Job, ocr::{self, Engines}};\nuse super::page::PageDone;";
    assert_eq!(first_segments(code, "crate::"), vec!["job", "ocr"]);
    assert_eq!(first_segments(code, "super::"), vec!["page"]);
}
