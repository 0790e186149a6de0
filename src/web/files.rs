//! Reading files the user chose, and downloading what they export.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The first file chosen in an `<input type="file">`.
pub fn first_file(input: &web_sys::HtmlInputElement) -> Option<web_sys::File> {
    input.files()?.get(0)
}

/// The bytes of a file. The caller checks `file.size()` against its limit
/// first, so a huge file is never read.
pub async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buf = JsFuture::from(file.array_buffer()).await.map_err(|e| {
        e.as_string()
            .unwrap_or_else(|| "the file could not be read".into())
    })?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

thread_local! {
    static LAST: std::cell::RefCell<Option<(String, Vec<u8>)>> = const { std::cell::RefCell::new(None) };
}

/// The last download offered (name, contents as text): lets browser tests
/// check what the user received without reading the downloads folder.
pub fn last_download() -> Option<(String, String)> {
    last_download_bytes().map(|(name, b)| (name, String::from_utf8_lossy(&b).into_owned()))
}

/// The last download offered, as bytes (a zip is not text).
pub fn last_download_bytes() -> Option<(String, Vec<u8>)> {
    LAST.with(|l| l.borrow().clone())
}

/// Offer `contents` as a download named `filename`.
pub fn download(filename: &str, contents: &str, mime: &str) -> Result<(), JsValue> {
    download_bytes(filename, contents.as_bytes(), mime)
}

/// Offer `bytes` as a download named `filename`.
pub fn download_bytes(filename: &str, bytes: &[u8], mime: &str) -> Result<(), JsValue> {
    LAST.with(|l| *l.borrow_mut() = Some((filename.to_owned(), bytes.to_vec())));
    let document = super::document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(filename);
    a.set_hidden(true);
    let body = document.body().ok_or("no body")?;
    body.append_child(&a)?;
    a.click();
    let _ = body.remove_child(&a);
    // Revoke after the click has been handled.
    let url2 = url.clone();
    gloo_timers::callback::Timeout::new(1_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url2);
    })
    .forget();
    Ok(())
}
