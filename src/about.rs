//! What ocrpdf runs with: the Tesseract and Leptonica it is linked against
//! (for `ocrpdf --version`, the first thing a bug report needs) and the
//! language models installed where it looks for them (`ocrpdf
//! --list-langs`, which shell completion of `-l` calls).

use std::ffi::CStr;
use std::path::Path;

/// Versions of the OCR libraries, as the linked libraries report them
/// (not as the headers said at build time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedVersions {
    /// Tesseract's version, e.g. `5.3.0`.
    pub tesseract: String,
    /// Leptonica's version, e.g. `1.82.0`.
    pub leptonica: String,
}

/// Ask the linked libraries for their versions.
pub fn linked_versions() -> LinkedVersions {
    // SAFETY: TessVersion returns a pointer to a static NUL-terminated
    // string owned by libtesseract; it is copied, never freed.
    let tesseract = unsafe {
        let p = tesseract_sys::TessVersion();
        if p.is_null() {
            String::from("unknown")
        } else {
            CStr::from_ptr(p).to_string_lossy().into_owned()
        }
    };
    // SAFETY: getLeptonicaVersion returns a string that Leptonica
    // allocated for the caller ("leptonica-1.82.0"); it is copied, then
    // given back to Leptonica's own deallocator (lept_free), which matches
    // the allocator Leptonica was built with.
    let leptonica = unsafe {
        let p = leptonica_sys::getLeptonicaVersion();
        if p.is_null() {
            String::from("unknown")
        } else {
            let s = CStr::from_ptr(p).to_string_lossy().into_owned();
            leptonica_sys::lept_free(p.cast());
            s
        }
    };
    let leptonica = match leptonica.strip_prefix("leptonica-") {
        Some(v) => v.to_string(),
        None => leptonica,
    };
    LinkedVersions {
        tesseract,
        leptonica,
    }
}

pub use crate::ocr::model_folders;

/// The languages `-l` can name: every `LANG.traineddata` in
/// [`model_folders`], sorted, once each. `osd` (orientation detection, not
/// a language) is left out; folders that do not exist are skipped.
pub fn installed_languages(tessdata: Option<&Path>) -> Vec<String> {
    let mut langs: Vec<String> = model_folders(tessdata)
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().into_string().ok()?;
            let lang = name.strip_suffix(".traineddata")?;
            let usable = !lang.is_empty() && lang != "osd" && e.path().is_file();
            usable.then(|| lang.to_string())
        })
        .collect();
    langs.sort();
    langs.dedup();
    langs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_numbers() {
        let v = linked_versions();
        for s in [&v.tesseract, &v.leptonica] {
            assert!(
                s.chars().next().is_some_and(|c| c.is_ascii_digit()),
                "{v:?}"
            );
        }
    }

    #[test]
    fn languages_of_a_chosen_folder() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "deu.traineddata",
            "eng.traineddata",
            "osd.traineddata",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(f), b"").unwrap();
        }
        std::fs::create_dir(dir.path().join("fra.traineddata")).unwrap();
        assert_eq!(installed_languages(Some(dir.path())), ["deu", "eng"]);
        let missing = dir.path().join("nothing-here");
        assert!(installed_languages(Some(&missing)).is_empty());
    }
}
