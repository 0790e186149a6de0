//! Browser adapters: the only code that talks to web-sys besides the
//! components. Each turns a browser API into typed, non-panicking calls.

pub mod caret;
pub mod files;
pub mod label_style;
pub mod selection;
pub mod storage;

/// The page's `window` and `document`, if there is one.
pub fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Milliseconds since the epoch, from the browser clock.
pub fn now() -> crate::core::Timestamp {
    crate::core::Timestamp::from_millis(js_sys::Date::now() as i64)
}

/// Report panics to the console and, in plain words, to the alert region
/// (the app cannot continue after a panic, but the user must know that
/// their last changes may not be saved and that reloading restores the
/// saved state).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        report_fatal_error();
    }));
}

/// What the user reads after an internal error.
pub const FATAL_MESSAGE: &str =
    "Surligneur hit an internal error and stopped. What was saved is safe: \
reload the page to go on (the last second of changes may be missing).";

/// Put [`FATAL_MESSAGE`] in the page's `role="alert"` region (creating one
/// if the app never rendered). Plain DOM calls only: after a panic the
/// app's own code cannot run.
pub fn report_fatal_error() {
    let Some(doc) = document() else { return };
    let region = doc
        .query_selector("[role=alert]")
        .ok()
        .flatten()
        .or_else(|| {
            let el = doc.create_element("div").ok()?;
            el.set_attribute("role", "alert").ok()?;
            doc.body()?.append_child(&el).ok()?;
            Some(el)
        });
    if let (Some(region), Ok(p)) = (region, doc.create_element("div")) {
        p.set_class_name("alert error");
        p.set_text_content(Some(FATAL_MESSAGE));
        let _ = region.append_child(&p);
    }
}

/// Run `f` and record its duration as a `performance.measure` named
/// `name` (read by the benchmark: `surligneur:save`, …).
pub fn measured<R>(name: &str, f: impl FnOnce() -> R) -> R {
    let perf = web_sys::window().and_then(|w| w.performance());
    let start = format!("{name}:start");
    if let Some(p) = &perf {
        let _ = p.mark(&start);
    }
    let r = f();
    if let Some(p) = &perf {
        let _ = p.measure_with_start_mark(name, &start);
        p.clear_marks_with_mark_name(&start);
    }
    r
}
