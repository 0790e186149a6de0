//! Surligneur: an in-browser article annotator.
//!
//! `core` and `format` are plain Rust (no web-sys, no yew) and are tested
//! natively; `app` (Yew components) and `web` (browser adapters) exist only
//! on `wasm32`.
#![forbid(unsafe_code)]

pub mod core;
pub mod format;
