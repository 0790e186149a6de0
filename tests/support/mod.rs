//! Helpers for browser tests: mount the real app into a fresh element,
//! drive real DOM selections, keys and file inputs, read highlights back.
#![allow(dead_code)]

use surligneur::app::App;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit, Node};
use yew::AppHandle;

pub fn window() -> web_sys::Window {
    web_sys::window().expect("window")
}
pub fn document() -> web_sys::Document {
    window().document().expect("document")
}
pub fn storage() -> web_sys::Storage {
    window()
        .local_storage()
        .expect("localStorage access")
        .expect("localStorage")
}

/// A mounted app; unmount (drop its listeners) with `unmount`.
pub struct Mounted {
    handle: Option<AppHandle<App>>,
    root: Element,
}

impl Mounted {
    pub async fn unmount(mut self) {
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
        yew::scheduler::flush().await;
        self.root.remove();
    }
    /// This instance's article element.
    pub fn article(&self) -> HtmlElement {
        self.root
            .query_selector("#article")
            .unwrap()
            .expect("#article")
            .unchecked_into()
    }
    pub fn query(&self, sel: &str) -> Option<HtmlElement> {
        self.root
            .query_selector(sel)
            .unwrap()
            .map(|e| e.unchecked_into())
    }
    pub fn query_all(&self, sel: &str) -> Vec<HtmlElement> {
        let list = self.root.query_selector_all(sel).unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().unchecked_into())
            .collect()
    }
    /// The alert region's text.
    pub fn alert_text(&self) -> String {
        self.query("[role=alert]")
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }
    /// (id, label, text) of every highlight element, in DOM order.
    pub fn marks(&self) -> Vec<(String, String, String)> {
        self.query_all("#article [data-annotation-id]")
            .into_iter()
            .map(|e| {
                (
                    e.get_attribute("data-annotation-id").unwrap(),
                    e.get_attribute("data-label").unwrap(),
                    e.text_content().unwrap_or_default(),
                )
            })
            .collect()
    }
    /// Distinct annotations shown: (id, label, full text of all its pieces).
    pub fn annotations(&self) -> Vec<(String, String, String)> {
        let mut out: Vec<(String, String, String)> = Vec::new();
        for (id, label, text) in self.marks() {
            match out.iter_mut().find(|(i, _, _)| *i == id) {
                Some(entry) => {
                    // Nested pieces of the same annotation are never nested in
                    // each other, so appending rebuilds the covered text.
                    entry.2.push_str(&text)
                }
                None => out.push((id, label, text)),
            }
        }
        out
    }
    /// Select code points [start, end) of the article text and release the
    /// mouse, as a user would.
    pub async fn select(&self, start: usize, end: usize) {
        select_in(&self.article(), start, end);
        mouseup(&self.article());
        yew::scheduler::flush().await;
    }
    /// Select the first occurrence of `needle` (after `from` code points).
    pub async fn select_text(&self, needle: &str, nth: usize) -> (usize, usize) {
        let text = self.article().text_content().unwrap();
        let mut from = 0;
        let mut byte = 0;
        for _ in 0..=nth {
            byte = text[from..]
                .find(needle)
                .map(|b| b + from)
                .unwrap_or_else(|| panic!("{needle:?} not in article"));
            from = byte + needle.len();
        }
        let start = text[..byte].chars().count();
        let end = start + needle.chars().count();
        self.select(start, end).await;
        (start, end)
    }
}

/// Mount the app into a fresh element (localStorage as it is).
pub async fn mount() -> Mounted {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    Mounted {
        handle: Some(handle),
        root,
    }
}

/// Clear storage, then mount.
pub async fn fresh() -> Mounted {
    storage().clear().unwrap();
    mount().await
}

/// Text nodes under `root` in document order.
fn text_nodes(root: &Node, out: &mut Vec<web_sys::Text>) {
    let kids = root.child_nodes();
    for i in 0..kids.length() {
        let n = kids.item(i).unwrap();
        if let Some(t) = n.dyn_ref::<web_sys::Text>() {
            out.push(t.clone());
        } else {
            text_nodes(&n, out);
        }
    }
}

/// The (text node, UTF-16 offset) of code point `cp` in `root`'s text.
/// At a node boundary, `prefer_next` picks the start of the next node.
pub fn locate(root: &Node, cp: usize, prefer_next: bool) -> (web_sys::Text, u32) {
    let mut nodes = Vec::new();
    text_nodes(root, &mut nodes);
    let mut seen = 0usize;
    for (i, t) in nodes.iter().enumerate() {
        let data: String = t.data();
        let n = data.chars().count();
        let last = i + 1 == nodes.len();
        if cp < seen + n || (cp == seen + n && (!prefer_next || last)) {
            let utf16: usize = data.chars().take(cp - seen).map(char::len_utf16).sum();
            return (t.clone(), utf16 as u32);
        }
        seen += n;
    }
    panic!("code point {cp} past the end ({seen})");
}

/// Put a DOM selection over code points [start, end) of `root`.
pub fn select_in(root: &Node, start: usize, end: usize) {
    let (sn, so) = locate(root, start, true);
    let (en, eo) = locate(root, end, false);
    let range = document().create_range().unwrap();
    range.set_start(&sn, so).unwrap();
    range.set_end(&en, eo).unwrap();
    let sel = window().get_selection().unwrap().unwrap();
    sel.remove_all_ranges().unwrap();
    sel.add_range(&range).unwrap();
}

pub fn mouseup(target: &Element) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("mouseup", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

/// Press a key on the focused element (or the body), like a user.
pub async fn press_with(key: &str, ctrl: bool, shift: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_ctrl_key(ctrl);
    init.set_shift_key(shift);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    let target: web_sys::EventTarget = match document().active_element() {
        Some(e) => e.into(),
        None => document().into(),
    };
    target.dispatch_event(&ev).unwrap();
    yew::scheduler::flush().await;
}
pub async fn press(key: &str) {
    press_with(key, false, false).await
}

/// Choose a file in an `<input type="file">` and fire `change`.
pub async fn choose_file(input: &HtmlInputElement, name: &str, bytes: &[u8]) {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let file = web_sys::File::new_with_u8_array_sequence(&parts, name).unwrap();
    let dt = web_sys::DataTransfer::new().unwrap();
    dt.items().add_with_file(&file).unwrap();
    let files = dt.files().expect("files");
    input.set_files(Some(&files));
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    // Reading the file is asynchronous: wait until the app handled it.
    for _ in 0..50 {
        yew::scheduler::flush().await;
        sleep(10).await;
        if input.files().map(|f| f.length()).unwrap_or(0) == 0 {
            break;
        }
    }
    for _ in 0..5 {
        sleep(10).await;
        yew::scheduler::flush().await;
    }
}

/// Wait (for timers and file reads only; well under a second).
pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Fire `pagehide` (the app flushes its save synchronously).
pub fn pagehide() {
    window()
        .dispatch_event(&web_sys::Event::new("pagehide").unwrap())
        .unwrap();
}

pub async fn click(el: &HtmlElement) {
    el.click();
    yew::scheduler::flush().await;
}
