//! Surligneur: an in-browser article annotator.
//!
//! `core`, `format`, `store` and `model` are plain Rust (no web-sys, no
//! yew) and are tested natively; `app` (Yew components) and `web` (browser
//! adapters) exist only on `wasm32`.
#![forbid(unsafe_code)]

pub mod core;
pub mod format;
pub mod model;
pub mod store;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod web;

/// Start the app in the page: install the panic hook, mount into `<body>`.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    web::install_panic_hook();
    yew::Renderer::<app::App>::new().render();
}
