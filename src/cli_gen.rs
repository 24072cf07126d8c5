//! What the binary says about itself, all made from the clap definitions
//! in `cli` that `--help` shows, so none of it can drift from `--help`:
//!
//! - the `--version` text, with the Tesseract and Leptonica it is linked
//!   against;
//! - man pages for `ocrpdf` and each subcommand (clap_mangen);
//! - bash, zsh and fish completions (clap_complete), where `-l` completes
//!   to the installed languages by calling `ocrpdf --list-langs` when Tab
//!   is pressed, after a `+` too (`eng+d` → `eng+deu`); every other value
//!   list comes from the definitions (`--mode`, `--bilevel`, …).
//!
//! Man pages and completions are written by the hidden `ocrpdf generate
//! man DIR` and `ocrpdf generate completions DIR` (scripts/package.sh runs
//! them), which the parser knows but the definitions they document do not.

use crate::cli::Cli;
use clap::{Arg, ArgMatches, Command, CommandFactory, FromArgMatches, value_parser};
use clap_complete::Shell;
use std::path::{Path, PathBuf};

/// What the command line asks for.
pub enum Parsed {
    /// A command of the program.
    Run(Box<Cli>),
    /// `ocrpdf generate WHAT DIR`.
    Generate(Generate, PathBuf),
}

/// What `ocrpdf generate` writes.
#[derive(Clone, Copy)]
pub enum Generate {
    Man,
    Completions,
}

/// The documented command: what `--help`, the man pages and the
/// completions describe.
pub fn command() -> Command {
    Cli::command()
}

/// The text of `--version` (and `-V`): ocrpdf's own version, then the
/// versions the linked libraries report.
fn version() -> String {
    let libs = ocrpdf::about::linked_versions();
    format!(
        "{}\nTesseract {}\nLeptonica {}",
        env!("CARGO_PKG_VERSION"),
        libs.tesseract,
        libs.leptonica
    )
}

/// The parser: the documented command with its full version text, plus
/// the hidden `generate` subcommand.
fn parser() -> Command {
    let dir = Arg::new("dir")
        .value_name("DIR")
        .required(true)
        .value_parser(value_parser!(PathBuf));
    let generate = Command::new("generate")
        .about("Write the man pages or the shell completions into DIR (for packaging)")
        .hide(true)
        .subcommand_required(true)
        .subcommand(Command::new("man").arg(dir.clone()))
        .subcommand(Command::new("completions").arg(dir));
    command().version(version()).subcommand(generate)
}

/// Parse the process's arguments.
pub fn parse() -> Result<Parsed, clap::Error> {
    let mut cmd = parser();
    let matches = cmd.try_get_matches_from_mut(std::env::args_os())?;
    if let Some(("generate", g)) = matches.subcommand() {
        let (what, sub) = match g.subcommand() {
            Some(("man", sub)) => (Generate::Man, sub),
            Some(("completions", sub)) => (Generate::Completions, sub),
            _ => unreachable!("clap requires a generate subcommand"),
        };
        return Ok(Parsed::Generate(what, dir_of(sub)));
    }
    Cli::from_arg_matches(&matches)
        .map(|c| Parsed::Run(Box::new(c)))
        .map_err(|e| e.format(&mut cmd))
}

fn dir_of(m: &ArgMatches) -> PathBuf {
    m.get_one::<PathBuf>("dir")
        .expect("clap requires DIR")
        .clone()
}

/// Write the man pages or the completions into `dir` (created if missing).
/// Returns the files written.
pub fn generate(what: Generate, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    match what {
        Generate::Man => man_pages(dir),
        Generate::Completions => completions(dir),
    }
}

/// `ocrpdf.1` and `ocrpdf-SUBCOMMAND.1` for each subcommand (and
/// `ocrpdf-queue-add.1` for nested ones).
fn man_pages(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    clap_mangen::generate_to(command(), dir)?;
    let mut written = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "1") {
            written.push(path);
        }
    }
    written.sort();
    Ok(written)
}

/// The files of each shell, named as Debian installs them:
/// `ocrpdf.bash` (→ /usr/share/bash-completion/completions/ocrpdf),
/// `_ocrpdf` (zsh, → /usr/share/zsh/vendor-completions/),
/// `ocrpdf.fish` (→ /usr/share/fish/vendor_completions.d/).
fn completions(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (shell, name) in [
        (Shell::Bash, "ocrpdf.bash"),
        (Shell::Zsh, "_ocrpdf"),
        (Shell::Fish, "ocrpdf.fish"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, completion(shell).map_err(std::io::Error::other)?)?;
        written.push(path);
    }
    Ok(written)
}

/// One shell's completion script: clap_complete's, with `-l` taught the
/// installed languages. Fails if clap_complete's output no longer has the
/// shape the language completion is fitted into.
pub fn completion(shell: Shell) -> Result<String, String> {
    let mut cmd = command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ocrpdf", &mut out);
    let script = String::from_utf8(out).map_err(|e| e.to_string())?;
    match shell {
        Shell::Bash => Ok(script + BASH_LANGUAGES),
        Shell::Zsh => zsh_languages(&script),
        Shell::Fish => fish_languages(&script),
        _ => Ok(script),
    }
}

/// bash: a wrapper around clap_complete's `_ocrpdf` that answers for the
/// value of `-l`/`--language` and leaves everything else to it, registered
/// in its place.
const BASH_LANGUAGES: &str = r#"
# -l/--language: the languages installed where ocrpdf looks for models
# (`ocrpdf --list-langs`), also after a `+` (eng+d -> eng+deu).
_ocrpdf_with_languages() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    if [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    fi
    case $prev in
        -l|--language)
            local langs head=
            langs=$("$1" --list-langs 2>/dev/null) || langs=
            [[ $cur == *+* ]] && head=${cur%+*}+
            COMPREPLY=($(compgen -W "$langs" -P "$head" -- "${cur##*+}"))
            return 0
            ;;
    esac
    _ocrpdf "$@"
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _ocrpdf_with_languages -o nosort -o bashdefault -o default ocrpdf
else
    complete -F _ocrpdf_with_languages -o bashdefault -o default ocrpdf
fi
"#;

/// zsh: `-l`'s action (`_default`, any word) becomes `_ocrpdf_languages`,
/// defined before the script's last lines.
fn zsh_languages(script: &str) -> Result<String, String> {
    const FROM: &str = ":LANGS:_default'";
    const TO: &str = ":LANGS:_ocrpdf_languages'";
    const FUNCTION: &str = r#"(( $+functions[_ocrpdf_languages] )) ||
_ocrpdf_languages() {
    local -a langs
    langs=(${(f)"$(_call_program languages ${words[1]} --list-langs 2>/dev/null)"})
    compset -P '*+'
    _wanted languages expl 'OCR language' compadd -a langs
}

"#;
    if !script.contains(FROM) {
        return Err(format!(
            "zsh completion: no '{FROM}' to give -l its languages"
        ));
    }
    let script = script.replace(FROM, TO);
    let tail = "if [ \"$funcstack[1]\" = \"_ocrpdf\" ]";
    let at = script
        .find(tail)
        .ok_or_else(|| format!("zsh completion: no '{tail}' to define -l's languages before"))?;
    Ok(format!("{}{FUNCTION}{}", &script[..at], &script[at..]))
}

/// fish: `__fish_ocrpdf_needs_command` succeeds until a subcommand's name
/// is on the line; then it prints that name and fails, as clap_complete's
/// own does (`__fish_ocrpdf_using_subcommand` reads the name).
fn fish_needs_command(script: &str) -> Result<String, String> {
    const START: &str = "function __fish_ocrpdf_needs_command\n";
    let from = script
        .find(START)
        .ok_or_else(|| format!("fish completion: no '{}'", START.trim()))?;
    let len = script[from..]
        .find("\nend\n")
        .ok_or("fish completion: __fish_ocrpdf_needs_command has no end")?;
    let cmd = command();
    let names: Vec<&str> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(Command::get_name)
        .collect();
    let function = format!(
        "{START}    # The first word that names a subcommand, if any.
    set -l words (commandline -opc)
    set -e words[1]
    for word in $words
        if contains -- $word {}
            echo $word
            return 1
        end
    end
    return 0",
        names.join(" ")
    );
    Ok(format!(
        "{}{function}{}",
        &script[..from],
        &script[from + len..]
    ))
}

/// fish: each `-s l -l language` line takes its values from
/// `__fish_ocrpdf_languages` instead of files, and `ocrpdf`'s own options
/// are offered until a subcommand is named. clap_complete's test for that
/// (`__fish_ocrpdf_needs_command`) takes an input file for a subcommand and
/// fails while an option's value is being typed, so `ocrpdf scan.png --m`
/// and `ocrpdf --mode <Tab>` completed nothing; it is replaced.
fn fish_languages(script: &str) -> Result<String, String> {
    let script = fish_needs_command(script)?;
    let script = script.as_str();
    const FUNCTION: &str = r#"# -l/--language: the languages installed where ocrpdf looks for models
# (`ocrpdf --list-langs`), also after a `+` (eng+d -> eng+deu).
function __fish_ocrpdf_languages
    set -l head (string match -r '^.*\+' -- (commandline -ct))
    set -l cmd (commandline -opc)[1]
    for lang in ($cmd --list-langs 2>/dev/null)
        printf '%s%s\n' "$head" $lang
    end
end

"#;
    let mut fitted = 0;
    let mut out = String::from(FUNCTION);
    for line in script.lines() {
        if line.contains(" -s l -l language ") && line.ends_with(" -r") {
            out.push_str(line);
            out.push_str(" -f -a \"(__fish_ocrpdf_languages)\"");
            fitted += 1;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    if fitted == 0 {
        return Err(
            "fish completion: no '-s l -l language … -r' line to give -l its languages".into(),
        );
    }
    Ok(out)
}
