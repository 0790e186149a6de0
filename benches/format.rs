//! Format and app-model benchmarks on the same generated workload as
//! `benches/core.rs`: `cargo bench --bench format`.
//!
//! Measures what a save and an import cost at L (50,000 words, 5,000
//! annotations) and XL (200,000 words, 20,000 annotations): writing v1
//! (pretty for export, compact) and the stored form, parsing + validating
//! each, and rebuilding every block's render data on open.

#[path = "core.rs"]
mod core_bench;

use std::rc::Rc;

use core_bench::{annotations, article, bench, print_header};
use surligneur::core::{Document, LabelSet, Session};
use surligneur::format::{stored, v1};
use surligneur::model::build_view;

fn main() {
    for (name, words, n) in [("L", 50_000, 5_000), ("XL", 200_000, 20_000)] {
        let art = article(words, 0x5EED);
        let doc = Document::from_plain_text(&art.text);
        let anns = annotations(&doc, &art, n, 0xA77);
        let labels = LabelSet::default();
        let pretty = v1::to_json(&doc, &labels, anns.iter());
        let compact = v1::to_json_compact(&doc, &labels, anns.iter());
        let lengths = std::collections::BTreeMap::new();
        let kept = stored::to_json(&doc, &labels, anns.iter(), &lengths).expect("writable");
        println!(
            "\nformat bench {name}: {words} words, {} annotations; v1 file {:.2} MB pretty, {:.2} MB compact; stored form {:.2} MB",
            anns.len(),
            pretty.len() as f64 / 1_048_576.0,
            compact.len() as f64 / 1_048_576.0,
            kept.len() as f64 / 1_048_576.0
        );
        print_header();
        let runs = if name == "XL" { 7 } else { 21 };
        bench(&format!("{name}: to_json (export, pretty)"), runs, || {
            v1::to_json(&doc, &labels, anns.iter())
        });
        bench(&format!("{name}: to_json_compact"), runs, || {
            v1::to_json_compact(&doc, &labels, anns.iter())
        });
        bench(&format!("{name}: parse + validate v1"), runs, || {
            v1::parse_str(&compact).map(|f| f.annotations.len())
        });
        bench(
            &format!("{name}: write the stored form (save)"),
            runs,
            || stored::to_json(&doc, &labels, anns.iter(), &lengths).map(|s| s.len()),
        );
        bench(
            &format!("{name}: read the stored form (start)"),
            runs,
            || stored::parse(&kept).map(|s| s.file.annotations.len()),
        );
        let session =
            Session::with_annotations(doc.clone(), labels.clone(), anns.clone()).expect("valid");
        bench(
            &format!("{name}: render data for every block (open)"),
            runs,
            || {
                (0..session.doc().blocks().len())
                    .filter_map(|b| build_view(&session, b).map(Rc::new))
                    .count()
            },
        );
    }
}
