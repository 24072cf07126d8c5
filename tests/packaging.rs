//! What the Debian package installs besides the binary, checked against the
//! binary itself: man pages and shell completions come from the same clap
//! definitions as `--help` (so an option added there shows up in both with
//! no other edit), completions offer every option's values, `--version`
//! names the OCR libraries, and the watch service's unit passes
//! `systemd-analyze verify`. The package's own file list and its install
//! on a fresh Debian are checked by scripts/package-check.sh.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_ocrpdf");

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("command runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn ocrpdf(args: &[&str]) -> String {
    let out = run(Command::new(BIN)
        .args(args)
        .env("XDG_DATA_HOME", "/nonexistent-ocrpdf-test"));
    String::from_utf8(out.stdout).unwrap()
}

/// Every command, as the words after `ocrpdf`: `[]`, then each
/// subcommand `ocrpdf --help` lists, and theirs (`queue add`), depth first.
fn commands() -> Vec<Vec<String>> {
    fn walk(path: Vec<String>, out: &mut Vec<Vec<String>>) {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = ocrpdf(&args);
        let subs: Vec<String> = help
            .split("Commands:\n")
            .nth(1)
            .map(|list| {
                list.lines()
                    .take_while(|l| l.starts_with("  "))
                    .filter_map(|l| l.split_whitespace().next())
                    .filter(|name| *name != "help")
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        out.push(path.clone());
        for sub in subs {
            let mut p = path.clone();
            p.push(sub);
            walk(p, out);
        }
    }
    let mut out = Vec::new();
    walk(Vec::new(), &mut out);
    assert!(out.len() > 4, "{out:?}");
    out
}

/// The man page of a command: `ocrpdf.1`, `ocrpdf-queue-add.1`.
fn page_name(path: &[String]) -> String {
    std::iter::once("ocrpdf")
        .chain(path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("-")
        + ".1"
}

/// The long options `ocrpdf [SUB] --help` describes, each with the values
/// it lists (a `Possible values:` list, or `[possible values: …]`).
fn options(path: &[String]) -> Vec<(String, Vec<String>)> {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let help = ocrpdf(&args);
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_values = false;
    for line in help.lines() {
        let t = line.trim_start();
        if line.len() == t.len() {
            in_values = false; // headings and prose start at the margin
            continue;
        }
        if t == "Possible values:" {
            in_values = true;
            continue;
        }
        if in_values {
            match t.strip_prefix("- ") {
                Some(item) => {
                    let value = item.split(':').next().unwrap().trim().to_string();
                    found
                        .last_mut()
                        .expect("values follow an option")
                        .1
                        .push(value);
                    continue;
                }
                None => in_values = false,
            }
        }
        // An option's own line: `-l, --language <LANGS>` or `--json`.
        let t = match t.strip_prefix('-').and_then(|s| s.get(1..)) {
            Some(rest) if rest.starts_with(", --") => &rest[2..],
            _ => t,
        };
        let Some(long) = t.strip_prefix("--") else {
            continue;
        };
        let name: String = long
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let values = line
            .split("[possible values: ")
            .nth(1)
            .and_then(|v| v.split(']').next())
            .map(|v| v.split(", ").map(str::to_string).collect())
            .unwrap_or_default();
        found.push((name, values));
    }
    assert!(!found.is_empty(), "no options found in {args:?}:\n{help}");
    found
}

fn generated(what: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ocrpdf(&["generate", what, dir.path().to_str().unwrap()]);
    dir
}

/// What bash's completion of `words` (the last one being completed) offers,
/// with the generated script loaded as bash-completion would load it.
fn bash_complete(script: &Path, words: &[&str]) -> Vec<String> {
    let body = r#"
        script=$1; shift
        source "$script"
        fn=$(complete -p ocrpdf | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let out = run(Command::new("bash")
        .arg("-c")
        .arg(body)
        .arg("bash")
        .arg(script)
        .arg(BIN)
        .args(words)
        .env("XDG_DATA_HOME", "/nonexistent-ocrpdf-test"));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Roff writes `-` as `\-`; the page as a reader sees its option names.
fn man_text(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace("\\-", "-")
}

#[test]
fn every_option_of_help_is_in_the_man_pages() {
    let man = generated("man");
    let commands = commands();
    for path in &commands {
        let page = man.path().join(page_name(path));
        let text = man_text(&page);
        for (opt, values) in options(path) {
            assert!(
                text.contains(&format!("--{opt}")),
                "{} lacks --{opt}",
                page.display()
            );
            for v in values {
                assert!(text.contains(&v), "{}: --{opt} lacks {v}", page.display());
            }
        }
    }
    // A page for each documented command and nothing else (no page for
    // the hidden `generate`).
    let pages: BTreeSet<String> = std::fs::read_dir(man.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let expected: BTreeSet<String> = commands.iter().map(|p| page_name(p)).collect();
    assert_eq!(pages, expected);
}

#[test]
fn bash_completes_every_option_of_help_and_its_values() {
    let dir = generated("completions");
    let script = dir.path().join("ocrpdf.bash");
    let top = options(&[]);
    let with_values = top.iter().filter(|(_, v)| !v.is_empty()).count();
    assert!(with_values >= 5, "value lists not found in --help: {top:?}");
    for path in commands() {
        let mut words: Vec<&str> = vec!["ocrpdf"];
        words.extend(path.iter().map(String::as_str));
        let mut all = words.clone();
        all.push("--");
        let offered: BTreeSet<String> = bash_complete(&script, &all).into_iter().collect();
        for (opt, values) in options(&path) {
            let flag = format!("--{opt}");
            assert!(
                offered.contains(&flag),
                "{words:?}: no {flag} in {offered:?}"
            );
            if !values.is_empty() {
                let mut w = words.clone();
                w.extend([flag.as_str(), ""]);
                let got: BTreeSet<String> = bash_complete(&script, &w).into_iter().collect();
                let want: BTreeSet<String> = values.into_iter().collect();
                assert_eq!(got, want, "{words:?} {flag}");
            }
        }
    }
    // The first example a user tries, and the values the issue names.
    assert_eq!(bash_complete(&script, &["ocrpdf", "--bil"]), ["--bilevel"]);
    for (opt, some) in [
        ("--mode", "color"),
        ("--bilevel", "jbig2"),
        ("--binarize", "sauvola"),
        ("--blank", "drop"),
        ("--split-on", "patch"),
    ] {
        let got = bash_complete(&script, &["ocrpdf", opt, ""]);
        assert!(got.iter().any(|v| v == some), "{opt}: {got:?}");
    }
}

#[test]
fn language_completion_asks_the_binary() {
    let dir = generated("completions");
    let script = dir.path().join("ocrpdf.bash");
    let installed: Vec<String> = ocrpdf(&["--list-langs"])
        .lines()
        .map(str::to_string)
        .collect();
    assert!(installed.iter().any(|l| l == "eng"), "{installed:?}");
    assert!(installed.iter().all(|l| l != "osd"), "{installed:?}");
    assert_eq!(bash_complete(&script, &["ocrpdf", "-l", ""]), installed);
    assert_eq!(
        bash_complete(&script, &["ocrpdf", "watch", "--language", "en"]),
        ["eng"]
    );
    // After a `+`, the next language (scripts/deps.sh installs deu).
    assert!(bash_complete(&script, &["ocrpdf", "-l", "eng+d"]).contains(&"eng+deu".to_string()));
    // zsh and fish call the same command for -l.
    for name in ["_ocrpdf", "ocrpdf.fish"] {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(text.contains("--list-langs"), "{name}");
    }
}

#[test]
fn list_langs_reads_the_chosen_folder() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["fra.traineddata", "eng.traineddata", "osd.traineddata"] {
        std::fs::write(dir.path().join(f), b"").unwrap();
    }
    let out = ocrpdf(&["--list-langs", "--tessdata", dir.path().to_str().unwrap()]);
    assert_eq!(out, "eng\nfra\n");
}

#[test]
fn version_names_tesseract_and_leptonica() {
    let out = ocrpdf(&["--version"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        concat!("ocrpdf ", env!("CARGO_PKG_VERSION")),
        "{out}"
    );
    for (i, lib) in [(1, "Tesseract "), (2, "Leptonica ")] {
        let v = lines.get(i).and_then(|l| l.strip_prefix(lib));
        assert!(
            v.is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit())),
            "{out}"
        );
    }
}

fn unit_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("debian/ocrpdf-watch@.service")
}

#[test]
fn watch_unit_passes_systemd_analyze_verify() {
    let unit = std::fs::read_to_string(unit_file()).unwrap();
    // What the package promises of it: an unprivileged user, a read-only
    // system with the instance's folder writable, the settings file.
    for line in [
        "User=ocrpdf",
        "ProtectSystem=strict",
        "ReadWritePaths=%f",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "EnvironmentFile=-/etc/ocrpdf/watch-%i.conf",
        "ExecStart=/usr/bin/ocrpdf watch ${INBOX} --out ${OUTBOX} $OCRPDF_OPTIONS",
    ] {
        assert!(unit.lines().any(|l| l == line), "unit lacks {line}");
    }
    let Ok(version) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!(
            "SKIPPED watch_unit_passes_systemd_analyze_verify: no systemd-analyze \
             (Debian's systemd package; scripts/deps.sh installs it)"
        );
        return;
    };
    assert!(version.status.success());
    // verify checks that ExecStart's program exists: the one built here
    // stands in for /usr/bin/ocrpdf. The man page it names is checked by
    // scripts/package-check.sh, where the package installed it.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("ocrpdf-watch@.service");
    std::fs::write(&copy, unit.replace("/usr/bin/ocrpdf", BIN)).unwrap();
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&copy)
        .output()
        .unwrap();
    let complaints = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && complaints.trim().is_empty(),
        "systemd-analyze verify: {complaints}"
    );
}
