//! A keyboard caret in the (not editable) article: word-by-word moves and
//! extensions of the page's selection through `Selection.modify`, which
//! does the word logic with the browser's own rules for the text's
//! language, and the caret's position on screen for a drawn marker.

use wasm_bindgen::JsCast;
use web_sys::{Element, Node, Selection};

fn selection() -> Option<Selection> {
    web_sys::window()?.get_selection().ok()?
}

/// Whether the selection's moving end (its focus) is inside `article`.
fn focus_inside(article: &Element, sel: &Selection) -> bool {
    sel.range_count() > 0 && sel.focus_node().is_some_and(|n| article.contains(Some(&n)))
}

/// The first text node under `root` with a character that is not
/// whitespace, and that character's UTF-16 offset in it.
fn first_word(root: &Node) -> Option<(Node, u32)> {
    let mut cur = root.first_child();
    while let Some(n) = cur {
        if n.node_type() == Node::TEXT_NODE {
            let data = n.node_value().unwrap_or_default();
            let mut utf16 = 0u32;
            for c in data.chars() {
                if !c.is_whitespace() {
                    return Some((n, utf16));
                }
                utf16 += c.len_utf16() as u32;
            }
        } else if let Some(found) = first_word(&n) {
            return Some(found);
        }
        cur = n.next_sibling();
    }
    None
}

/// Put a collapsed caret at `(node, offset)`.
fn collapse_at(sel: &Selection, node: &Node, offset: u32) -> Option<()> {
    sel.collapse_with_offset(Some(node), offset).ok()
}

/// Move (or, with `extend`, extend) the selection one word forward or
/// backward. If the caret is not yet in `article`, it starts after the
/// focused highlight `from` when there is one, else at the first word of
/// the text; a first plain move only places it there. Returns whether the
/// selection is now in the article.
pub fn step_word(article: &Element, from: Option<&Element>, forward: bool, extend: bool) -> bool {
    let Some(sel) = selection() else {
        return false;
    };
    if !focus_inside(article, &sel) {
        let placed = match from {
            Some(mark) => {
                let n: &Node = mark.unchecked_ref();
                let end = n.child_nodes().length();
                collapse_at(&sel, n, if forward { end } else { 0 })
            }
            None => first_word(article.unchecked_ref()).and_then(|(n, o)| collapse_at(&sel, &n, o)),
        };
        if placed.is_none() {
            return false;
        }
        if from.is_none() && !extend {
            return true;
        }
    }
    let alter = if extend { "extend" } else { "move" };
    let direction = if forward { "forward" } else { "backward" };
    sel.modify(alter, direction, "word").is_ok() && focus_inside(article, &sel)
}

/// Scroll the selection's focus into view (the browser does not for a
/// selection moved by script in text that is not editable). The page's
/// `scroll-padding-top` keeps it clear of the sticky toolbar.
pub fn reveal_focus(article: &Element) {
    let Some(sel) = selection() else { return };
    if !focus_inside(article, &sel) {
        return;
    }
    let Some(node) = sel.focus_node() else { return };
    let el = match node.dyn_ref::<Element>() {
        Some(e) => Some(e.clone()),
        None => node.parent_element(),
    };
    if let Some(el) = el {
        let opts = web_sys::ScrollIntoViewOptions::new();
        opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
        el.scroll_into_view_with_scroll_into_view_options(&opts);
    }
}

/// Where the selection's focus is drawn: (left, top, height) in page
/// coordinates (scroll included), if it is inside `article` and on a line.
pub fn caret_box(article: &Element) -> Option<(f64, f64, f64)> {
    let sel = selection()?;
    if !focus_inside(article, &sel) {
        return None;
    }
    let node = sel.focus_node()?;
    let offset = sel.focus_offset();
    let range = article.owner_document()?.create_range().ok()?;
    range.set_start(&node, offset).ok()?;
    range.collapse_with_to_start(true);
    let r = range.get_bounding_client_rect();
    let mut caret = (r.left(), r.top(), r.height());
    if caret.2 <= 0.0 {
        // At the edge of a node the collapsed range may have no box: use
        // the character before (or after) it.
        let len = node.text_content().map_or(0, |t| t.encode_utf16().count()) as u32;
        if node.node_type() == Node::TEXT_NODE && offset > 0 {
            range.set_start(&node, offset - 1).ok()?;
            let r = range.get_bounding_client_rect();
            caret = (r.right(), r.top(), r.height());
        } else if node.node_type() == Node::TEXT_NODE && len > 0 {
            range.set_end(&node, 1).ok()?;
            let r = range.get_bounding_client_rect();
            caret = (r.left(), r.top(), r.height());
        }
    }
    if caret.2 <= 0.0 {
        return None;
    }
    let window = web_sys::window()?;
    let sx = window.scroll_x().unwrap_or(0.0);
    let sy = window.scroll_y().unwrap_or(0.0);
    Some((caret.0 + sx, caret.1 + sy, caret.2))
}
