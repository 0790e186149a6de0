//! The document library kept in a key–value store (localStorage in the
//! browser, a map in tests). Pure logic over the [`KeyValue`] trait so it
//! is tested natively; `web::storage` provides the browser backend.
//!
//! Keys:
//! - `surligneur/doc/<document id>` — one document with its annotations,
//!   in the stored form of [`crate::format::stored`] (self-contained,
//!   carries its version; version 1 was a bare v1 export file).
//! - `surligneur/index` — `{ "<id>": { "title": …, "count": … } }`, so the
//!   documents menu needs no full parse; rebuilt from the doc keys when
//!   missing or unreadable.
//! - `surligneur/current` — id of the document open last.
//! - `surligneur/backup/<document id>/<millis>` — raw bytes of a stored
//!   value that could not be read; never deleted by the app.
//!
//! Invariant: nothing is ever written over a value that could not be read
//! before that value has been copied to a backup key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::revision::DocMeta;
use crate::core::{Document, Session};
use crate::format::stored::{self, Stored, StoredError};

/// Prefix of every key the app writes.
pub const PREFIX: &str = "surligneur/";
const DOC_PREFIX: &str = "surligneur/doc/";
const INDEX_KEY: &str = "surligneur/index";
const CURRENT_KEY: &str = "surligneur/current";
const BACKUP_PREFIX: &str = "surligneur/backup/";

/// What can go wrong with the store itself.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KvError {
    /// Storage cannot be used at all (privacy mode, disabled).
    #[error("the browser does not let Surligneur use its storage ({0})")]
    Unavailable(String),
    /// The store is full.
    #[error("the browser's storage for Surligneur is full")]
    QuotaExceeded,
    /// Anything else the backend reported.
    #[error("the browser's storage failed ({0})")]
    Other(String),
}

/// A string key–value store.
pub trait KeyValue {
    /// The value at `key`.
    fn get(&self, key: &str) -> Result<Option<String>, KvError>;
    /// Store `value` at `key`.
    fn set(&self, key: &str, value: &str) -> Result<(), KvError>;
    /// All keys.
    fn keys(&self) -> Result<Vec<String>, KvError>;
}

/// The storage key of a document.
pub fn doc_key(doc_id: &str) -> String {
    format!("{DOC_PREFIX}{doc_id}")
}

/// The document id a storage key belongs to, if it is a document key.
pub fn doc_id_of_key(key: &str) -> Option<&str> {
    key.strip_prefix(DOC_PREFIX)
}

/// One line of the documents menu.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocSummary {
    /// Document id.
    #[serde(skip)]
    pub id: String,
    /// Its title.
    pub title: String,
    /// Number of annotations.
    pub count: usize,
    /// The text hash of each of its revisions (to find the document a file
    /// made on any of them belongs to). Absent from indexes written before
    /// revisions: then only the id (its first text's hash) is known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<String>,
}

/// What [`load`] found for a document.
#[derive(Debug)]
pub enum Loaded {
    /// Nothing stored yet.
    Missing,
    /// A readable stored value (of this version or an older one, see
    /// [`Stored::version`]), and the raw value it was read from.
    Restored(Stored, String),
    /// Unreadable (corrupt, foreign, wrong document): the raw value was
    /// copied to `backup_key`, which the user can download.
    Unreadable {
        /// Where the raw bytes now also live.
        backup_key: String,
        /// Why it could not be read, in plain words.
        reason: String,
        /// The raw value (now also at `backup_key`).
        raw: String,
    },
    /// Written by a newer Surligneur: left exactly as it is, not backed up,
    /// and must not be saved over.
    Newer {
        /// Why it could not be read, in plain words.
        reason: String,
    },
}

/// Read a document's stored value.
pub fn load(kv: &dyn KeyValue, doc_id: &str, now_millis: i64) -> Result<Loaded, KvError> {
    let Some(raw) = kv.get(&doc_key(doc_id))? else {
        return Ok(Loaded::Missing);
    };
    match stored::parse(&raw) {
        Ok(s) if s.meta.id == doc_id => Ok(Loaded::Restored(s, raw)),
        Ok(_) => {
            let backup_key = backup(kv, doc_id, &raw, now_millis)?;
            Ok(Loaded::Unreadable {
                backup_key,
                reason: "the stored value belongs to another document".to_owned(),
                raw,
            })
        }
        Err(error @ StoredError::Newer { .. }) => Ok(Loaded::Newer {
            reason: error.to_string(),
        }),
        Err(error) => {
            let backup_key = backup(kv, doc_id, &raw, now_millis)?;
            Ok(Loaded::Unreadable {
                backup_key,
                reason: error.to_string(),
                raw,
            })
        }
    }
}

/// Copy raw bytes to a fresh backup key and return it. Bytes already
/// backed up for this document are not copied again (the same unreadable
/// value met at every start would otherwise fill the storage): the
/// existing key is returned.
pub fn backup(
    kv: &dyn KeyValue,
    doc_id: &str,
    raw: &str,
    now_millis: i64,
) -> Result<String, KvError> {
    let mine = format!("{BACKUP_PREFIX}{doc_id}/");
    for key in backups(kv)? {
        if key.starts_with(&mine) && kv.get(&key)?.as_deref() == Some(raw) {
            return Ok(key);
        }
    }
    let mut key = format!("{BACKUP_PREFIX}{doc_id}/{now_millis}");
    let mut n = 1;
    while kv.get(&key)?.is_some() {
        key = format!("{BACKUP_PREFIX}{doc_id}/{now_millis}-{n}");
        n += 1;
    }
    kv.set(&key, raw)?;
    Ok(key)
}

/// Every backup key, oldest first.
pub fn backups(kv: &dyn KeyValue) -> Result<Vec<String>, KvError> {
    let mut keys: Vec<String> = kv
        .keys()?
        .into_iter()
        .filter(|k| k.starts_with(BACKUP_PREFIX))
        .collect();
    keys.sort();
    Ok(keys)
}

/// Save a document, its annotations and their causal lengths, and update
/// the index. Returns the value written for the document.
pub fn save(kv: &dyn KeyValue, session: &Session) -> Result<String, KvError> {
    let json = stored::of_session(session).map_err(|e| KvError::Other(e.to_string()))?;
    let id = session.doc_id();
    kv.set(&doc_key(id), &json)?;
    let mut index = read_index(kv)?;
    index.insert(
        id.to_owned(),
        summary_of(
            id,
            session.doc(),
            session.meta(),
            session.annotations().len(),
        ),
    );
    write_index(kv, &index)?;
    Ok(json)
}

fn summary_of(id: &str, doc: &Document, meta: &DocMeta, count: usize) -> DocSummary {
    DocSummary {
        id: id.to_owned(),
        title: doc.title().to_owned(),
        count,
        hashes: meta.revisions.iter().map(|r| r.sha256.clone()).collect(),
    }
}

/// The stored document one of whose revisions has the text hash `sha256`
/// (a file exported from any version of it), if any: the document whose
/// id is that hash (made before revisions), else one whose index entry
/// lists it.
pub fn find_by_text(kv: &dyn KeyValue, sha256: &str) -> Result<Option<String>, KvError> {
    if kv.get(&doc_key(sha256))?.is_some() {
        return Ok(Some(sha256.to_owned()));
    }
    Ok(read_index(kv)?
        .into_values()
        .find(|d| d.hashes.iter().any(|h| h == sha256))
        .map(|d| d.id))
}

fn read_index(kv: &dyn KeyValue) -> Result<BTreeMap<String, DocSummary>, KvError> {
    let parsed = kv
        .get(INDEX_KEY)?
        .and_then(|raw| serde_json::from_str::<BTreeMap<String, DocSummary>>(&raw).ok());
    match parsed {
        Some(mut map) => {
            for (id, s) in map.iter_mut() {
                s.id.clone_from(id);
            }
            Ok(map)
        }
        None => rebuild_index(kv),
    }
}

fn write_index(kv: &dyn KeyValue, index: &BTreeMap<String, DocSummary>) -> Result<(), KvError> {
    let json = serde_json::to_string(index).map_err(|e| KvError::Other(e.to_string()))?;
    kv.set(INDEX_KEY, &json)
}

/// Rebuild the index by reading every stored document (slow; only when
/// the index is missing or unreadable). Unreadable documents are listed
/// by id with a count of 0.
fn rebuild_index(kv: &dyn KeyValue) -> Result<BTreeMap<String, DocSummary>, KvError> {
    let mut map = BTreeMap::new();
    for key in kv.keys()? {
        let Some(id) = doc_id_of_key(&key) else {
            continue;
        };
        let summary = match kv.get(&key)?.map(|raw| stored::parse(&raw)) {
            Some(Ok(s)) => summary_of(id, &s.file.document, &s.meta, s.file.annotations.len()),
            _ => DocSummary {
                id: id.to_owned(),
                title: format!(
                    "Unreadable document {}",
                    id.chars().take(8).collect::<String>()
                ),
                count: 0,
                hashes: Vec::new(),
            },
        };
        map.insert(id.to_owned(), summary);
    }
    Ok(map)
}

/// Every stored document, by title.
pub fn list(kv: &dyn KeyValue) -> Result<Vec<DocSummary>, KvError> {
    let mut docs: Vec<DocSummary> = read_index(kv)?.into_values().collect();
    docs.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.id.cmp(&b.id)));
    Ok(docs)
}

/// The document open last.
pub fn current(kv: &dyn KeyValue) -> Result<Option<String>, KvError> {
    kv.get(CURRENT_KEY)
}

/// Remember the document open now.
pub fn set_current(kv: &dyn KeyValue, doc_id: &str) -> Result<(), KvError> {
    kv.set(CURRENT_KEY, doc_id)
}

/// A key–value store in memory: the fallback when the browser's storage
/// cannot be used, and the backend of native tests.
#[derive(Default, Debug)]
pub struct MemoryKv {
    map: std::cell::RefCell<BTreeMap<String, String>>,
    /// When set, every write fails with this error (to test faults).
    pub fail_writes: std::cell::Cell<Option<fn() -> KvError>>,
}

impl KeyValue for MemoryKv {
    fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        Ok(self.map.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), KvError> {
        if let Some(f) = self.fail_writes.get() {
            return Err(f());
        }
        self.map
            .borrow_mut()
            .insert(key.to_owned(), value.to_owned());
        Ok(())
    }
    fn keys(&self) -> Result<Vec<String>, KvError> {
        Ok(self.map.borrow().keys().cloned().collect())
    }
}
