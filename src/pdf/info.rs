//! Document metadata: what the user says about the document (title,
//! author, …), when it was made, and how both are written into the Info
//! dictionary.
//!
//! Dates are instants to the second, always written in UTC: the same
//! inputs then give the same bytes whatever the machine's time zone, and
//! the Info dictionary and the XMP packet cannot disagree about an offset.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use pdf_writer::writers::DocumentInfo;
use pdf_writer::{Date, Name, Str, TextStr};
use std::time::SystemTime;

/// What goes into the PDF about the document as a whole.
#[derive(Debug, Clone, Default)]
pub struct DocInfo {
    /// The document's title (Info and XMP).
    pub title: Option<String>,
    /// Its author.
    pub author: Option<String>,
    /// Its subject.
    pub subject: Option<String>,
    /// Free text, conventionally comma-separated.
    pub keywords: Option<String>,
    /// Where the creation date comes from.
    pub date: DateSource,
    /// Write PDF/A-2b (archival): XMP metadata, an sRGB output intent.
    pub pdfa: bool,
}

/// Where the document's creation (and modification) date comes from. The
/// clock is never read here: a caller that wants "now" says so with
/// [`DocDate::now`], so the same inputs give the same file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DateSource {
    /// The newest modification time among the input files. Newest, not
    /// oldest: a document is as recent as its latest page, so replacing one
    /// scan moves the date forward, just as a build's date is its newest
    /// source (the `SOURCE_DATE_EPOCH` convention). Inputs without a time
    /// (standard input) do not count; with none left the date is omitted —
    /// the clock would make the output differ on every run.
    #[default]
    Inputs,
    /// This instant.
    At(DocDate),
    /// No date at all.
    Omit,
}

/// An instant to the second, within the years PDF dates can hold (0–9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DocDate(DateTime<Utc>);

impl DocDate {
    /// Seconds since 1970-01-01 UTC, as `SOURCE_DATE_EPOCH` holds them.
    pub fn from_unix(seconds: i64) -> Option<Self> {
        DateTime::from_timestamp(seconds, 0)
            .filter(|d| (0..=9999).contains(&d.year()))
            .map(DocDate)
    }

    /// A file time, truncated to the second.
    pub fn from_system_time(t: SystemTime) -> Option<Self> {
        let secs = match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).ok()?,
            Err(e) => -i64::try_from(e.duration().as_secs_f64().ceil() as u64).ok()?,
        };
        Self::from_unix(secs)
    }

    /// The clock, for callers that were asked for it.
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now()).expect("the clock is within years 0-9999")
    }

    /// Parse an RFC 3339 time (`2024-05-01T10:00:00Z`, `…+02:00`) or a
    /// bare date (`2024-05-01`, midnight UTC). A time without a zone is
    /// refused: local or UTC would be a guess.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let parsed = if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            d.and_hms_opt(0, 0, 0).map(|t| t.and_utc())
        } else if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            Some(t.with_timezone(&Utc))
        } else if chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok() {
            return Err(format!(
                "'{s}' has no time zone; add Z for UTC or an offset like +02:00"
            ));
        } else {
            None
        };
        parsed
            .and_then(|d| Self::from_unix(d.timestamp()))
            .ok_or_else(|| format!("'{s}' is not a date like 2024-05-01 or 2024-05-01T10:00:00Z"))
    }

    /// Seconds since 1970-01-01 UTC.
    pub fn unix(&self) -> i64 {
        self.0.timestamp()
    }

    /// PDF date string value (`D:20240501100000Z`).
    pub(crate) fn pdf(&self) -> Date {
        let d = self.0;
        Date::new(d.year() as u16)
            .month(d.month() as u8)
            .day(d.day() as u8)
            .hour(d.hour() as u8)
            .minute(d.minute() as u8)
            .second(d.second() as u8)
            .utc_offset_hour(0)
            .utc_offset_minute(0)
    }

    /// PDF date string (`D:20240501100000Z`).
    pub(crate) fn pdf_string(&self) -> String {
        self.0.format("D:%Y%m%d%H%M%SZ").to_string()
    }

    /// ISO 8601 in UTC (`2024-05-01T10:00:00Z`), as XMP writes dates.
    pub(crate) fn iso8601(&self) -> String {
        self.0.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// XMP date (`2024-05-01T10:00:00Z`).
    pub(crate) fn xmp(&self) -> xmp_writer::DateTime {
        let d = self.0;
        xmp_writer::DateTime::new(
            d.year() as u16,
            d.month() as u8,
            d.day() as u8,
            d.hour() as u8,
            d.minute() as u8,
            d.second() as u8,
            xmp_writer::Timezone::Utc,
        )
    }
}

impl std::fmt::Display for DocDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%SZ"))
    }
}

/// Name of the program, for Producer and Creator.
pub(crate) const PRODUCER: &str = concat!("ocrpdf ", env!("CARGO_PKG_VERSION"));

/// Characters metadata text may not hold: XML forbids most controls, and
/// an XML reader turns CR into LF, which would make XMP and Info differ.
pub fn is_forbidden_char(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

/// Metadata text as written: forbidden characters become spaces, so the
/// Info dictionary and the XMP packet carry the same valid text.
pub(crate) fn clean_text(s: &str) -> String {
    s.chars()
        .map(|c| if is_forbidden_char(c) { ' ' } else { c })
        .collect()
}

impl DocInfo {
    /// Fill the Info dictionary. `created` is [`DocInfo::date`] resolved by
    /// the caller; it is also the modification date (the file is written
    /// once).
    pub(crate) fn write(&self, info: &mut DocumentInfo, created: Option<DocDate>) {
        let fields = [
            ("Title", &self.title),
            ("Author", &self.author),
            ("Subject", &self.subject),
            ("Keywords", &self.keywords),
        ];
        for (key, value) in fields {
            if let Some(v) = value {
                put_text(info, key, &clean_text(v));
            }
        }
        put_text(info, "Creator", PRODUCER);
        put_text(info, "Producer", PRODUCER);
        if let Some(d) = created {
            info.creation_date(d.pdf());
            info.modified_date(d.pdf());
        }
    }
}

/// Write a PDF text string: PDFDocEncoding when every character has a
/// code there (one byte each, readable by every reader), else UTF-16BE
/// with a byte-order mark.
fn put_text(dict: &mut DocumentInfo, key: &str, text: &str) {
    match pdf_doc_encode(text) {
        Some(bytes) => dict.pair(Name(key.as_bytes()), Str(&bytes)),
        None => dict.pair(Name(key.as_bytes()), TextStr(text)),
    };
}

/// PDFDocEncoding (PDF 1.7, Annex D.2), or `None` if a character has no
/// code. Tab, LF and CR, printable ASCII, Latin-1 from 0xA1 (but not the
/// undefined 0xAD) map to themselves; these take the slots in between.
fn pdf_doc_encode(text: &str) -> Option<Vec<u8>> {
    const DIACRITICS: [char; 8] = ['˘', 'ˇ', 'ˆ', '˙', '˝', '˛', '˚', '˜']; // 0x18–0x1F
    const HIGH: [char; 33] = [
        '•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”',
        '‘', // 0x80
        '’', '‚', '™', 'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž',
        '\u{0}', // 0x90
        '€',     // 0xA0
    ];
    text.chars()
        .map(|c| match c as u32 {
            0x09 | 0x0A | 0x0D | 0x20..=0x7E => Some(c as u8),
            0xA1..=0xFF if c != '\u{AD}' => Some(c as u8),
            _ => {
                if let Some(i) = DIACRITICS.iter().position(|&d| d == c) {
                    Some(0x18 + i as u8)
                } else {
                    HIGH.iter()
                        .position(|&h| h == c && c != '\u{0}')
                        .map(|i| 0x80 + i as u8)
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_doc_encoding_covers_latin1_and_typographic_marks() {
        assert_eq!(pdf_doc_encode("Résumé").unwrap(), b"R\xE9sum\xE9");
        assert_eq!(
            pdf_doc_encode("“A”—€5 • œ").unwrap(),
            b"\x8DA\x8E\x84\xA05 \x80 \x9C"
        );
        assert_eq!(pdf_doc_encode("˘˜").unwrap(), b"\x18\x1F");
        // No code: Greek, Cyrillic, the soft hyphen, other controls, NUL.
        for s in ["Ελληνικά", "Кириллица", "a\u{AD}b", "\u{1}", "\u{0}"] {
            assert_eq!(pdf_doc_encode(s), None, "{s:?}");
        }
    }

    #[test]
    fn info_text_uses_utf16_with_bom_only_when_needed() {
        let mut buf = pdf_writer::Chunk::new();
        let mut info = buf
            .indirect(pdf_writer::Ref::new(1))
            .start::<DocumentInfo>();
        put_text(&mut info, "Title", "Ελλάδα");
        put_text(&mut info, "Author", "José (Ana)");
        drop(info);
        let s = String::from_utf8_lossy(buf.as_bytes()).into_owned();
        assert!(s.contains("/Title <FEFF039503BB03BB03AC03B403B1>"), "{s}");
        assert!(s.contains("/Author <4A6F73E9202841"), "{s}");
    }

    #[test]
    fn dates_parse_in_utc_and_refuse_guesses() {
        let d = DocDate::parse("2024-05-01T12:00:00+02:00").unwrap();
        assert_eq!(d.to_string(), "2024-05-01T10:00:00Z");
        assert_eq!(d, DocDate::from_unix(1_714_557_600).unwrap());
        assert_eq!(
            DocDate::parse("2024-05-01").unwrap().to_string(),
            "2024-05-01T00:00:00Z"
        );
        assert!(
            DocDate::parse("2024-05-01T10:00:00")
                .unwrap_err()
                .contains("time zone")
        );
        assert!(DocDate::parse("yesterday").is_err());
        assert!(DocDate::parse("2024-02-30").is_err());
        assert_eq!(DocDate::from_unix(i64::MAX), None);
        assert_eq!(DocDate::from_unix(300_000_000_000), None, "year > 9999");
    }

    #[test]
    fn file_times_truncate_to_the_second() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_714_557_600_900);
        assert_eq!(DocDate::from_system_time(t).unwrap().unix(), 1_714_557_600);
        let before = SystemTime::UNIX_EPOCH - std::time::Duration::from_millis(1500);
        assert_eq!(DocDate::from_system_time(before).unwrap().unix(), -2);
    }

    #[test]
    fn forbidden_characters_become_spaces() {
        assert_eq!(clean_text("a\rb\u{7}c\td\ne"), "a b c\td\ne");
    }
}
