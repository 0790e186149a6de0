//! Horizontal bar charts, laid out in plain Rust: the shell only turns a
//! [`BarChart`] into `<svg role="img"><title>…</title>…</svg>` and a
//! `<table>` of the same rows. Integer pixel geometry, so a layout is
//! deterministic and testable.

/// Sizes of a chart, in SVG user units (pixels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartLayout {
    /// Total width.
    pub width: u32,
    /// Space around everything.
    pub margin: u32,
    /// Height of the visible title line at the top.
    pub title_height: u32,
    /// Width of the label column, left of the bars.
    pub label_width: u32,
    /// Width kept right of the longest bar for its value.
    pub value_width: u32,
    /// Height of one row.
    pub row_height: u32,
    /// Height of a bar inside its row.
    pub bar_height: u32,
    /// Labels longer than this (code points) are cut and end with `…`.
    pub max_label_chars: usize,
}

impl Default for ChartLayout {
    fn default() -> Self {
        ChartLayout {
            width: 480,
            margin: 8,
            title_height: 24,
            label_width: 168,
            value_width: 48,
            row_height: 24,
            bar_height: 16,
            max_label_chars: 24,
        }
    }
}

/// Colour of a bar given none (or an invalid one).
pub const DEFAULT_BAR_COLOR: &str = "#5b6b7b";

/// One bar and its texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// Label shown (cut to `max_label_chars` with `…`).
    pub label: String,
    /// Label in full (for a `<title>` tooltip, the table and the text
    /// alternative).
    pub full_label: String,
    /// The value.
    pub value: usize,
    /// The value as shown.
    pub value_text: String,
    /// `#rrggbb`.
    pub color: String,
    /// Bar rectangle.
    pub x: u32,
    /// Bar rectangle.
    pub y: u32,
    /// Bar rectangle; 0 for a value of 0, at least 1 for any other.
    pub w: u32,
    /// Bar rectangle.
    pub h: u32,
    /// Where the label starts (`text-anchor: start`).
    pub label_x: u32,
    /// Baseline of the label and the value.
    pub text_y: u32,
    /// Where the value text starts, just right of the bar.
    pub value_x: u32,
}

/// A laid-out chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BarChart {
    /// Title (the SVG `<title>` and the visible heading).
    pub title: String,
    /// Baseline of the visible title, at `x = margin`.
    pub title_y: u32,
    /// Width of the SVG.
    pub width: u32,
    /// Height of the SVG (one empty row's worth when there is no data).
    pub height: u32,
    /// Bars, in input order.
    pub bars: Vec<Bar>,
    /// The largest value (0 if none).
    pub max: usize,
    /// Text alternative: `"Claims per speaker: Patrick Starck 3, unknown 1."`,
    /// or `"…: no data."`.
    pub alt: String,
}

impl BarChart {
    /// `(full label, value)` rows, for the table view.
    pub fn rows(&self) -> impl Iterator<Item = (&str, usize)> + '_ {
        self.bars.iter().map(|b| (b.full_label.as_str(), b.value))
    }
}

fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s.chars().skip(1).all(|c| c.is_ascii_hexdigit())
}

/// Characters that belong to the one before them: cutting before one
/// would split what the reader sees as a single letter or emoji.
fn continues_previous(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036f}' | '\u{200c}' | '\u{200d}' | '\u{fe00}'..='\u{fe0f}'
        | '\u{1f3fb}'..='\u{1f3ff}' | '\u{e0020}'..='\u{e007f}')
}

/// `s` on one line (line breaks and tabs become spaces).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `s` cut to at most `max` code points, ending with `…` when cut,
/// never splitting an accent or an emoji sequence from its base.
pub fn truncate_label(s: &str, max: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= max {
        return s.to_owned();
    }
    let mut keep = max.saturating_sub(1);
    while keep > 0 && chars.get(keep).is_some_and(|&c| continues_previous(c)) {
        keep -= 1;
    }
    // A joiner left last would glue the ellipsis to the emoji.
    while keep > 0 && chars.get(keep - 1).is_some_and(|&c| c == '\u{200d}') {
        keep -= 1;
    }
    let mut out: String = chars.get(..keep).unwrap_or_default().iter().collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Lay out a horizontal bar chart of `(label, value, colour)` rows with
/// the default sizes.
pub fn bar_chart(title: &str, data: &[(String, usize, Option<String>)]) -> BarChart {
    bar_chart_with(&ChartLayout::default(), title, data)
}

/// Lay out a horizontal bar chart with the given sizes. Bar lengths are
/// proportional to the values (rounded down; a non-zero value is at least
/// 1 px so it is never invisible); all zeros give empty bars, not a
/// division by zero.
pub fn bar_chart_with(
    layout: &ChartLayout,
    title: &str,
    data: &[(String, usize, Option<String>)],
) -> BarChart {
    let l = layout;
    let title = one_line(title);
    let max = data.iter().map(|d| d.1).max().unwrap_or(0);
    let area = l
        .width
        .saturating_sub(2 * l.margin + l.label_width + l.value_width);
    let top = l.margin + l.title_height;
    let bar_x = l.margin + l.label_width;
    let bars: Vec<Bar> = data
        .iter()
        .enumerate()
        .map(|(i, (label, value, color))| {
            let row_y = top.saturating_add(l.row_height.saturating_mul(i as u32));
            let w = if max == 0 || *value == 0 {
                0
            } else {
                let w = (*value as u128 * u128::from(area) / max as u128) as u32;
                w.max(1)
            };
            let full = one_line(label);
            Bar {
                label: truncate_label(&full, l.max_label_chars),
                full_label: full,
                value: *value,
                value_text: value.to_string(),
                color: color
                    .as_deref()
                    .filter(|c| is_hex_color(c))
                    .unwrap_or(DEFAULT_BAR_COLOR)
                    .to_owned(),
                x: bar_x,
                y: row_y + l.row_height.saturating_sub(l.bar_height) / 2,
                w,
                h: l.bar_height.min(l.row_height),
                label_x: l.margin,
                text_y: row_y + l.row_height / 2 + 5,
                value_x: bar_x + w + 4,
            }
        })
        .collect();
    let rows = (bars.len() as u32).max(1);
    let height = top
        .saturating_add(l.row_height.saturating_mul(rows))
        .saturating_add(l.margin);
    let alt = if bars.is_empty() {
        format!("{title}: no data.")
    } else {
        let items: Vec<String> = bars
            .iter()
            .map(|b| format!("{} {}", b.full_label, b.value))
            .collect();
        format!("{title}: {}.", items.join(", "))
    };
    BarChart {
        title,
        title_y: l.margin + l.title_height / 2 + 5,
        width: l.width,
        height,
        bars,
        max,
        alt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(l: &str, v: usize) -> (String, usize, Option<String>) {
        (l.to_owned(), v, None)
    }

    #[test]
    fn proportional_bars_and_alt_text() {
        let c = bar_chart(
            "Claims per speaker",
            &[row("Patrick Starck", 3), row("unknown", 1)],
        );
        assert_eq!(c.alt, "Claims per speaker: Patrick Starck 3, unknown 1.");
        let area = 480 - 16 - 168 - 48;
        assert_eq!(c.bars[0].w, area);
        assert_eq!(c.bars[1].w, area / 3);
        assert_eq!(c.bars[1].y, c.bars[0].y + 24);
        assert_eq!(c.height, 8 + 24 + 2 * 24 + 8);
        assert_eq!(c.bars[0].color, DEFAULT_BAR_COLOR);
    }

    #[test]
    fn zeros_and_empty() {
        let c = bar_chart("Verdicts", &[row("True", 0), row("False", 0)]);
        assert!(c.bars.iter().all(|b| b.w == 0));
        assert_eq!(c.max, 0);
        let e = bar_chart("Verdicts", &[]);
        assert_eq!(e.alt, "Verdicts: no data.");
        assert!(e.height > 8 + 24);
    }

    #[test]
    fn tiny_values_stay_visible() {
        let c = bar_chart("x", &[row("a", 1_000_000), row("b", 1)]);
        assert_eq!(c.bars[1].w, 1);
    }

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        let t = truncate_label("Caisse des dépôts et consignations", 24);
        assert_eq!(t, "Caisse des dépôts et co…");
        assert_eq!(t.chars().count(), 24);
        assert_eq!(truncate_label("court", 24), "court");
        // An accent written as a combining mark stays on its letter.
        let s = "abcde\u{301}fgh";
        assert_eq!(truncate_label(s, 6), "abcd…");
        // A ZWJ emoji is not left with a dangling joiner.
        let family = "ab👩\u{200d}👩\u{200d}👧xyz";
        let cut = truncate_label(family, 5);
        assert!(!cut.contains("\u{200d}…"), "{cut:?}");
    }

    #[test]
    fn invalid_colours_fall_back() {
        let c = bar_chart(
            "x",
            &[
                ("a".into(), 1, Some("#1a9850".into())),
                ("b".into(), 1, Some("red\" onload=\"x".into())),
            ],
        );
        assert_eq!(c.bars[0].color, "#1a9850");
        assert_eq!(c.bars[1].color, DEFAULT_BAR_COLOR);
    }
}
