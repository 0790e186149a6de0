//! ClaimReview export: checked against a JSON Schema of the fields
//! Google's Fact Check markup requires (tests/schemas/claimreview.schema.json),
//! value by value on the seed article, for its warnings, for hostile text,
//! and by random records.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{json, Value};
use surligneur::core::factcheck::{resolve, ClaimFacts, Entity, RatingScale, Records, Resolved};
use surligneur::core::{Annotation, Document, Timestamp};
use surligneur::format::claimreview::{
    claim_text, export, ReviewSettings, Severity, Warning, RECOMMENDED_CLAIM_CHARS,
};

const SEED: &str = include_str!("../www/default-article.txt");

fn schema() -> &'static (boon::Schemas, boon::SchemaIndex) {
    static SCHEMA: OnceLock<(boon::Schemas, boon::SchemaIndex)> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("schemas/claimreview.schema.json")).unwrap();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        let url = "https://surligneur.invalid/schema/claimreview.json";
        compiler.add_resource(url, schema).unwrap();
        let idx = compiler.compile(url, &mut schemas).unwrap();
        (schemas, idx)
    })
}

fn schema_errors(v: &Value) -> Option<String> {
    let (schemas, idx) = schema();
    schemas.validate(v, *idx).err().map(|e| format!("{e:#}"))
}

fn find(doc: &Document, needle: &str) -> (usize, usize) {
    let byte = doc.text().find(needle).expect("needle in text");
    let c = doc.offsets().byte_to_char(byte).unwrap();
    (c, c + needle.chars().count())
}

fn tag(doc: &Document, id: &str, needle: &str, label: &str) -> Annotation {
    let (s, e) = find(doc, needle);
    Annotation::at(doc, id, s, e, label, Timestamp(0)).unwrap()
}

fn facts(claim: &str, speaker: Option<&str>, verdict: Option<&str>, why: &str) -> ClaimFacts {
    ClaimFacts {
        claim: claim.into(),
        speaker: speaker.map(Into::into),
        verdict: verdict.map(Into::into),
        explanation: why.into(),
        sources: vec!["https://www.lefigaro.fr/".into()],
        modified: Timestamp(1),
    }
}

const LONG_CLAIM: &str = "J’avais un accord tacite avec les représentants des actionnaires, consistant à assurer le décollage puis la sortie des services cloud";

struct Fixture {
    doc: Document,
    anns: Vec<Annotation>,
    ents: Vec<Entity>,
    facts: Vec<ClaimFacts>,
}

impl Fixture {
    fn seed() -> Self {
        let doc = Document::from_plain_text(SEED);
        let anns = vec![
            tag(&doc, "p1", "Patrick Starck", "person"),
            tag(&doc, "o1", "Cloudwatt", "organisation"),
            tag(&doc, "c1", LONG_CLAIM, "claim"),
            tag(
                &doc,
                "c2",
                "Cloudwatt revendique une quarantaine de partenaires",
                "claim",
            ),
            tag(&doc, "c3", "un effectif visé de 300 à 500 emplois", "claim"),
        ];
        let ents = vec![Entity {
            id: "p1".into(),
            label: "person".into(),
            name: "Patrick Starck".into(),
            wikidata: Some("Q3371256".into()),
            modified: Timestamp(1),
        }];
        let facts = vec![
            facts(
                "c1",
                Some("p1"),
                Some("mostly-true"),
                "Confirmé par deux actionnaires.",
            ),
            facts("c2", Some("o1"), Some("unverifiable"), ""),
            facts("c3", None, None, ""),
        ];
        Fixture {
            doc,
            anns,
            ents,
            facts,
        }
    }

    fn resolved(&self) -> Resolved {
        resolve(
            Records {
                annotations: &self.anns,
                entities: &self.ents,
                memberships: &[],
                facts: &self.facts,
            },
            &RatingScale::default(),
        )
    }

    fn export(
        &self,
        url: Option<&str>,
        settings: &ReviewSettings,
    ) -> (Value, String, Vec<Warning>) {
        let (bytes, warnings) = export(
            &self.doc,
            url,
            &self.resolved(),
            &RatingScale::default(),
            settings,
        );
        let text = String::from_utf8(bytes).unwrap();
        (serde_json::from_str(&text).unwrap(), text, warnings)
    }
}

fn full_settings() -> ReviewSettings {
    ReviewSettings {
        newsroom: "Les Décodeurs".into(),
        newsroom_url: Some("https://www.lemonde.fr/les-decodeurs/".into()),
        review_url: Some(
            "https://www.lemonde.fr/les-decodeurs/article/2013/11/29/cloudwatt".into(),
        ),
        date_published: Timestamp::parse("2013-11-29T10:00:00.000Z"),
    }
}

const ARTICLE: &str = "https://www.silicon.fr/patrick-stark-quitte-cloudwatt";

#[test]
fn a_complete_export_has_every_field_and_passes_the_schema() {
    let f = Fixture::seed();
    let (v, text, warnings) = f.export(Some(ARTICLE), &full_settings());
    assert_eq!(schema_errors(&v), None, "{text}");
    let reviews = v.as_array().unwrap();
    assert_eq!(reviews.len(), 2, "the unrated claim is not exported");
    let first = &reviews[0];
    assert_eq!(
        first,
        &json!({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": LONG_CLAIM,
            "reviewRating": {
                "@type": "Rating",
                "alternateName": "Mostly true",
                "ratingValue": 4,
                "bestRating": 5,
                "worstRating": 1,
                "ratingExplanation": "Confirmé par deux actionnaires."
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": {
                    "@type": "Person",
                    "name": "Patrick Starck",
                    "sameAs": "https://www.wikidata.org/wiki/Q3371256"
                },
                "appearance": {
                    "@type": "CreativeWork",
                    "name": "Patrick Starck cède la présidence de Cloudwatt",
                    "url": ARTICLE
                }
            },
            "author": {
                "@type": "Organization",
                "name": "Les Décodeurs",
                "url": "https://www.lemonde.fr/les-decodeurs/"
            },
            "datePublished": "2013-11-29",
            "url": "https://www.lemonde.fr/les-decodeurs/article/2013/11/29/cloudwatt"
        })
    );
    // Unverifiable has no number: its name only.
    let second = &reviews[1]["reviewRating"];
    assert_eq!(
        second,
        &json!({"@type": "Rating", "alternateName": "Unverifiable"})
    );
    assert_eq!(
        reviews[1]["itemReviewed"]["author"],
        json!({"@type": "Organization", "name": "Cloudwatt"})
    );
    // Warnings: the long claim and the unrated one, nothing required.
    assert_eq!(
        warnings,
        vec![
            Warning::ClaimTooLong {
                claim: "c1".into(),
                chars: LONG_CLAIM.chars().count()
            },
            Warning::Unrated { count: 1 },
        ]
    );
    assert!(LONG_CLAIM.chars().count() > RECOMMENDED_CLAIM_CHARS);
    assert!(warnings.iter().all(|w| w.severity() == Severity::Advice));
    // Pretty, ends with a newline.
    assert!(text.starts_with("[\n  {\n"));
    assert!(text.ends_with("]\n"));
}

#[test]
fn what_the_user_must_fill_in_is_warned_and_the_schema_refuses_it() {
    let f = Fixture::seed();
    let (v, _, warnings) = f.export(None, &ReviewSettings::default());
    let err = schema_errors(&v).expect("no url: not valid for Google");
    assert!(err.contains("url"), "{err}");
    let required: Vec<&Warning> = warnings
        .iter()
        .filter(|w| w.severity() == Severity::Required)
        .collect();
    assert_eq!(required, vec![&Warning::MissingReviewUrl]);
    for w in [
        Warning::MissingNewsroom,
        Warning::MissingDatePublished,
        Warning::MissingArticleUrl,
    ] {
        assert!(warnings.contains(&w), "{w:?} in {warnings:?}");
        assert_eq!(w.severity(), Severity::Recommended);
    }
    assert_eq!(
        Warning::MissingReviewUrl.to_string(),
        "the fact check's page URL is not set (required by Google): set it in the settings"
    );
    // Everything the annotations give is still there.
    assert_eq!(v[0]["reviewRating"]["alternateName"], "Mostly true");
    assert!(v[0].get("author").is_none());
}

#[test]
fn links_that_are_not_http_are_left_out_with_a_warning() {
    let f = Fixture::seed();
    let settings = ReviewSettings {
        review_url: Some("javascript:alert(1)".into()),
        newsroom_url: Some("data:text/html,x".into()),
        ..full_settings()
    };
    let (v, text, warnings) = f.export(Some("/relative"), &settings);
    assert!(
        !text.contains("javascript") && !text.contains("data:"),
        "{text}"
    );
    assert!(v[0].get("url").is_none());
    assert!(v[0]["itemReviewed"]["appearance"].get("url").is_none());
    assert!(matches!(warnings[0], Warning::InvalidReviewUrl(_)));
    assert_eq!(warnings[0].severity(), Severity::Required);
    assert!(warnings
        .iter()
        .any(|w| matches!(w, Warning::InvalidNewsroomUrl(_))));
    assert!(warnings
        .iter()
        .any(|w| matches!(w, Warning::InvalidArticleUrl(_))));
    // A Wikidata id that is not one is not written as sameAs.
    let mut g = Fixture::seed();
    g.ents[0].wikidata = Some("javascript:Q1".into());
    let (v, _, _) = g.export(Some(ARTICLE), &full_settings());
    assert!(v[0]["itemReviewed"]["author"].get("sameAs").is_none());
}

#[test]
fn a_claim_with_no_speaker_has_no_claim_author() {
    let mut f = Fixture::seed();
    f.facts[0].speaker = None;
    let (v, _, warnings) = f.export(Some(ARTICLE), &full_settings());
    assert_eq!(schema_errors(&v), None);
    assert!(v[0]["itemReviewed"].get("author").is_none());
    assert!(warnings.contains(&Warning::UnknownSpeaker { claim: "c1".into() }));
}

#[test]
fn hostile_text_stays_text() {
    let hostile =
        "</script><script>alert(\"x\")</script> & \u{2028} <img src=x onerror=alert(1)> \u{202e}";
    let doc = Document::new(
        &format!("Titre {hostile}"),
        &format!("Avant\n\n{hostile}\n"),
    );
    let (s, e) = find(&doc, hostile);
    let anns = vec![Annotation::at(&doc, "c", s, e, "claim", Timestamp(0)).unwrap()];
    let fs = vec![facts("c", None, Some("false"), hostile)];
    let scale = RatingScale::default();
    let r = resolve(
        Records {
            annotations: &anns,
            entities: &[],
            memberships: &[],
            facts: &fs,
        },
        &scale,
    );
    let (bytes, _) = export(&doc, None, &r, &scale, &full_settings());
    let text = String::from_utf8(bytes).unwrap();
    for bad in ['<', '>', '&', '\u{2028}'] {
        assert!(!text.contains(bad), "{bad:?} written raw: {text}");
    }
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v[0]["claimReviewed"], claim_text(hostile));
    assert_eq!(v[0]["reviewRating"]["ratingExplanation"], hostile.trim());
    assert_eq!(
        v[0]["itemReviewed"]["appearance"]["name"],
        format!("Titre {hostile}")
    );
    assert_eq!(schema_errors(&v), None);
}

#[test]
fn claim_text_collapses_spaces_and_drops_outer_quotes() {
    assert_eq!(
        claim_text("«\u{a0}Je transmettrai\n dans les mois. »"),
        "Je transmettrai dans les mois."
    );
    assert_eq!(claim_text("“Quoted”"), "Quoted");
    assert_eq!(claim_text("« »"), "« »", "nothing but quotes stays as is");
}

#[test]
fn nothing_rated_exports_an_empty_list() {
    let mut f = Fixture::seed();
    for x in &mut f.facts {
        x.verdict = None;
    }
    let (v, text, warnings) = f.export(Some(ARTICLE), &full_settings());
    assert_eq!(text, "[]\n");
    assert_eq!(v, json!([]));
    assert_eq!(warnings.last(), Some(&Warning::NothingRated));
}

#[test]
fn the_schema_can_fail() {
    let f = Fixture::seed();
    let (v, _, _) = f.export(Some(ARTICLE), &full_settings());
    let mut no_name = v.clone();
    no_name[0]["reviewRating"]
        .as_object_mut()
        .unwrap()
        .remove("alternateName");
    assert!(schema_errors(&no_name).is_some());
    let mut half_numeric = v.clone();
    half_numeric[1]["reviewRating"]["ratingValue"] = json!(3);
    assert!(schema_errors(&half_numeric).is_some());
    let mut bad_url = v.clone();
    bad_url[0]["url"] = json!("javascript:alert(1)");
    assert!(schema_errors(&bad_url).is_some());
    let mut empty_claim = v;
    empty_claim[0]["claimReviewed"] = json!(" ");
    assert!(schema_errors(&empty_claim).is_some());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_records_export_valid_deterministic_json(
        claims in prop::collection::vec(("[a-zA-Zé’<>&\"\\\\ ]{1,90}", prop::option::of(0..7usize), prop::option::of(0..3usize)), 0..6),
        names in prop::collection::vec("[A-Za-zé<>\" ]{1,20}", 3),
        url_ok in any::<bool>(),
    ) {
        // A document made of the claims, one per block, and three speakers.
        let mut text = names.join("\n\n");
        let mut spans = Vec::new();
        for (q, _, _) in &claims {
            text.push_str("\n\n");
            let start = text.chars().count();
            // Claims must have text that is not only spaces to be a span.
            let q = format!("x{q}");
            text.push_str(&q);
            spans.push((start, start + q.chars().count()));
        }
        let doc = Document::new("Titre", &text);
        let mut anns = Vec::new();
        let mut pos = 0;
        for (i, n) in names.iter().enumerate() {
            let len = n.chars().count();
            let label = if i == 2 { "organisation" } else { "person" };
            anns.push(Annotation::at(&doc, format!("s{i}"), pos, pos + len, label, Timestamp(0)).unwrap());
            pos += len + 2;
        }
        let scale = RatingScale::default();
        let mut fs = Vec::new();
        for (i, ((s, e), (_, verdict, speaker))) in spans.iter().zip(&claims).enumerate() {
            anns.push(Annotation::at(&doc, format!("c{i}"), *s, *e, "claim", Timestamp(0)).unwrap());
            let verdict = verdict.map(|v| scale.0.get(v).map_or("gone".to_owned(), |r| r.id.clone()));
            let why = format!("{}\u{1}\t\u{7f}\u{2028}\\\"\u{1f600}", claims[i].0);
            fs.push(facts(&format!("c{i}"), speaker.map(|s| format!("s{s}")).as_deref(), verdict.as_deref(), &why));
        }
        let r = resolve(Records { annotations: &anns, entities: &[], memberships: &[], facts: &fs }, &scale);
        let settings = ReviewSettings {
            review_url: url_ok.then(|| "https://example.org/fc".to_owned()),
            ..full_settings()
        };
        let (bytes, warnings) = export(&doc, Some(ARTICLE), &r, &scale, &settings);
        let (again, _) = export(&doc, Some(ARTICLE), &r, &scale, &settings);
        prop_assert_eq!(&bytes, &again, "deterministic");
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        let rated: Vec<_> = r.claims.iter().filter(|c| c.verdict.is_some()).collect();
        let blank = |id: &str| r.entity(id).is_none_or(|e| e.name.trim().is_empty());
        for (o, c) in v.as_array().unwrap().iter().zip(&rated) {
            let has_author = o["itemReviewed"].get("author").is_some();
            prop_assert_eq!(has_author, c.speaker.as_deref().is_some_and(|s| !blank(s)));
        }
        prop_assert_eq!(v.as_array().unwrap().len(), rated.len());
        for (o, c) in v.as_array().unwrap().iter().zip(&rated) {
            prop_assert_eq!(o["claimReviewed"].as_str().unwrap(), claim_text(&c.quote));
            prop_assert_eq!(o["reviewRating"]["ratingExplanation"].as_str().unwrap(), c.explanation.trim());
        }
        // Pretty: one member per line, indented by two spaces a level.
        let text = std::str::from_utf8(&bytes).unwrap();
        prop_assert!(text.ends_with("]\n"));
        for line in text.lines() {
            let indent = line.len() - line.trim_start_matches(' ').len();
            prop_assert_eq!(indent % 2, 0, "{:?}", line);
        }
        let required = warnings.iter().any(|w| w.severity() == Severity::Required);
        prop_assert_eq!(required, !url_ok);
        if url_ok {
            prop_assert_eq!(schema_errors(&v), None);
        } else if !rated.is_empty() {
            prop_assert!(schema_errors(&v).is_some());
        }
        for bad in ['<', '>', '&'] {
            prop_assert!(!bytes.contains(&(bad as u8)));
        }
    }
}

#[test]
fn a_claim_of_blank_text_is_skipped_with_a_warning() {
    let doc = Document::new("t", "Il a dit   ceci.");
    let anns = vec![Annotation::at(&doc, "c", 8, 11, "claim", Timestamp(0)).unwrap()];
    assert_eq!(anns[0].quote, "   ");
    let fs = vec![facts("c", None, Some("true"), "")];
    let scale = RatingScale::default();
    let r = resolve(
        Records {
            annotations: &anns,
            entities: &[],
            memberships: &[],
            facts: &fs,
        },
        &scale,
    );
    let (bytes, warnings) = export(&doc, Some(ARTICLE), &r, &scale, &full_settings());
    assert_eq!(bytes, b"[]\n");
    assert!(warnings.contains(&Warning::EmptyClaim { claim: "c".into() }));
}
