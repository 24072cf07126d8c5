//! Restart safety: each input gets exactly one PDF, and its original stays
//! in the inbox until then, however the watcher is stopped.
//!
//! A document is converted into a *stage* file in a private folder of the
//! outbox (`OUTBOX/.ocrpdf-work-TAG/`, on the outbox's file system so the
//! final move is a rename). Then, for each name tried in the outbox, an
//! *intent* — input name and fingerprint → stage and output name — is
//! written atomically to `INBOX/.ocrpdf/intents/` before the stage is
//! renamed to that name; the output is re-opened and checked; the original
//! is moved to `.done` (or deleted); and only then is the intent removed.
//!
//! On start every intent is resolved:
//! - stage still there → the rename did not happen: place it now, finish;
//! - stage gone, output a valid PDF → the rename happened: finish the
//!   disposition (if the original is still the one converted);
//! - neither → drop the intent; the input is converted again.
//!
//! Stage files without an intent are partial conversions and are removed,
//! as are `tempfile`'s own temp files in the stage folder. The folder is
//! per inbox (TAG hashes its path) and a lock file keeps a second watcher
//! off the same inbox, so whatever is in there is this watcher's.

use super::dispose;
use crate::error::{Error, Result};
use crate::intake::scan::{Fingerprint, Kind};
use crate::output::check_pdf;
use crate::report::Warning;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The journal's folder inside the inbox.
pub(crate) const DIR: &str = ".ocrpdf";

/// A record of a converted document whose disposition is not finished.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Intent {
    #[serde(skip)]
    pub id: String,
    #[serde(with = "os_name")]
    pub input: OsString,
    pub folder: bool,
    pub fingerprint: Fingerprint,
    /// Pages the PDF must have to count as valid.
    pub pages: usize,
    /// The PDF name in the outbox being tried (or used).
    #[serde(with = "os_name")]
    pub output: OsString,
    /// The document's warnings, reported when it is finished, even after
    /// a restart. (Intents written before warnings were kept have none.)
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Its pages by fate (journals from before this field read as zero).
    #[serde(default)]
    pub fates: crate::report::Fates,
    /// A stack split at separator sheets (`--split-on`): every part, each
    /// staged as `ID-001.pdf`, … and placed like a document of its own;
    /// the original is disposed of only when all are in place. Empty for
    /// a document of one PDF (`output` and `pages` above).
    #[serde(default)]
    pub parts: Vec<PartIntent>,
    /// The backs of a duplex pair (`--duplex-inbox`): a second original,
    /// disposed of like the first once the PDF is in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backs: Option<Backs>,
}

/// The second original of a duplex pair, as converted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Backs {
    #[serde(with = "os_name")]
    pub input: OsString,
    pub folder: bool,
    pub fingerprint: Fingerprint,
}

/// One part of a split document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct PartIntent {
    pub pages: usize,
    #[serde(with = "os_name")]
    pub output: OsString,
}

impl Intent {
    pub fn kind(&self) -> Kind {
        kind(self.folder)
    }

    /// Each output's page count and name: the document's, or each part's
    /// of a split one (in the order of [`Journal::stage_paths`]).
    fn outputs(&self) -> Vec<(usize, &OsString)> {
        if self.parts.is_empty() {
            vec![(self.pages, &self.output)]
        } else {
            self.parts.iter().map(|p| (p.pages, &p.output)).collect()
        }
    }

    /// The name of output `k` (see [`Intent::outputs`]).
    fn output_mut(&mut self, k: usize) -> &mut OsString {
        if self.parts.is_empty() {
            &mut self.output
        } else {
            &mut self.parts[k].output
        }
    }
}

fn kind(folder: bool) -> Kind {
    if folder { Kind::Folder } else { Kind::File }
}

/// The inbox's journal: intents, the stage folder, the lock, the trash.
pub(crate) struct Journal {
    inbox: PathBuf,
    outbox: PathBuf,
    intents: PathBuf,
    trash: PathBuf,
    stage: PathBuf,
    next: AtomicU64,
    _lock: std::fs::File,
}

/// How finishing a converted document ended.
#[derive(Debug)]
pub(crate) struct Finished {
    /// The PDF in the outbox (the first part of a split document).
    pub output: PathBuf,
    /// Every part of a split document, in order (empty otherwise).
    pub parts: Vec<PathBuf>,
    pub pages: usize,
    pub bytes: u64,
    pub warnings: Vec<Warning>,
    pub fates: crate::report::Fates,
    /// Where the original went (`None`: deleted, or no longer there).
    pub original: Option<PathBuf>,
    /// Where the backs of a duplex pair went, likewise.
    pub backs_original: Option<PathBuf>,
}

/// How resolving a leftover intent ended.
#[derive(Debug)]
pub(crate) enum Recovered {
    Finished(Finished),
    /// Nothing was placed; the input will be converted again.
    Dropped,
}

impl Journal {
    /// Open (creating) the journal of `inbox`, whose PDFs go to `outbox`
    /// (both canonical). Fails with [`Error::Config`] when another watcher
    /// holds the inbox.
    pub fn open(inbox: &Path, outbox: &Path) -> Result<Journal> {
        let root = inbox.join(DIR);
        let intents = root.join("intents");
        let trash = root.join("trash");
        let stage = outbox.join(format!(
            ".ocrpdf-work-{:016x}",
            fnv1a(inbox.as_os_str().as_encoded_bytes())
        ));
        for d in [&intents, &trash, &stage] {
            std::fs::create_dir_all(d).map_err(|e| io_err(d, e))?;
        }
        let lock_path = root.join("lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io_err(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Config(format!(
                    "{}: another `ocrpdf watch` is already watching this folder",
                    inbox.display()
                )));
            }
            // File systems without locks: carry on unguarded.
            Err(std::fs::TryLockError::Error(_)) => {}
        }
        let journal = Journal {
            inbox: inbox.to_path_buf(),
            outbox: outbox.to_path_buf(),
            intents,
            trash,
            stage,
            next: AtomicU64::new(0),
            _lock: lock,
        };
        // Whatever is in the trash was being deleted after success.
        for e in std::fs::read_dir(&journal.trash)
            .into_iter()
            .flatten()
            .flatten()
        {
            let p = e.path();
            let _ = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
        }
        Ok(journal)
    }

    /// A fresh id for a document; unique across restarts.
    pub fn new_id(&self) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!("{now:x}-{}", self.next.fetch_add(1, Ordering::Relaxed))
    }

    /// The stage file of document `id`.
    pub fn stage_path(&self, id: &str) -> PathBuf {
        self.stage.join(format!("{id}.pdf"))
    }

    /// The stage files of `intent`: one, or one per part.
    fn stage_paths(&self, intent: &Intent) -> Vec<PathBuf> {
        let one = self.stage_path(&intent.id);
        if intent.parts.is_empty() {
            vec![one]
        } else {
            (1..=intent.parts.len())
                .map(|k| crate::intake::part_path(&one, k))
                .collect()
        }
    }

    /// Make sure the stage folder exists (someone may have cleaned up the
    /// outbox while the watcher ran).
    pub fn ensure_stage(&self) -> Result<()> {
        std::fs::create_dir_all(&self.stage).map_err(|e| io_err(&self.stage, e))
    }

    /// Every intent left, oldest first. Unreadable records (which atomic
    /// writes should make impossible) are removed and reported.
    pub fn intents(&self) -> (Vec<Intent>, Vec<String>) {
        let mut found = Vec::new();
        let mut bad = Vec::new();
        for e in std::fs::read_dir(&self.intents)
            .into_iter()
            .flatten()
            .flatten()
        {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(id) = name.strip_suffix(".json") else {
                // A temp file of an interrupted write.
                let _ = std::fs::remove_file(&p);
                continue;
            };
            match std::fs::read(&p)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice::<Intent>(&b).map_err(|e| e.to_string()))
            {
                Ok(mut i) => {
                    i.id = id.to_string();
                    found.push(i);
                }
                Err(e) => {
                    bad.push(format!(
                        "{}: unreadable journal record removed ({e})",
                        p.display()
                    ));
                    let _ = std::fs::remove_file(&p);
                }
            }
        }
        found.sort_by(|a, b| a.id.cmp(&b.id));
        (found, bad)
    }

    /// The intent `id`, if it is still recorded.
    pub fn read(&self, id: &str) -> Option<Intent> {
        let bytes = std::fs::read(self.intents.join(format!("{id}.json"))).ok()?;
        let mut intent: Intent = serde_json::from_slice(&bytes).ok()?;
        intent.id = id.to_string();
        Some(intent)
    }

    /// Remove stage files no intent refers to: conversions cut short.
    pub fn clean_stage(&self, intents: &[Intent]) {
        let keep: HashSet<PathBuf> = intents.iter().flat_map(|i| self.stage_paths(i)).collect();
        for e in std::fs::read_dir(&self.stage)
            .into_iter()
            .flatten()
            .flatten()
        {
            if !keep.contains(&e.path()) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    /// Write `intent` so that it is either wholly there or not at all.
    pub fn write(&self, intent: &Intent) -> Result<()> {
        let path = self.intents.join(format!("{}.json", intent.id));
        let bytes = serde_json::to_vec(intent).map_err(|e| Error::Internal(e.to_string()))?;
        crate::output::write(&path, &bytes, crate::output::Mode::Replace)
    }

    pub fn remove(&self, id: &str) -> Result<()> {
        let path = self.intents.join(format!("{id}.json"));
        match std::fs::remove_file(&path) {
            Ok(()) => {
                crate::output::sync_dir(&self.intents);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_err(&path, e)),
        }
    }

    /// Finish a document whose PDF is in its stage file, or whose parts
    /// are in theirs (or, after a restart, possibly already in place):
    /// place each under a free name, check them all, dispose of the
    /// original if it is still the one converted, forget the intent.
    pub fn finish(&self, mut intent: Intent, delete: bool) -> Result<Finished> {
        for (k, stage) in self.stage_paths(&intent).into_iter().enumerate() {
            if !stage.exists() {
                continue;
            }
            let preferred = intent.outputs()[k].1.clone();
            if same_file(&stage, &self.outbox.join(&preferred)) {
                // A link-and-unlink rename stopped half way.
                let _ = std::fs::remove_file(&stage);
                continue;
            }
            let mut record = intent.clone();
            let name = crate::intake::place(&stage, &self.outbox, &preferred, |name| {
                *record.output_mut(k) = name.to_os_string();
                self.write(&record)
            })?;
            *intent.output_mut(k) = name;
        }
        let mut parts = Vec::new();
        let mut bytes = 0;
        for (pages, output) in intent.outputs() {
            let output = self.outbox.join(output);
            bytes += self.check_placed(&intent, &output, pages)?;
            parts.push(output);
        }
        let (original, backs_original) = self.dispose(&intent, delete)?;
        self.remove(&intent.id)?;
        let pages = intent.outputs().iter().map(|&(pages, _)| pages).sum();
        let output = parts[0].clone();
        if intent.parts.is_empty() {
            parts.clear();
        }
        Ok(Finished {
            output,
            parts,
            pages,
            bytes,
            warnings: intent.warnings,
            fates: intent.fates,
            original,
            backs_original,
        })
    }

    /// The placed PDF's size once it checks out; a broken one (ours, as
    /// the intent says) is removed with the intent.
    fn check_placed(&self, intent: &Intent, output: &Path, pages: usize) -> Result<u64> {
        if let Err(reason) = check_pdf(output, pages) {
            let _ = std::fs::remove_file(output);
            self.remove(&intent.id)?;
            return Err(Error::InvalidOutput {
                path: output.to_path_buf(),
                reason,
            });
        }
        Ok(std::fs::metadata(output).map_or(0, |m| m.len()))
    }

    /// Move (or delete) the original, and the backs of a duplex pair,
    /// each if it is still the one converted (a restart after the first
    /// moved finds only the second left). Where they went.
    fn dispose(&self, intent: &Intent, delete: bool) -> Result<(Option<PathBuf>, Option<PathBuf>)> {
        let trash = delete.then_some(self.trash.as_path());
        let one = |name: &OsString, kind: Kind, fingerprint: &Fingerprint| {
            if !self.still_there(name, kind, fingerprint) {
                return Ok(None);
            }
            dispose::done(&self.inbox, name, kind, trash)
                .map_err(|e| io_err(&self.inbox.join(name), e))
        };
        let fronts = one(&intent.input, intent.kind(), &intent.fingerprint)?;
        let backs = match &intent.backs {
            Some(b) => one(&b.input, kind(b.folder), &b.fingerprint)?,
            None => None,
        };
        Ok((fronts, backs))
    }

    /// Resolve an intent left by an earlier run (or a failed finish).
    pub fn recover(&self, intent: Intent, delete: bool) -> Result<Recovered> {
        let stages = self.stage_paths(&intent);
        let expected = intent.outputs();
        // Every part staged whole or already placed: finish the rest.
        let whole = stages
            .iter()
            .zip(&expected)
            .all(|(stage, &(pages, output))| {
                if stage.exists() {
                    check_pdf(stage, pages).is_ok()
                } else {
                    check_pdf(&self.outbox.join(output), pages).is_ok()
                }
            });
        if whole {
            return self.finish(intent, delete).map(Recovered::Finished);
        }
        for stage in &stages {
            let _ = std::fs::remove_file(stage);
        }
        self.remove(&intent.id)?;
        Ok(Recovered::Dropped)
    }

    /// Whether an original in the inbox is the one that was converted.
    fn still_there(&self, name: &OsStr, kind: Kind, fingerprint: &Fingerprint) -> bool {
        crate::intake::scan::snapshot(&self.inbox, name, kind)
            .is_some_and(|s| &s.fingerprint == fingerprint)
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        // Leave no empty private folder in the outbox.
        let _ = std::fs::remove_dir(&self.stage);
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

fn io_err(path: &Path, source: std::io::Error) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        source,
    }
}

/// FNV-1a, 64 bit: a stable name for the stage folder of an inbox. std's
/// hasher may change between Rust releases, and a hash crate for eight
/// lines is not worth it.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// File names in JSON: text when they are UTF-8, raw bytes otherwise, so
/// any name the file system allows round-trips.
mod os_name {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::ffi::OsString;

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Text(String),
        Bytes(Vec<u8>),
    }

    pub fn serialize<S: Serializer>(name: &OsString, s: S) -> Result<S::Ok, S::Error> {
        match name.to_str() {
            Some(t) => Repr::Text(t.to_string()),
            None => Repr::Bytes(name.as_encoded_bytes().to_vec()),
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OsString, D::Error> {
        Ok(match Repr::deserialize(d)? {
            Repr::Text(t) => t.into(),
            #[cfg(unix)]
            Repr::Bytes(b) => std::os::unix::ffi::OsStringExt::from_vec(b),
            #[cfg(not(unix))]
            Repr::Bytes(b) => String::from_utf8_lossy(&b).into_owned().into(),
        })
    }
}

#[cfg(test)]
mod tests {
    //! Each way a run can stop between the steps of finishing a document,
    //! set up on disk as that run would have left it, then resolved.
    use super::*;
    use crate::intake::scan::snapshot;

    struct Setup {
        _dir: tempfile::TempDir,
        inbox: PathBuf,
        outbox: PathBuf,
        journal: Journal,
    }

    fn setup() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path().join("in");
        let outbox = dir.path().join("out");
        std::fs::create_dir_all(&inbox).unwrap();
        std::fs::create_dir_all(&outbox).unwrap();
        let journal = Journal::open(&inbox, &outbox).unwrap();
        Setup {
            _dir: dir,
            inbox,
            outbox,
            journal,
        }
    }

    /// A real, minimal PDF of `pages` empty pages.
    fn write_pdf(path: &Path, pages: usize) {
        use lopdf::{Document, Object, dictionary};
        let mut doc = Document::with_version("1.5");
        let tree = doc.new_object_id();
        let kids: Vec<Object> = (0..pages)
            .map(|_| {
                doc.add_object(dictionary! {
                    "Type" => "Page",
                    "Parent" => tree,
                    "MediaBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
                })
                .into()
            })
            .collect();
        doc.objects.insert(
            tree,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => kids, "Count" => pages as i64,
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => tree });
        doc.trailer.set("Root", catalog);
        doc.save(path).unwrap();
    }

    /// An input in the inbox and the intent a run recorded for it.
    fn converted(s: &Setup, name: &str) -> Intent {
        std::fs::write(s.inbox.join(name), format!("scan {name}")).unwrap();
        let fp = snapshot(&s.inbox, OsStr::new(name), Kind::File)
            .unwrap()
            .fingerprint;
        Intent {
            id: s.journal.new_id(),
            input: name.into(),
            folder: false,
            fingerprint: fp,
            pages: 2,
            output: crate::intake::pdf_name(OsStr::new(name), Kind::File),
            warnings: Vec::new(),
            fates: crate::report::Fates::default(),
            parts: Vec::new(),
            backs: None,
        }
    }

    fn done_files(s: &Setup) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(s.inbox.join(".done"))
            .map(|d| {
                d.map(|e| e.unwrap().file_name().into_string().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    fn pdfs(s: &Setup) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&s.outbox)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| !n.starts_with('.'))
            .collect();
        v.sort();
        v
    }

    use std::ffi::OsStr;

    #[test]
    fn killed_while_converting_leaves_only_a_stage_file_which_is_removed() {
        let s = setup();
        let i = converted(&s, "a.png");
        write_pdf(&s.journal.stage_path(&i.id), 2);
        let (intents, bad) = s.journal.intents();
        assert!(intents.is_empty() && bad.is_empty());
        s.journal.clean_stage(&intents);
        assert_eq!(std::fs::read_dir(&s.journal.stage).unwrap().count(), 0);
        assert!(s.inbox.join("a.png").exists());
        assert!(pdfs(&s).is_empty());
    }

    #[test]
    fn killed_after_the_intent_before_the_rename_places_the_stage() {
        let s = setup();
        let i = converted(&s, "a.png");
        write_pdf(&s.journal.stage_path(&i.id), 2);
        s.journal.write(&i).unwrap();
        let (intents, _) = s.journal.intents();
        assert_eq!(intents, vec![i.clone()]);
        s.journal.clean_stage(&intents);
        let Recovered::Finished(f) = s.journal.recover(intents[0].clone(), false).unwrap() else {
            panic!("not finished")
        };
        assert_eq!(f.output, s.outbox.join("a.pdf"));
        assert_eq!(pdfs(&s), ["a.pdf"]);
        assert_eq!(done_files(&s), ["a.png"]);
        assert!(s.journal.intents().0.is_empty());
    }

    #[test]
    fn warnings_survive_a_restart_and_older_intents_without_them_still_read() {
        let s = setup();
        let mut i = converted(&s, "a.png");
        i.warnings = vec![Warning {
            code: "few_words".into(),
            message: "no words".into(),
            page: Some(2),
            input: Some("a.png".into()),
        }];
        write_pdf(&s.journal.stage_path(&i.id), 2);
        s.journal.write(&i).unwrap();
        let Ok(Recovered::Finished(f)) = s.journal.recover(s.journal.read(&i.id).unwrap(), false)
        else {
            panic!("not finished")
        };
        assert_eq!(f.warnings, i.warnings);

        // An intent as written before warnings were recorded.
        let mut old = serde_json::to_value(&i).unwrap();
        old.as_object_mut().unwrap().remove("warnings");
        let read: Intent = serde_json::from_value(old).unwrap();
        assert!(read.warnings.is_empty());
        assert_eq!(read.pages, i.pages);
    }

    /// A split document: two parts staged, one already placed when the
    /// run stopped. Recovery places the other under its numbered name,
    /// and only then moves the original; a part missing altogether drops
    /// the whole intent (the input is converted again), never half of it.
    #[test]
    fn split_parts_are_all_placed_before_the_original_moves() {
        let s = setup();
        let mut i = converted(&s, "stack.png");
        i.parts = vec![
            PartIntent {
                pages: 2,
                output: "stack-001.pdf".into(),
            },
            PartIntent {
                pages: 3,
                output: "stack-002.pdf".into(),
            },
        ];
        let stages = s.journal.stage_paths(&i);
        assert_eq!(stages[1], s.journal.stage.join(format!("{}-002.pdf", i.id)));
        write_pdf(&s.outbox.join("stack-001.pdf"), 2);
        write_pdf(&stages[1], 3);
        s.journal.write(&i).unwrap();
        let (intents, _) = s.journal.intents();
        s.journal.clean_stage(&intents);
        assert!(stages[1].exists(), "a part's stage file is kept");
        let Recovered::Finished(f) = s.journal.recover(intents[0].clone(), false).unwrap() else {
            panic!("not finished")
        };
        assert_eq!(
            f.parts,
            [
                s.outbox.join("stack-001.pdf"),
                s.outbox.join("stack-002.pdf")
            ]
        );
        assert_eq!(f.pages, 5);
        assert_eq!(pdfs(&s), ["stack-001.pdf", "stack-002.pdf"]);
        assert_eq!(done_files(&s), ["stack.png"]);

        let mut j = converted(&s, "other.png");
        j.parts = vec![
            PartIntent {
                pages: 2,
                output: "other-001.pdf".into(),
            },
            PartIntent {
                pages: 3,
                output: "other-002.pdf".into(),
            },
        ];
        write_pdf(&s.journal.stage_paths(&j)[0], 2);
        s.journal.write(&j).unwrap();
        assert!(matches!(
            s.journal.recover(j.clone(), false).unwrap(),
            Recovered::Dropped
        ));
        assert!(s.inbox.join("other.png").exists());
        assert!(!s.journal.stage_paths(&j)[0].exists());
        assert_eq!(pdfs(&s), ["stack-001.pdf", "stack-002.pdf"]);
    }

    /// A duplex pair: one PDF, two originals. Killed after the PDF was
    /// placed and the fronts moved: recovery moves the backs (and only
    /// if they are still the ones converted), never converts again.
    #[test]
    fn a_duplex_pair_disposes_of_both_originals_even_across_a_kill() {
        let s = setup();
        let mut i = converted(&s, "fronts.tif");
        let backs = converted(&s, "backs.tif");
        i.backs = Some(Backs {
            input: backs.input.clone(),
            folder: false,
            fingerprint: backs.fingerprint.clone(),
        });
        write_pdf(&s.journal.stage_path(&i.id), 2);
        s.journal.write(&i).unwrap();
        // The intent round-trips with its backs; one without reads too.
        assert_eq!(s.journal.read(&i.id).unwrap(), i);
        assert!(
            !serde_json::to_string(&backs)
                .unwrap()
                .contains("\"backs\":")
        );
        let f = s.journal.finish(i.clone(), false).unwrap();
        assert_eq!(pdfs(&s), ["fronts.pdf"]);
        assert_eq!(done_files(&s), ["backs.tif", "fronts.tif"]);
        assert_eq!(f.original, Some(s.inbox.join(".done/fronts.tif")));
        assert_eq!(f.backs_original, Some(s.inbox.join(".done/backs.tif")));

        // The same, stopped after the fronts moved: the backs follow.
        let s = setup();
        let mut i = converted(&s, "f.tif");
        let backs = converted(&s, "b.tif");
        i.backs = Some(Backs {
            input: backs.input,
            folder: false,
            fingerprint: backs.fingerprint,
        });
        write_pdf(&s.outbox.join("f.pdf"), 2);
        s.journal.write(&i).unwrap();
        super::dispose::done(&s.inbox, OsStr::new("f.tif"), Kind::File, None).unwrap();
        let Recovered::Finished(f) = s.journal.recover(i, false).unwrap() else {
            panic!("not finished")
        };
        assert_eq!(pdfs(&s), ["f.pdf"]);
        assert_eq!(done_files(&s), ["b.tif", "f.tif"]);
        assert_eq!((f.original, f.backs_original.is_some()), (None, true));
        assert!(s.journal.intents().0.is_empty());
    }

    #[test]
    fn killed_after_the_rename_finishes_the_disposition_without_a_second_pdf() {
        let s = setup();
        let i = converted(&s, "a.png");
        s.journal.write(&i).unwrap();
        write_pdf(&s.outbox.join("a.pdf"), 2);
        let (intents, _) = s.journal.intents();
        s.journal.clean_stage(&intents);
        assert!(matches!(
            s.journal.recover(intents[0].clone(), false).unwrap(),
            Recovered::Finished(_)
        ));
        assert_eq!(pdfs(&s), ["a.pdf"]);
        assert_eq!(done_files(&s), ["a.png"]);
        assert!(!s.inbox.join("a.png").exists());
        assert!(s.journal.intents().0.is_empty());
    }

    #[test]
    fn killed_after_the_move_only_forgets_the_intent() {
        let s = setup();
        let i = converted(&s, "a.png");
        s.journal.write(&i).unwrap();
        write_pdf(&s.outbox.join("a.pdf"), 2);
        std::fs::create_dir(s.inbox.join(".done")).unwrap();
        std::fs::rename(s.inbox.join("a.png"), s.inbox.join(".done/a.png")).unwrap();
        let (intents, _) = s.journal.intents();
        let Recovered::Finished(f) = s.journal.recover(intents[0].clone(), false).unwrap() else {
            panic!("not finished")
        };
        assert_eq!(f.original, None);
        assert_eq!(pdfs(&s), ["a.pdf"]);
        assert_eq!(done_files(&s), ["a.png"]);
        assert!(s.journal.intents().0.is_empty());
    }

    #[test]
    fn nothing_placed_drops_the_intent_and_keeps_the_original() {
        let s = setup();
        let i = converted(&s, "a.png");
        s.journal.write(&i).unwrap();
        // A PDF of that name with the wrong page count is someone else's.
        write_pdf(&s.outbox.join("a.pdf"), 1);
        // A half-written stage file is no PDF.
        std::fs::write(s.journal.stage_path(&i.id), b"%PDF-1.5 trunc").unwrap();
        let (intents, _) = s.journal.intents();
        assert!(matches!(
            s.journal.recover(intents[0].clone(), false).unwrap(),
            Recovered::Dropped
        ));
        assert!(s.inbox.join("a.png").exists());
        assert!(!s.journal.stage_path(&i.id).exists());
        assert!(s.journal.intents().0.is_empty());
        assert!(done_files(&s).is_empty());
    }

    #[test]
    fn a_name_taken_meanwhile_gets_a_suffix_and_the_intent_follows() {
        let s = setup();
        let i = converted(&s, "a.png");
        write_pdf(&s.journal.stage_path(&i.id), 2);
        s.journal.write(&i).unwrap();
        std::fs::write(s.outbox.join("a.pdf"), b"not ours").unwrap();
        let (intents, _) = s.journal.intents();
        let Recovered::Finished(f) = s.journal.recover(intents[0].clone(), false).unwrap() else {
            panic!("not finished")
        };
        assert_eq!(f.output, s.outbox.join("a-1.pdf"));
        assert_eq!(std::fs::read(s.outbox.join("a.pdf")).unwrap(), b"not ours");
        assert_eq!(done_files(&s), ["a.png"]);
    }

    #[test]
    fn a_replaced_original_is_not_disposed_of() {
        let s = setup();
        let i = converted(&s, "a.png");
        s.journal.write(&i).unwrap();
        write_pdf(&s.outbox.join("a.pdf"), 2);
        std::fs::write(s.inbox.join("a.png"), b"a new scan under the same name").unwrap();
        let (intents, _) = s.journal.intents();
        let Recovered::Finished(f) = s.journal.recover(intents[0].clone(), true).unwrap() else {
            panic!("not finished")
        };
        assert_eq!(f.original, None);
        assert!(
            s.inbox.join("a.png").exists(),
            "the new scan stays to be converted"
        );
    }

    #[test]
    fn deleting_originals_and_a_second_watcher_is_refused() {
        let s = setup();
        let i = converted(&s, "a.png");
        write_pdf(&s.journal.stage_path(&i.id), 2);
        let f = s.journal.finish(i, true).unwrap();
        assert_eq!(f.original, None);
        assert!(!s.inbox.join("a.png").exists());
        assert!(done_files(&s).is_empty());
        assert_eq!(pdfs(&s), ["a.pdf"]);

        let e = Journal::open(&s.inbox, &s.outbox).err().expect("locked");
        assert_eq!(e.kind(), crate::ErrorKind::Config);
    }

    #[test]
    fn non_utf8_names_round_trip() {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            let s = setup();
            let mut i = converted(&s, "x.png");
            i.input = OsString::from_vec(b"scan-\xff.png".to_vec());
            s.journal.write(&i).unwrap();
            assert_eq!(s.journal.read(&i.id).unwrap(), i);
        }
    }
}
