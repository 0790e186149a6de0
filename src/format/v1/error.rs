//! What can be wrong with a v1 file, in words a journalist understands.

use std::fmt;

use super::VERSION;

/// What is wrong with a file. Each variant displays as the end of one plain
/// sentence (lower-case start, final full stop); [`FormatError`] adds where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Zero bytes, or only whitespace.
    Empty,
    /// Larger than [`super::MAX_BYTES`] (checked before anything else).
    TooLarge {
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// Not UTF-8 text (a binary file, or another encoding).
    NotUtf8,
    /// Not JSON: a syntax error at this place.
    NotJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The JSON stops in the middle (an incomplete download or copy).
    Truncated {
        /// 1-based line of the end.
        line: usize,
        /// 1-based column of the end.
        column: usize,
    },
    /// Lists or objects nested deeper than any real file (serde_json's
    /// recursion limit, 128).
    TooDeep,
    /// A number beyond what JSON readers can represent (`1e400`).
    NumberTooLarge,
    /// Valid JSON, but from another tool.
    Foreign {
        /// What it looks like, in words (`"a W3C Web Annotation"`).
        what: String,
    },
    /// `format` is a string other than `"surligneur"`.
    WrongFormat {
        /// The value found.
        found: String,
    },
    /// A version newer than this build reads.
    NewerVersion {
        /// The version found.
        found: u64,
    },
    /// A version that never existed (0, negative, fractional, not a number).
    UnsupportedVersion {
        /// The value found, as JSON.
        found: String,
    },
    /// A required field is missing (the path is the object lacking it).
    MissingField {
        /// Its name.
        field: String,
    },
    /// A field that v1 does not have (unknown fields are refused).
    UnknownField {
        /// Its name.
        field: String,
    },
    /// A value of the wrong JSON type.
    WrongType {
        /// What was expected, in words (`"text"`, `"a list"`).
        expected: String,
        /// What was found, in words (`"the number 3"`).
        found: String,
    },
    /// A negative offset.
    NegativeOffset {
        /// The value found.
        found: String,
    },
    /// An offset with a fractional part.
    NotAnOffset {
        /// The value found.
        found: String,
    },
    /// A whole-number offset too large to even represent (beyond `usize`,
    /// or beyond u64 as in `18446744073709551616`).
    OffsetTooLarge {
        /// The value found.
        found: String,
        /// Text length in code points.
        len: usize,
    },
    /// An offset past the end of the text.
    OutOfRange {
        /// The offset.
        offset: usize,
        /// Text length in code points.
        len: usize,
    },
    /// `end < start`.
    Reversed {
        /// Start.
        start: usize,
        /// End.
        end: usize,
    },
    /// `end == start`.
    EmptySpan,
    /// The span lies entirely in the blank lines between paragraphs, where
    /// it could not be shown (the core refuses these too).
    OutsideBlocks {
        /// Start.
        start: usize,
        /// End.
        end: usize,
    },
    /// `quote` differs from the text at `[start, end)`.
    QuoteMismatch {
        /// The text at the offsets.
        expected: String,
        /// The quote in the file.
        found: String,
    },
    /// An annotation's label is not defined in `labels`.
    UnknownLabel {
        /// The label.
        label: String,
    },
    /// Two annotations with one id.
    DuplicateId {
        /// The id.
        id: String,
        /// Index of the earlier annotation with it.
        first: usize,
    },
    /// Two annotations with the same span and label.
    DuplicateSpan {
        /// Index of the earlier annotation.
        first: usize,
    },
    /// Two labels with one id, or one key.
    DuplicateLabel {
        /// `"id"` or `"key"`.
        field: String,
        /// The shared value.
        value: String,
        /// Index of the earlier label with it.
        first: usize,
    },
    /// An empty id (annotation or label).
    EmptyId,
    /// A label colour not of the form `#rrggbb`.
    BadColor {
        /// The value found.
        found: String,
    },
    /// A label key that is more than one character (code point).
    BadKey {
        /// The value found.
        found: String,
    },
    /// A label look other than `fill` or `underline`.
    BadLook {
        /// The value found.
        found: String,
    },
    /// `document.id` is not the hex SHA-256 of `document.text`.
    DocumentIdMismatch,
    /// `document.text` contains carriage returns (v1 text is LF only).
    CarriageReturn,
    /// A date that is not RFC 3339 (`2013-11-29T10:00:00.000Z`).
    BadTimestamp {
        /// The value found.
        found: String,
    },
}

/// A problem with a file: where (a JSON path, empty for the whole file)
/// and what. Displays as one sentence, e.g. `Annotation 4
/// (annotations[3].end): the end offset 9000 is past the end of the text
/// (2531 characters).`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// JSON path such as `annotations[3].end`; empty for the whole file.
    pub path: String,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl FormatError {
    pub(crate) fn new(path: impl Into<String>, kind: ErrorKind) -> Self {
        FormatError {
            path: path.into(),
            kind,
        }
    }

    /// The item the path points into, for the sentence: `Annotation 4`,
    /// `Label 2`, or `None` for the document and the file itself.
    fn item(&self) -> Option<String> {
        let index = |prefix: &str| -> Option<usize> {
            self.path
                .strip_prefix(prefix)?
                .split(']')
                .next()?
                .parse()
                .ok()
        };
        if let Some(i) = index("annotations[") {
            Some(format!("Annotation {}", i.saturating_add(1)))
        } else {
            index("labels[").map(|i| format!("Label {}", i.saturating_add(1)))
        }
    }
}

impl std::error::Error for FormatError {}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sentence = self.kind.to_string();
        // "the offset"/"the value" → "the start offset" / "the end offset".
        for field in ["start", "end"] {
            if self.path.ends_with(&format!(".{field}")) {
                let rest = sentence
                    .strip_prefix("the offset ")
                    .or_else(|| sentence.strip_prefix("the value "));
                if let Some(rest) = rest {
                    sentence = format!("the {field} offset {rest}");
                }
            }
        }
        // The path may contain keys from the file: keep the sentence on
        // one line and of reasonable length.
        let path = shortened(&self.path);
        match (path.as_str(), self.item()) {
            ("", _) => f.write_str(&capitalise(&sentence)),
            (path, Some(item)) => write!(f, "{item} ({path}): {sentence}"),
            (path, None) => write!(f, "In {path}: {sentence}"),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A value from the file, quoted for a sentence (see [`shortened`]).
pub(crate) fn quoted(s: &str) -> String {
    format!("\"{}\"", shortened(s))
}

/// A value from the file, for a sentence: at most 60 characters, control
/// characters shown as `\n`, `\u{1}`…
pub(crate) fn shortened(s: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX - 1 && s.chars().nth(MAX).is_some() {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        const MB: usize = 1024 * 1024;
        match self {
            Empty => write!(f, "the file is empty."),
            TooLarge { size, limit } => {
                // Rounded up to a tenth, so a file just over the limit
                // never shows as equal to it.
                let tenths = size.saturating_mul(10).div_ceil(MB);
                write!(
                    f,
                    "the file is too large ({}.{} MB); Surligneur opens files of up to {} MB.",
                    tenths / 10,
                    tenths % 10,
                    limit / MB
                )
            }
            NotUtf8 => write!(
                f,
                "the file is not text (it is binary, or not saved as UTF-8), so it cannot be a Surligneur file."
            ),
            NotJson { line, column } => write!(
                f,
                "the file is not valid JSON (the problem is at line {line}, column {column})."
            ),
            Truncated { line, column } => write!(
                f,
                "the file stops in the middle (at line {line}, column {column}), so it is probably incomplete."
            ),
            TooDeep => write!(
                f,
                "the file nests lists or objects far too deeply to be a Surligneur file."
            ),
            NumberTooLarge => write!(f, "the file contains a number too large to read."),
            Foreign { what } => write!(f, "this is {what}, not a Surligneur file."),
            WrongFormat { found } => write!(
                f,
                "the format is {}, not \"surligneur\", so this is not a Surligneur file.",
                quoted(found)
            ),
            NewerVersion { found } => write!(
                f,
                "the file was made by a newer Surligneur (format version {found}, this one reads version {VERSION}), so update Surligneur to open it."
            ),
            UnsupportedVersion { found } => write!(
                f,
                "the format version {} does not exist (it should be {VERSION}).",
                shortened(found)
            ),
            MissingField { field } => write!(f, "the field {} is missing.", quoted(field)),
            UnknownField { field } => write!(
                f,
                "the field {} is not part of the Surligneur format.",
                quoted(field)
            ),
            WrongType { expected, found } => {
                write!(f, "the value should be {expected}, but it is {found}.")
            }
            NegativeOffset { found } => write!(f, "the offset {found} is negative."),
            NotAnOffset { found } => write!(
                f,
                "the offset {found} is not a whole number of characters."
            ),
            OffsetTooLarge { found, len } => write!(
                f,
                "the offset {found} is far past the end of the text ({len} character{}).",
                plural(*len)
            ),
            OutOfRange { offset, len } => write!(
                f,
                "the offset {offset} is past the end of the text ({len} character{}).",
                plural(*len)
            ),
            Reversed { start, end } => write!(
                f,
                "the highlight ends (at {end}) before it starts (at {start})."
            ),
            EmptySpan => write!(
                f,
                "the highlight is empty (it ends where it starts)."
            ),
            OutsideBlocks { start, end } => write!(
                f,
                "the highlight {start}–{end} covers only blank lines between paragraphs."
            ),
            QuoteMismatch { expected, found } => write!(
                f,
                "the quote {} does not match the text at its offsets, which is {}.",
                quoted(found),
                quoted(expected)
            ),
            UnknownLabel { label } => write!(
                f,
                "the label {} is not one of the file's labels.",
                quoted(label)
            ),
            DuplicateId { id, first } => write!(
                f,
                "the id {} is already used by annotation {}.",
                quoted(id),
                first.saturating_add(1)
            ),
            DuplicateSpan { first } => write!(
                f,
                "annotation {} already highlights the same text with the same label.",
                first.saturating_add(1)
            ),
            DuplicateLabel { field, value, first } => write!(
                f,
                "the {field} {} is already used by label {}.",
                quoted(value),
                first.saturating_add(1)
            ),
            EmptyId => write!(f, "the id is empty."),
            BadColor { found } => write!(
                f,
                "the colour {} is not of the form #rrggbb (such as #e69f00).",
                quoted(found)
            ),
            BadKey { found } => write!(
                f,
                "the key {} should be one character (or empty for no key).",
                quoted(found)
            ),
            BadLook { found } => write!(
                f,
                "the look {} should be \"fill\" or \"underline\".",
                quoted(found)
            ),
            DocumentIdMismatch => write!(
                f,
                "the document id does not match its text, so the text was changed after export."
            ),
            CarriageReturn => write!(
                f,
                "the text contains carriage returns, but Surligneur files use plain line feeds."
            ),
            BadTimestamp { found } => write!(
                f,
                "the date {} is not a date such as 2013-11-29T10:00:00.000Z.",
                quoted(found)
            ),
        }
    }
}
