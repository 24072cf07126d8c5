//! The manifest (one document per line) and which of its documents a shard
//! takes.
//!
//! A shard is `I/N`: the documents whose 0-based index among the
//! manifest's documents is ≡ I (mod N). Array-job engines give a worker
//! its index in the environment: Kubernetes Indexed Jobs set
//! `JOB_COMPLETION_INDEX`, AWS Batch array jobs `AWS_BATCH_JOB_ARRAY_INDEX`
//! (neither gives the count, so `--shards N` or `OCRPDF_SHARDS` must), and
//! Slurm job arrays `SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_MIN`,
//! `SLURM_ARRAY_TASK_STEP` and `SLURM_ARRAY_TASK_COUNT` (Slurm's sbatch(1),
//! "OUTPUT ENVIRONMENT VARIABLES").

use std::fmt;
use std::path::{Path, PathBuf};

/// The documents of a manifest, in order, with the line each came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub documents: Vec<Entry>,
}

/// One document line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path as written in the manifest.
    pub written: String,
    /// The path to read: relative ones are taken from the manifest's folder.
    pub path: PathBuf,
}

impl Manifest {
    /// Read a manifest file.
    pub fn load(path: &Path) -> std::io::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        let base = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        Ok(Self::parse(&text, base))
    }

    /// One document per line; blank lines and lines whose first non-blank
    /// character is `#` are not documents. Leading and trailing blanks
    /// (and a DOS line end) are not part of the path.
    pub fn parse(text: &str, base: &Path) -> Self {
        let documents = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| Entry {
                written: l.to_string(),
                path: base.join(l),
            })
            .collect();
        Manifest { documents }
    }

    /// The documents of `shard` (all of them for `None`), with their index
    /// in the manifest.
    pub fn shard(&self, shard: Option<Shard>) -> impl Iterator<Item = (usize, &Entry)> {
        self.documents
            .iter()
            .enumerate()
            .filter(move |(i, _)| shard.is_none_or(|s| i % s.count == s.index))
    }
}

/// Worker `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This worker's number, from 0.
    pub index: usize,
    /// How many workers share the manifest.
    pub count: usize,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    fn new(index: usize, count: usize, from: &str) -> Result<Self, String> {
        if count == 0 {
            return Err(format!("{from}: the number of shards must be at least 1"));
        }
        if index >= count {
            return Err(format!(
                "{from}: shard index {index} is not below the shard count {count}"
            ));
        }
        Ok(Shard { index, count })
    }

    /// `I/N`, as `--shard` takes it.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("--shard {s}: expected INDEX/COUNT, e.g. 0/4"))?;
        let (i, n) = (number(i.trim(), "--shard")?, number(n.trim(), "--shard")?);
        Self::new(i, n, "--shard")
    }

    /// The shard an array-job engine gave this process, from its
    /// environment (`var` looks a name up); `shards` is `--shards` or
    /// `OCRPDF_SHARDS`. `None`: no engine index, so the whole manifest.
    pub fn from_env(
        var: impl Fn(&str) -> Option<String>,
        shards: Option<usize>,
    ) -> Result<Option<Self>, String> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        for name in ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"] {
            if let Some(v) = var(name) {
                let index = number(v.trim(), name)?;
                let count = shards.ok_or_else(|| {
                    format!(
                        "{name} is set but the number of shards is not: give --shards N or OCRPDF_SHARDS=N (the job's completions or array size)"
                    )
                })?;
                return Self::new(index, count, name).map(Some);
            }
        }
        if let Some(id) = var("SLURM_ARRAY_TASK_ID") {
            let id = number(id.trim(), "SLURM_ARRAY_TASK_ID")?;
            let min = match var("SLURM_ARRAY_TASK_MIN") {
                Some(v) => number(v.trim(), "SLURM_ARRAY_TASK_MIN")?,
                None => 0,
            };
            let step = match var("SLURM_ARRAY_TASK_STEP") {
                Some(v) => number(v.trim(), "SLURM_ARRAY_TASK_STEP")?.max(1),
                None => 1,
            };
            let count = match (shards, var("SLURM_ARRAY_TASK_COUNT")) {
                (Some(n), _) => n,
                (None, Some(v)) => number(v.trim(), "SLURM_ARRAY_TASK_COUNT")?,
                (None, None) => {
                    return Err("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: give --shards N".into());
                }
            };
            let offset = id.checked_sub(min).ok_or_else(|| {
                format!("SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}")
            })?;
            if offset % step != 0 {
                return Err(format!(
                    "SLURM_ARRAY_TASK_ID {id} is not on the array's step {step} from {min}"
                ));
            }
            return Self::new(offset / step, count, "SLURM_ARRAY_TASK_ID").map(Some);
        }
        Ok(None)
    }
}

fn number(s: &str, what: &str) -> Result<usize, String> {
    s.parse()
        .map_err(|_| format!("{what}: '{s}' is not a whole number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_string())
        }
    }

    #[test]
    fn comments_and_blank_lines_are_not_documents_and_paths_are_relative_to_the_manifest() {
        let m = Manifest::parse(
            "# scans of 2026\n\na.png\r\n  # indented comment\n  sub/b  \n/abs/c.pdf\n",
            Path::new("/data"),
        );
        let paths: Vec<_> = m.documents.iter().map(|e| e.path.clone()).collect();
        assert_eq!(
            paths,
            [
                PathBuf::from("/data/a.png"),
                PathBuf::from("/data/sub/b"),
                PathBuf::from("/abs/c.pdf")
            ]
        );
        let s = Shard::parse("1/2").unwrap();
        let taken: Vec<usize> = m.shard(Some(s)).map(|(i, _)| i).collect();
        assert_eq!(taken, [1]);
        assert_eq!(m.shard(None).count(), 3);
    }

    #[test]
    fn shards_partition_the_manifest() {
        let text: String = (0..10).map(|i| format!("d{i}\n# c\n")).collect();
        let m = Manifest::parse(&text, Path::new("."));
        let mut seen: Vec<usize> = (0..3)
            .flat_map(|i| {
                m.shard(Some(Shard { index: i, count: 3 }))
                    .map(|(k, _)| k)
                    .collect::<Vec<_>>()
            })
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn bad_shard_arguments_are_refused() {
        for bad in ["3/3", "1", "a/2", "0/0", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Shard::parse(" 2 / 5 ").unwrap(),
            Shard { index: 2, count: 5 }
        );
    }

    #[test]
    fn the_index_comes_from_the_engines_environment() {
        assert_eq!(Shard::from_env(env(&[]), None), Ok(None));
        assert_eq!(
            Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "2")]), Some(4)),
            Ok(Some(Shard { index: 2, count: 4 }))
        );
        let no_count = Shard::from_env(env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "0")]), None);
        assert!(no_count.unwrap_err().contains("--shards"));
        assert!(Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "4")]), Some(4)).is_err());
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_MIN", "5"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ];
        assert_eq!(
            Shard::from_env(env(&slurm), None),
            Ok(Some(Shard { index: 2, count: 3 }))
        );
        let stepped = [
            ("SLURM_ARRAY_TASK_ID", "14"),
            ("SLURM_ARRAY_TASK_MIN", "10"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ];
        assert_eq!(
            Shard::from_env(env(&stepped), None),
            Ok(Some(Shard { index: 2, count: 4 }))
        );
        assert!(Shard::from_env(env(&[("SLURM_ARRAY_TASK_ID", "1")]), None).is_err());
    }
}
