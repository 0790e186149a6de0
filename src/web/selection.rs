//! DOM selection → code-point range of the document.
//!
//! The article renders each block as an element with `data-block="i"`
//! whose text content is exactly the block's text; separators between
//! blocks are bare text nodes. A boundary inside a block is measured in
//! UTF-16 units from the block's start with a DOM `Range` (whose string
//! length is in the DOM's unit) and converted to code points by
//! `core::offsets` through [`Document::block_utf16_to_char`]. Cost:
//! O(block length) per boundary, independent of the document's size.

use wasm_bindgen::JsCast;
use web_sys::{Element, Node, Range};

use crate::core::Document;

/// The current selection's range within `article`, in code points,
/// clipped to the article. `None` when there is no selection, it is
/// collapsed, or it lies entirely outside the article.
pub fn selected_range(article: &Element, doc: &Document) -> Option<(usize, usize)> {
    let window = web_sys::window()?;
    let selection = window.get_selection().ok()??;
    if selection.range_count() == 0 || selection.is_collapsed() {
        return None;
    }
    let range = selection.get_range_at(0).ok()?;
    range_to_chars(article, doc, &range)
}

/// A DOM range to a code-point range of `doc`, clipped to `article`.
pub fn range_to_chars(article: &Element, doc: &Document, range: &Range) -> Option<(usize, usize)> {
    let dom = article.owner_document()?;
    let whole = dom.create_range().ok()?;
    whole.select_node_contents(article).ok()?;
    // Entirely before or after the article?
    // compareBoundaryPoints(START_TO_END, w) compares this range's end with
    // w's start; (END_TO_START, w) compares this range's start with w's end.
    if range
        .compare_boundary_points(Range::START_TO_END, &whole)
        .ok()?
        <= 0
        || range
            .compare_boundary_points(Range::END_TO_START, &whole)
            .ok()?
            >= 0
    {
        return None;
    }
    let (sn, so) = if range
        .compare_boundary_points(Range::START_TO_START, &whole)
        .ok()?
        < 0
    {
        (article.clone().unchecked_into::<Node>(), 0)
    } else {
        (range.start_container().ok()?, range.start_offset().ok()?)
    };
    let (en, eo) = if range
        .compare_boundary_points(Range::END_TO_END, &whole)
        .ok()?
        > 0
    {
        let n: Node = article.clone().unchecked_into();
        let len = n.child_nodes().length();
        (n, len)
    } else {
        (range.end_container().ok()?, range.end_offset().ok()?)
    };
    let start = boundary_to_char(article, doc, &sn, so)?;
    let end = boundary_to_char(article, doc, &en, eo)?;
    (start < end).then_some((start, end))
}

/// The block element (`data-block`) containing `node`, inside `article`.
fn block_of(article: &Element, node: &Node) -> Option<(usize, Element)> {
    let mut cur: Option<Node> = Some(node.clone());
    while let Some(n) = cur {
        if n.is_same_node(Some(article.as_ref())) {
            return None;
        }
        if let Some(el) = n.dyn_ref::<Element>() {
            if let Some(i) = el.get_attribute("data-block").and_then(|v| v.parse().ok()) {
                return Some((i, el.clone()));
            }
        }
        cur = n.parent_node();
    }
    None
}

/// UTF-16 length of the text between `(from, 0)` and `(node, offset)`.
fn utf16_between(from: &Node, node: &Node, offset: u32) -> Option<usize> {
    let dom = from.owner_document()?;
    let r = dom.create_range().ok()?;
    r.set_start(from, 0).ok()?;
    r.set_end(node, offset).ok()?;
    Some(r.to_string().length() as usize)
}

/// A boundary point `(node, offset)` inside `article` to a code point.
pub fn boundary_to_char(
    article: &Element,
    doc: &Document,
    node: &Node,
    offset: u32,
) -> Option<usize> {
    if let Some((i, el)) = block_of(article, node) {
        let utf16 = utf16_between(&el, node, offset)?;
        return doc.block_utf16_to_char(i, utf16);
    }
    // Between blocks (a separator text node, or the article itself): rare,
    // so measure from the article's start over the whole text.
    let utf16 = utf16_between(article.as_ref(), node, offset)?;
    doc.offsets().utf16_to_char(utf16)
}

/// Empty the page's selection (after tagging, or on Esc).
pub fn clear() {
    if let Some(sel) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) {
        let _ = sel.remove_all_ranges();
    }
}
