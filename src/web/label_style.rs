//! Label colours as a stylesheet generated from the label set.
//!
//! No label id is written into `styles.css`: every rule that colours a
//! highlight, a swatch or a picker button is made here from the current
//! document's labels and put in a *constructed* stylesheet
//! (`new CSSStyleSheet()` + `document.adoptedStyleSheets`). That is CSSOM,
//! not an inline `<style>` or `style=""`, so the page's
//! `style-src 'self'` Content-Security-Policy allows it. Ids are escaped
//! with the browser's own `CSS.escape`; colours are used only when they
//! are `#rrggbb` (anything else gets a neutral grey), so a label from a
//! file can never inject CSS.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::CssStyleSheet;

use crate::core::span::{parse_hex_colour, Look, PALETTE};
use crate::core::{LabelDef, LabelSet};

/// The look of a label: a tint with a line under it (like an entity), or
/// only a line (like a claim), so that nested spans stay legible.
pub fn look_of(label: &LabelDef) -> Look {
    label.look
}

/// Line styles, cycled through the labels of one look, so that labels stay
/// apart for a reader who cannot tell their colours apart.
const FILL_LINES: [&str; 4] = ["solid", "dashed", "dotted", "double"];
const UNDERLINE_LINES: [&str; 4] = ["double", "dashed", "dotted", "solid"];
/// Neutral colour for a label whose colour is not `#rrggbb`.
const FALLBACK: &str = "#767676";

/// `color` if it is `#rrggbb`, else [`FALLBACK`].
fn safe_colour(color: &str) -> &str {
    if parse_hex_colour(color).is_some() {
        color
    } else {
        FALLBACK
    }
}

/// The label's line style: its look's styles in turn, by how many labels of
/// the same look come before it.
fn line_of(labels: &LabelSet, label: &LabelDef) -> &'static str {
    let look = look_of(label);
    let nth = labels
        .iter()
        .take_while(|l| l.id != label.id)
        .filter(|l| look_of(l) == look)
        .count();
    let lines = match look {
        Look::Fill => &FILL_LINES,
        Look::Underline => &UNDERLINE_LINES,
    };
    lines[nth % lines.len()]
}

/// The CSS text for a label set.
pub fn css_for(labels: &LabelSet) -> String {
    let mut css = String::new();
    for l in labels.iter() {
        let sel = format!("[data-label=\"{}\"]", web_sys::css::escape(&l.id));
        let c = safe_colour(&l.color);
        let line = line_of(labels, l);
        // One rule set per label: highlight, swatch, picker button.
        let (mark, swatch) = match look_of(l) {
            Look::Fill => (
                "background-color:color-mix(in srgb,C 32%,transparent);border-bottom:2px L C",
                "background:color-mix(in srgb,C 45%,transparent);border-bottom:2px L C",
            ),
            Look::Underline => (
                "background:none;border-bottom:3px L C",
                "background:none;border-radius:0;border-bottom:3px L C",
            ),
        };
        // Placeholders L (line) and C (colour) are filled before the
        // selector goes in, so an id's own letters are never replaced.
        let fill = |decl: &str| decl.replace('L', line).replace('C', c);
        css.push_str(&format!(
            "mark.hl{sel}{{{}}}.swatch{sel}{{{}}}.picker button{sel}{{{}}}",
            fill(mark),
            fill(swatch),
            fill("border-color:C;border-bottom:3px L C")
        ));
    }
    // The label editor's colour chips: the palette, and any label's own
    // colour from a file.
    let mut chips: Vec<String> = PALETTE
        .iter()
        .map(|(_, h)| h.to_ascii_lowercase())
        .collect();
    for l in labels.iter() {
        let h = safe_colour(&l.color).to_ascii_lowercase();
        if !chips.contains(&h) {
            chips.push(h);
        }
    }
    for h in chips {
        css.push_str(&format!(
            ".chip-colour[data-colour=\"{h}\"]{{background:{h}}}"
        ));
    }
    css
}

/// The page's generated label stylesheet; removed from the page when
/// dropped.
pub struct LabelStyles {
    document: web_sys::Document,
    sheet: CssStyleSheet,
    css: String,
}

impl LabelStyles {
    /// Adopt a new, empty stylesheet into the page. `None` where the
    /// browser has no constructed stylesheets (highlights then keep only
    /// their shape from `styles.css`).
    pub fn new() -> Option<Self> {
        let document = super::document()?;
        let sheet = CssStyleSheet::new().ok()?;
        let sheets = document.adopted_style_sheets();
        sheets.push(&sheet);
        document.set_adopted_style_sheets(&sheets);
        Some(LabelStyles {
            document,
            sheet,
            css: String::new(),
        })
    }

    /// Make the sheet style `labels` (a no-op when they draw the same).
    pub fn set(&mut self, labels: &LabelSet) {
        let css = css_for(labels);
        if css != self.css && self.sheet.replace_sync(&css).is_ok() {
            self.css = css;
        }
    }
}

impl Drop for LabelStyles {
    fn drop(&mut self) {
        let sheets = self.document.adopted_style_sheets();
        let mine: &JsValue = self.sheet.unchecked_ref();
        let kept = sheets.filter(&mut |s, _, _| &s != mine);
        self.document.set_adopted_style_sheets(&kept);
    }
}
