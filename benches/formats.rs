//! Interoperability format benchmarks on the same generated workload as
//! `benches/core.rs` and `benches/format.rs`: `cargo bench --bench formats`.
//!
//! For each format at L (50,000 words, 5,000 annotations) and XL (200,000
//! words, 20,000 annotations): the export, and the import onto the same
//! text (W3C and Hypothesis-like input check every quote against it; brat,
//! CSV and JSONL check every offset), plus `sniff` on the exported bytes.

#[path = "core.rs"]
mod core_bench;

use core_bench::{annotations, article, bench, print_header};
use surligneur::core::{Document, LabelSet};
use surligneur::format::interop::{sniff, Snapshot};
use surligneur::format::{brat, csv, hypothesis, jsonl, w3c};

fn main() {
    for (name, words, n) in [("L", 50_000, 5_000), ("XL", 200_000, 20_000)] {
        let art = article(words, 0x5EED);
        let doc = Document::from_plain_text(&art.text);
        let anns = annotations(&doc, &art, n, 0xA77);
        let labels = LabelSet::default();
        let s = Snapshot {
            doc: &doc,
            source_url: None,
            labels: &labels,
            annotations: &anns,
            generator_version: "0.1.0",
        };
        let files = [
            ("W3C", w3c::export(&s)),
            ("brat zip", brat::export(&s)),
            ("brat .ann", brat::export_ann(&s).into_bytes()),
            ("CSV", csv::export(&s)),
            ("JSONL", jsonl::export(&s)),
        ];
        // Hypothesis API rows for the same annotations (UTF-16 positions,
        // as the client writes them).
        let rows: Vec<serde_json::Value> = anns
            .iter()
            .map(|a| {
                let u = |c| doc.offsets().char_to_utf16(c).unwrap_or(0);
                serde_json::json!({
                    "id": a.id, "uri": "https://example.org/a", "text": a.note, "tags": [a.label],
                    "created": a.created.to_rfc3339(), "updated": a.modified.to_rfc3339(),
                    "target": [{"source": "https://example.org/a", "selector": [
                        {"type": "TextPositionSelector", "start": u(a.start), "end": u(a.end)},
                        {"type": "TextQuoteSelector", "exact": a.quote},
                    ]}],
                })
            })
            .collect();
        let hyp = serde_json::json!({ "total": rows.len(), "rows": rows }).to_string();
        // The same rows made on a page whose text is not ours (a menu
        // before the article): every hint is off, every quote searched.
        let mut shifted: serde_json::Value = serde_json::from_str(&hyp).expect("json");
        if let Some(rows) = shifted["rows"].as_array_mut() {
            for r in rows {
                for k in ["start", "end"] {
                    let v = r["target"][0]["selector"][0][k].as_u64().unwrap_or(0);
                    r["target"][0]["selector"][0][k] = (v + 1_000).into();
                }
            }
        }
        let shifted = shifted.to_string();
        println!(
            "\nformats bench {name}: {words} words, {} annotations; {}",
            anns.len(),
            files
                .iter()
                .map(|(f, b)| format!("{f} {:.2} MB", b.len() as f64 / 1_048_576.0))
                .collect::<Vec<_>>()
                .join(", ")
        );
        print_header();
        let runs = if name == "XL" { 5 } else { 11 };
        bench(&format!("{name}: W3C export"), runs, || {
            w3c::export(&s).len()
        });
        bench(
            &format!("{name}: W3C import (quotes checked)"),
            runs,
            || w3c::import(&files[0].1, Some(&doc)).map(|p| p.annotations().count()),
        );
        bench(
            &format!("{name}: Hypothesis import (quotes checked)"),
            runs,
            || hypothesis::import(hyp.as_bytes(), Some(&doc)).map(|p| p.annotations().count()),
        );
        bench(
            &format!("{name}: Hypothesis import, every hint off"),
            runs,
            || hypothesis::import(shifted.as_bytes(), Some(&doc)).map(|p| p.annotations().count()),
        );
        bench(&format!("{name}: brat zip export"), runs, || {
            brat::export(&s).len()
        });
        bench(&format!("{name}: brat zip import"), runs, || {
            brat::import(&files[1].1, None).map(|p| p.annotations().count())
        });
        bench(&format!("{name}: brat .ann import onto text"), runs, || {
            brat::import(&files[2].1, Some(&doc)).map(|p| p.annotations().count())
        });
        bench(&format!("{name}: CSV export"), runs, || {
            csv::export(&s).len()
        });
        bench(&format!("{name}: CSV import onto text"), runs, || {
            csv::import(&files[3].1, Some(&doc)).map(|p| p.annotations().count())
        });
        bench(&format!("{name}: JSONL export"), runs, || {
            jsonl::export(&s).len()
        });
        bench(&format!("{name}: JSONL import"), runs, || {
            jsonl::import(&files[4].1, None).map(|p| p.annotations().count())
        });
        bench(&format!("{name}: sniff the W3C file"), runs, || {
            sniff("x.jsonld", &files[0].1)
        });
    }
}
