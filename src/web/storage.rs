//! `localStorage` as a [`KeyValue`] store. Every call is fallible: access
//! itself can throw (privacy modes), and writes can exceed the quota.

use wasm_bindgen::{JsCast, JsValue};

use crate::store::{KeyValue, KvError};

/// The page's localStorage, or the reason it cannot be used.
#[derive(Clone, Debug)]
pub struct LocalStorage {
    storage: web_sys::Storage,
}

impl LocalStorage {
    /// Open localStorage; fails when the browser refuses access.
    pub fn open() -> Result<Self, KvError> {
        let window = web_sys::window().ok_or_else(|| KvError::Unavailable("no window".into()))?;
        match window.local_storage() {
            Ok(Some(storage)) => Ok(LocalStorage { storage }),
            Ok(None) => Err(KvError::Unavailable("localStorage is missing".into())),
            Err(e) => Err(KvError::Unavailable(describe(&e))),
        }
    }

    /// Remove a key (used only by tests and explicit user actions).
    pub fn remove(&self, key: &str) -> Result<(), KvError> {
        self.storage.remove_item(key).map_err(classify)
    }
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

fn classify(e: JsValue) -> KvError {
    let name = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.name()))
        .unwrap_or_default();
    if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" {
        KvError::QuotaExceeded
    } else if name == "SecurityError" {
        KvError::Unavailable(describe(&e))
    } else {
        KvError::Other(describe(&e))
    }
}

impl KeyValue for LocalStorage {
    fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        self.storage.get_item(key).map_err(classify)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), KvError> {
        self.storage.set_item(key, value).map_err(classify)
    }
    fn keys(&self) -> Result<Vec<String>, KvError> {
        let n = self.storage.length().map_err(classify)?;
        let mut keys = Vec::with_capacity(n as usize);
        for i in 0..n {
            if let Some(k) = self.storage.key(i).map_err(classify)? {
                keys.push(k);
            }
        }
        Ok(keys)
    }
}
