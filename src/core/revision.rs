//! A document's identity across versions of its text.
//!
//! A document has a stable id that never changes when its text does (a
//! corrected article stays the same document), and a list of revisions,
//! oldest first: each the SHA-256 of one text, when it was loaded and where
//! from. The last revision is the current text. Annotations whose words
//! are gone after a revision become [`Orphan`]s: kept, with the words they
//! covered, until the user re-attaches or deletes them.

use super::document::{content_id, Document};
use super::span::Annotation;
use super::time::Timestamp;

/// One version of a document's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// Unique within the document (UUID v4 when made by Surligneur).
    pub id: String,
    /// Lower-case hex SHA-256 of the text's UTF-8 bytes.
    pub sha256: String,
    /// When it was loaded.
    pub loaded: Timestamp,
    /// Where it came from: a file name, `pasted`, or empty if unknown.
    pub source: String,
}

/// A document's identity: a stable id and its revisions, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocMeta {
    /// The stable id (for documents made before revisions existed: the
    /// SHA-256 of their first text, which they keep from then on).
    pub id: String,
    /// Every revision, oldest first; never empty, the last is current.
    pub revisions: Vec<Revision>,
}

impl DocMeta {
    /// The identity of a document first seen with `doc`'s text: `id` and
    /// one revision whose id is derived from the text's hash (so that two
    /// tabs opening the same default article agree on it).
    pub fn first(
        id: impl Into<String>,
        doc: &Document,
        loaded: Timestamp,
        source: &str,
    ) -> DocMeta {
        let sha256 = doc.id().to_owned();
        DocMeta {
            id: id.into(),
            revisions: vec![Revision {
                id: format!("r-{}", sha256.get(..16).unwrap_or(&sha256)),
                sha256,
                loaded,
                source: source.to_owned(),
            }],
        }
    }

    /// The identity of a document made before revisions: its id is its
    /// text's hash, its one revision that text.
    pub fn legacy(doc: &Document) -> DocMeta {
        Self::first(doc.id(), doc, Timestamp(0), "")
    }

    /// The current revision.
    pub fn current(&self) -> Option<&Revision> {
        self.revisions.last()
    }

    /// Whether one of the revisions has this text hash.
    pub fn has_text(&self, sha256: &str) -> bool {
        self.revisions.iter().any(|r| r.sha256 == sha256)
    }

    /// This identity with `r` appended as the current revision.
    pub fn with_revision(&self, r: Revision) -> DocMeta {
        let mut out = self.clone();
        out.revisions.push(r);
        out
    }

    /// Whether the identity fits `doc`: a non-empty id, revisions with
    /// unique non-empty ids, and the last one's hash that of `doc`'s text.
    pub fn fits(&self, doc: &Document) -> Result<(), &'static str> {
        if self.id.is_empty() {
            return Err("the document id is empty");
        }
        let Some(last) = self.revisions.last() else {
            return Err("there is no revision");
        };
        if last.sha256 != doc.id() {
            return Err("the last revision's hash is not that of the text");
        }
        let mut ids = std::collections::BTreeSet::new();
        if self
            .revisions
            .iter()
            .any(|r| r.id.is_empty() || !ids.insert(r.id.as_str()))
        {
            return Err("a revision id is empty or repeated");
        }
        Ok(())
    }
}

/// The hex SHA-256 of a text (the content id of [`Document`]).
pub fn sha256(text: &str) -> String {
    content_id(text)
}

/// An annotation whose words are gone from the current text: kept with
/// the words it covered and their context, so that nothing is lost and the
/// user can re-attach it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orphan {
    /// The annotation as it was on the revision where it still had its
    /// words (`start`/`end` into that text, `quote` its words).
    pub annotation: Annotation,
    /// Up to 32 code points before the quote, in that text.
    pub prefix: String,
    /// Up to 32 code points after it.
    pub suffix: String,
    /// The revision where it lost its words.
    pub revision: String,
}
