//! The fact-checker's desk, pure parts: entities and how their records
//! resolve (also after two tabs merge), grouping suggestions, "tag all
//! occurrences" on the seed article, source links, Wikidata ids, the
//! rating scale and the summary.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, HashMap};

use proptest::prelude::*;
use surligneur::core::factcheck::{
    check_invariants, edit_distance, entities, entity_of, normalise_name, occurrences, plan_merge,
    resolve, suggest_groupings, summary, validate_sources, validate_wikidata, ClaimFacts, Entity,
    EntityView, FactError, Membership, RatingScale, Records, SuggestionReason, UrlProblem,
};
use surligneur::core::{Annotation, Document, Timestamp};

const SEED: &str = include_str!("../www/default-article.txt");

fn ann(id: &str, start: usize, end: usize, label: &str, quote: &str) -> Annotation {
    Annotation {
        id: id.into(),
        start,
        end,
        label: label.into(),
        quote: quote.into(),
        note: String::new(),
        created: Timestamp(0),
        modified: Timestamp(0),
    }
}

fn entity(id: &str, label: &str, name: &str) -> Entity {
    Entity {
        id: id.into(),
        label: label.into(),
        name: name.into(),
        wikidata: None,
        modified: Timestamp(1),
    }
}

fn member(mention: &str, entity: &str) -> Membership {
    Membership {
        mention: mention.into(),
        entity: entity.into(),
        modified: Timestamp(1),
    }
}

fn facts(claim: &str, speaker: Option<&str>, verdict: Option<&str>) -> ClaimFacts {
    ClaimFacts {
        claim: claim.into(),
        speaker: speaker.map(Into::into),
        verdict: verdict.map(Into::into),
        explanation: String::new(),
        sources: Vec::new(),
        modified: Timestamp(1),
    }
}

fn view(id: &str, label: &str, name: &str, mentions: usize) -> EntityView {
    EntityView {
        id: id.into(),
        label: label.into(),
        name: name.into(),
        wikidata: None,
        mentions: (0..mentions).map(|i| format!("{id}-m{i}")).collect(),
        implicit: true,
    }
}

fn seed() -> Document {
    Document::from_plain_text(SEED)
}

fn slices(doc: &Document, ranges: &[(usize, usize)]) -> Vec<String> {
    ranges
        .iter()
        .map(|&(s, e)| doc.slice(s, e).unwrap().to_owned())
        .collect()
}

// ----- suggestions ---------------------------------------------------------

#[test]
fn starck_and_stark_are_suggested_as_one_person() {
    let views = [
        view("a", "person", "Patrick Starck", 3),
        view("b", "person", "Patrick Stark", 2),
    ];
    let s = suggest_groupings(&views);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].keep, "a", "the most mentioned is kept");
    assert_eq!(s[0].merge, vec!["b".to_owned()]);
    assert_eq!(s[0].reason, SuggestionReason::SimilarSpelling);
}

#[test]
fn different_people_are_not_suggested() {
    for (x, y) in [
        ("Dupont", "Durand"),
        ("Jean Dupont", "Jean Durand"),
        ("Stark", "Starbucks"),
        ("Tony Stark", "Tony Starbucks"),
        ("Patrick Starck", "Pierre Starck"),
        ("Patrick Starck", "Patrick Starck Junior"),
        ("Ng", "Ny"),
        ("Orange", "Grange"),
    ] {
        let views = [view("a", "person", x, 1), view("b", "person", y, 1)];
        assert_eq!(suggest_groupings(&views), vec![], "{x} / {y}");
    }
}

#[test]
fn same_normalised_name_is_suggested() {
    for (x, y) in [
        ("Cloudwatt", "CloudWatt"),
        ("Cloudwatt", "Cloud Watt"),
        ("Thalès", "Thales"),
        ("L’Oréal", "L'Oreal"),
        ("Caisse des dépôts", "caisse  des\u{a0}depots"),
    ] {
        let views = [
            view("a", "organisation", x, 1),
            view("b", "organisation", y, 2),
        ];
        let s = suggest_groupings(&views);
        assert_eq!(s.len(), 1, "{x} / {y}");
        assert_eq!(s[0].reason, SuggestionReason::SameName, "{x} / {y}");
        assert_eq!(s[0].keep, "b");
    }
}

#[test]
fn labels_are_never_mixed() {
    let views = [
        view("a", "person", "Orange", 1),
        view("b", "organisation", "Orange", 1),
    ];
    assert_eq!(suggest_groupings(&views), vec![]);
}

#[test]
fn a_surname_alone_joins_the_one_full_name_it_can_be() {
    let views = [
        view("a", "person", "Patrick Starck", 2),
        view("b", "person", "Starck", 1),
    ];
    let s = suggest_groupings(&views);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].reason, SuggestionReason::SameSurname);
    // Ambiguous: two people share the surname.
    let views = [
        view("a", "person", "Patrick Starck", 2),
        view("b", "person", "Starck", 1),
        view("c", "person", "Marie Starck", 1),
    ];
    assert_eq!(suggest_groupings(&views), vec![]);
    // Organisations have no surnames.
    let views = [
        view("a", "organisation", "Caisse des dépôts", 2),
        view("b", "organisation", "dépôts", 1),
    ];
    assert_eq!(suggest_groupings(&views), vec![]);
}

#[test]
fn groups_are_transitive_and_ties_keep_the_named_entity() {
    let mut named = view("n", "person", "Patrick Stark", 1);
    named.implicit = false;
    let views = [
        view("a", "person", "Patrick Starck", 1),
        named,
        view("c", "person", "PATRICK STARCK", 1),
    ];
    let s = suggest_groupings(&views);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].keep, "n");
    assert_eq!(s[0].merge, vec!["a".to_owned(), "c".to_owned()]);
    assert_eq!(
        s[0].reason,
        SuggestionReason::SimilarSpelling,
        "weakest link"
    );
}

#[test]
fn seed_article_people_and_organisations_are_grouped() {
    let doc = seed();
    let mut anns = Vec::new();
    for (quote, label) in [
        ("Patrick Starck", "person"),
        ("Patrick Stark", "person"),
        ("Pierre Paperon", "person"),
        ("Cloudwatt", "organisation"),
        ("Orange", "organisation"),
    ] {
        for (s, e) in occurrences(&doc, quote, &anns, label) {
            let id = format!("m{}", anns.len());
            anns.push(ann(&id, s, e, label, doc.slice(s, e).unwrap()));
        }
    }
    let views = entities(&anns, &[], &[]);
    let suggestions = suggest_groupings(&views);
    let names = |ids: &[String]| -> Vec<String> {
        let mut v: Vec<String> = ids
            .iter()
            .map(|id| views.iter().find(|v| &v.id == id).unwrap().name.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let groups: Vec<Vec<String>> = suggestions
        .iter()
        .map(|s| {
            let mut all = s.merge.clone();
            all.push(s.keep.clone());
            names(&all)
        })
        .collect();
    assert!(
        groups.contains(&vec![
            "Patrick Starck".to_owned(),
            "Patrick Stark".to_owned()
        ]),
        "{groups:?}"
    );
    assert!(
        groups.contains(&vec!["CloudWatt".to_owned(), "Cloudwatt".to_owned()]),
        "{groups:?}"
    );
    assert_eq!(
        groups.len(),
        2,
        "Paperon and Orange stand alone: {groups:?}"
    );
}

// ----- occurrences ---------------------------------------------------------

#[test]
fn occurrences_of_a_name_are_whole_words_only() {
    let doc = seed();
    let found = occurrences(&doc, "Patrick Stark", &[], "person");
    // Two in the text; the slug "patrick-stark-quitte-cloudwatt" is one
    // hyphenated word, and "Patrick Starck" is another name.
    assert_eq!(slices(&doc, &found), vec!["Patrick Stark"; 2]);
    let found = occurrences(&doc, "Patrick Starck", &[], "person");
    assert_eq!(slices(&doc, &found), vec!["Patrick Starck"; 3]);
    let found = occurrences(&doc, "Cloud", &[], "organisation");
    // Only the line "Cloud" and "cloud" (normalised), never inside "Cloudwatt".
    assert!(slices(&doc, &found)
        .iter()
        .all(|s| s == "Cloud" || s == "cloud"));
    assert!(found.len() > 3);
}

#[test]
fn occurrences_match_case_and_the_normalised_form() {
    let doc = seed();
    let found = occurrences(&doc, "Cloudwatt", &[], "organisation");
    let texts = slices(&doc, &found);
    assert!(texts.contains(&"CloudWatt".to_owned()), "{texts:?}");
    assert!(texts.iter().all(|t| t == "Cloudwatt" || t == "CloudWatt"));
    let exact = doc.text().matches("Cloudwatt").count() + doc.text().matches("CloudWatt").count();
    // Minus the one inside the slug "patrick-stark-quitte-cloudwatt" (lower case, not counted above).
    assert_eq!(found.len(), exact);
    // Accents: "Thales" finds "Thalès".
    let found = occurrences(&doc, "Thales", &[], "organisation");
    assert_eq!(slices(&doc, &found), vec!["Thalès"]);
    // Sorted, in code points, each slice is what the range says.
    assert!(found.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn nbsp_and_typographic_apostrophes_survive() {
    let doc = seed();
    // The article writes « Dans with a no-break space after «.
    let found = occurrences(&doc, "«\u{a0}Dans le cadre", &[], "claim");
    assert_eq!(slices(&doc, &found), vec!["«\u{a0}Dans le cadre"]);
    // Typed with a plain space and no guillemet: found by the words.
    let found = occurrences(&doc, "Dans le cadre", &[], "claim");
    assert_eq!(slices(&doc, &found), vec!["Dans le cadre"]);
    // ’ in the text, ' typed: the same words.
    let typed = occurrences(&doc, "chiffre d'affaires", &[], "claim");
    let exact = occurrences(&doc, "chiffre d’affaires", &[], "claim");
    assert_eq!(typed, exact);
    assert_eq!(slices(&doc, &exact), vec!["chiffre d’affaires"; 2]);
    // "affaires" is a whole word after an elided article.
    assert_eq!(occurrences(&doc, "affaires", &[], "claim").len(), 2);
}

#[test]
fn occurrence_offsets_are_code_points_after_emoji() {
    let doc = Document::new(
        "t",
        "🎉 Patrick Starck et 👩\u{200d}👩\u{200d}👧 Patrick\u{a0}Starck.\n\nPATRICK STARCKS patrick starck",
    );
    let found = occurrences(&doc, "Patrick Starck", &[], "person");
    assert_eq!(found[0], (2, 16));
    // 🎉(1) + space + 14 + " et " (4) + family (5 code points) + space.
    assert_eq!(found[1], (2 + 14 + 4 + 5 + 1, 2 + 14 + 4 + 5 + 1 + 14));
    assert_eq!(slices(&doc, &found[1..2]), vec!["Patrick\u{a0}Starck"]);
    // "PATRICK STARCKS" is another word; "patrick starck" is the name.
    assert_eq!(found.len(), 3);
    assert_eq!(slices(&doc, &found[2..]), vec!["patrick starck"]);
}

#[test]
fn tagged_occurrences_are_left_out() {
    let doc = seed();
    let all = occurrences(&doc, "Patrick Starck", &[], "person");
    let (s, e) = all[1];
    let tagged = vec![
        ann("x", s, e, "person", "Patrick Starck"),
        // A claim over another occurrence does not hide it.
        ann("c", all[2].0 - 1, all[2].1 + 3, "claim", "ignored"),
    ];
    let rest = occurrences(&doc, "Patrick Starck", &tagged, "person");
    assert_eq!(rest, vec![all[0], all[2]]);
    // An occurrence inside a longer tag of the same label is covered.
    let longer = vec![ann("y", all[0].0, all[0].1 + 5, "person", "x")];
    assert!(!occurrences(&doc, "Patrick Starck", &longer, "person").contains(&all[0]));
}

#[test]
fn occurrences_never_cross_a_blank_line_or_sentence_punctuation() {
    let doc = Document::new("t", "Patrick\n\nStarck. Patrick, Starck. Patrick-Starck.");
    let found = occurrences(&doc, "Patrick Starck", &[], "person");
    assert_eq!(slices(&doc, &found), vec!["Patrick-Starck"]);
    assert_eq!(occurrences(&doc, "", &[], "person"), vec![]);
    assert_eq!(occurrences(&doc, "…", &[], "person"), vec![]);
}

// ----- sources and Wikidata ------------------------------------------------

#[test]
fn sources_accept_http_and_https_only() {
    let ok = validate_sources(
        "https://www.lefigaro.fr/a?b=1#c  HTTP://01net.com\u{a0}https://[2001:db8::1]:8443/x https://www.lefigaro.fr/a?b=1#c",
    )
    .unwrap();
    assert_eq!(
        ok,
        vec![
            "https://www.lefigaro.fr/a?b=1#c",
            "HTTP://01net.com",
            "https://[2001:db8::1]:8443/x"
        ]
    );
    assert_eq!(validate_sources("  ").unwrap(), Vec::<String>::new());
    assert_eq!(validate_sources("https://exemple.fr/é").unwrap().len(), 1);
    assert_eq!(validate_sources("https://café.fr").unwrap().len(), 1);
}

#[test]
fn refused_sources_name_the_item_and_its_place() {
    let cases: &[(&str, usize, UrlProblem)] = &[
        (
            "https://ok.fr javascript:alert(1)",
            2,
            UrlProblem::NotHttp {
                scheme: "javascript".into(),
            },
        ),
        (
            "JavaScript:alert(1)",
            1,
            UrlProblem::NotHttp {
                scheme: "javascript".into(),
            },
        ),
        (
            "data:text/html,<script>alert(1)</script>",
            1,
            UrlProblem::NotHttp {
                scheme: "data".into(),
            },
        ),
        (
            "ftp://a.fr",
            1,
            UrlProblem::NotHttp {
                scheme: "ftp".into(),
            },
        ),
        ("a https://b.fr", 1, UrlProblem::Relative),
        ("https://b.fr /relative/path", 2, UrlProblem::Relative),
        ("www.lefigaro.fr", 1, UrlProblem::Relative),
        ("//evil.example/x", 1, UrlProblem::Relative),
        ("https://", 1, UrlProblem::NoHost),
        ("https:evil.example", 1, UrlProblem::NoHost),
        ("https:///path", 1, UrlProblem::NoHost),
        ("https://bank.fr@evil.example/", 1, UrlProblem::Credentials),
        ("https://a.fr:99999/", 1, UrlProblem::BadPort),
        ("https://a.fr:80x/", 1, UrlProblem::BadPort),
        ("https://a<b>.fr/", 1, UrlProblem::BadHost),
        ("https://a.fr/\u{7}", 1, UrlProblem::Control { code: 7 }),
        (
            "https://a.fr/\u{202e}fdp.exe",
            1,
            UrlProblem::Control { code: 0x202e },
        ),
    ];
    for (input, position, problem) in cases {
        let err = validate_sources(input).unwrap_err();
        match &err {
            FactError::Source {
                position: p,
                problem: pr,
                item,
            } => {
                assert_eq!((p, pr), (position, problem), "{input}");
                assert!(input.contains(item.as_str()), "{input}: {item}");
            }
            other => panic!("{input}: {other:?}"),
        }
    }
    let msg = validate_sources("https://ok.fr javascript:alert(1)")
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "source 2 (\"javascript:alert(1)\"): only http:// and https:// links are accepted, this is a javascript: link"
    );
    // A control character is shown escaped, not written into the message.
    let msg = validate_sources("https://a.fr/\u{1b}[31m")
        .unwrap_err()
        .to_string();
    assert!(!msg.contains('\u{1b}'), "{msg}");
}

#[test]
fn wikidata_ids_are_checked_for_shape() {
    for (input, want) in [
        ("Q42", "Q42"),
        (" q42 ", "Q42"),
        ("Q1", "Q1"),
        ("https://www.wikidata.org/wiki/Q90", "Q90"),
        ("http://www.wikidata.org/entity/Q90", "Q90"),
        ("https://m.wikidata.org/wiki/Q90#sitelinks", "Q90"),
        ("wikidata.org/wiki/Special:EntityPage/Q90", "Q90"),
        ("https://www.wikidata.org/wiki/Q90?uselang=fr", "Q90"),
    ] {
        assert_eq!(validate_wikidata(input).as_deref(), Ok(want), "{input}");
    }
    for input in [
        "",
        "Q",
        "Q0",
        "Q042",
        "Q42x",
        "P31",
        "L1",
        "42",
        "Q 42",
        "Q１２",
        "Q1234567890123",
        "https://evil.example/wiki/Q42",
        "https://www.wikidata.org.evil.example/wiki/Q42",
        "https://www.wikidata.org/wiki/P31",
        "javascript:Q42",
    ] {
        let err = validate_wikidata(input).unwrap_err();
        assert!(
            matches!(&err, FactError::Wikidata { input: i } if i == input),
            "{input}"
        );
        assert!(err.to_string().contains("such as Q42"), "{err}");
    }
}

// ----- rating scale --------------------------------------------------------

#[test]
fn default_scale_is_valid_and_numeric_from_1_to_5() {
    let s = RatingScale::default();
    s.validate().unwrap();
    assert_eq!(s.numeric_range(), Some((1, 5)));
    let names: Vec<&str> = s.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "True",
            "Mostly true",
            "Half true",
            "Mostly false",
            "False",
            "Unverifiable"
        ]
    );
    assert_eq!(s.get("unverifiable").unwrap().value, 0);
    let mut bad = s.clone();
    bad.0[2].color = "red".into();
    assert_eq!(
        bad.validate().unwrap_err().to_string(),
        "rating 3: its colour is not #rrggbb"
    );
    let mut dup = s.clone();
    dup.0[1].id = "true".into();
    assert!(dup.validate().is_err());
    assert!(RatingScale(vec![]).validate().is_err());
}

// ----- entities and their rules -------------------------------------------

fn base() -> Vec<Annotation> {
    vec![
        ann("p1", 0, 14, "person", "Patrick Starck"),
        ann("o1", 20, 29, "organisation", "Cloudwatt"),
        ann("p2", 40, 53, "person", "Patrick Stark"),
        ann("c1", 60, 90, "claim", "« J’avais un accord tacite »"),
        ann("p3", 100, 114, "person", "Patrick Starck"),
    ]
}

fn resolved(
    anns: &[Annotation],
    ents: &[Entity],
    mems: &[Membership],
    fs: &[ClaimFacts],
) -> surligneur::core::factcheck::Resolved {
    let records = Records {
        annotations: anns,
        entities: ents,
        memberships: mems,
        facts: fs,
    };
    let scale = RatingScale::default();
    let r = resolve(records, &scale);
    check_invariants(records, &scale, &r).unwrap();
    r
}

#[test]
fn each_mention_is_its_own_entity_by_default() {
    let r = resolved(&base(), &[], &[], &[]);
    let ids: Vec<&str> = r.entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["p1", "o1", "p2", "p3"]);
    assert!(r
        .entities
        .iter()
        .all(|e| e.implicit && e.mentions == [e.id.clone()]));
    assert_eq!(r.entity("p2").unwrap().name, "Patrick Stark");
    assert_eq!(r.claims.len(), 1);
    assert_eq!(r.claims[0].speaker, None);
}

#[test]
fn moving_mentions_groups_them() {
    let anns = base();
    // Into another mention's implicit entity, and a chain through it.
    let r = resolved(&anns, &[], &[member("p2", "p1"), member("p3", "p2")], &[]);
    assert_eq!(r.entity_of("p3").unwrap().id, "p1");
    assert_eq!(r.entity("p1").unwrap().mentions, ["p1", "p2", "p3"]);
    assert_eq!(r.entities.len(), 2);
    // Into a named entity.
    let e = entity("E", "person", "Patrick Starck (Cloudwatt)");
    let r = resolved(
        &anns,
        std::slice::from_ref(&e),
        &[member("p1", "E"), member("p2", "E")],
        &[],
    );
    let v = r.entity("E").unwrap();
    assert_eq!(v.mentions, ["p1", "p2"]);
    assert!(!v.implicit);
    assert_eq!(r.entity_of("p3").unwrap().id, "p3");
    // Naming an implicit entity: a record with the mention's id.
    let named = entity("p1", "person", "P. Starck");
    let r = resolved(&anns, &[named], &[member("p2", "p1")], &[]);
    assert_eq!(r.entity("p1").unwrap().name, "P. Starck");
    assert_eq!(r.entity("p1").unwrap().mentions, ["p1", "p2"]);
    assert_eq!(
        entity_of("p2", &anns, &[], &[member("p2", "p1")]),
        "p1".to_owned()
    );
}

#[test]
fn broken_memberships_leave_the_mention_on_its_own() {
    let anns = base();
    let ents = [
        entity("E", "person", "E"),
        entity("O", "organisation", "O"),
        entity("C", "claim", "not an entity label"),
    ];
    let mems = [
        member("gone", "E"),  // missing mention: ignored
        member("p1", "nope"), // missing entity
        member("p2", "O"),    // wrong label
        member("p3", "c1"),   // a claim is not an entity
        member("o1", "C"),    // an entity record of a non-entity label
    ];
    let r = resolved(&anns, &ents, &mems, &[]);
    for m in ["p1", "p2", "p3", "o1"] {
        assert_eq!(r.entity_of(m).unwrap().id, m);
    }
    // Entities without mentions are still listed (E, O), C is not.
    assert!(r.entity("E").unwrap().mentions.is_empty());
    assert!(r.entity("O").is_some());
    assert!(r.entity("C").is_none());
}

#[test]
fn a_cycle_becomes_one_entity_named_after_its_smallest_id() {
    let anns = base();
    let r = resolved(
        &anns,
        &[],
        &[member("p1", "p2"), member("p2", "p3"), member("p3", "p1")],
        &[],
    );
    assert_eq!(r.entity_of("p3").unwrap().id, "p1");
    assert_eq!(r.entity("p1").unwrap().mentions, ["p1", "p2", "p3"]);
}

#[test]
fn duplicate_records_keep_the_newest() {
    let anns = base();
    let mut old = entity("E", "person", "old");
    old.modified = Timestamp(1);
    let mut new = entity("E", "person", "new");
    new.modified = Timestamp(2);
    let mut m_old = member("p1", "E");
    m_old.modified = Timestamp(5);
    let mut m_new = member("p1", "p2");
    m_new.modified = Timestamp(6);
    for (ents, mems) in [
        (
            vec![old.clone(), new.clone()],
            vec![m_old.clone(), m_new.clone()],
        ),
        (
            vec![new.clone(), old.clone()],
            vec![m_new.clone(), m_old.clone()],
        ),
    ] {
        let r = resolved(&anns, &ents, &mems, &[]);
        assert_eq!(r.entity("E").unwrap().name, "new");
        assert_eq!(r.entity_of("p1").unwrap().id, "p2");
    }
}

#[test]
fn speakers_never_dangle() {
    let anns = base();
    let scale_ids = |r: &surligneur::core::factcheck::Resolved| r.claims[0].speaker.clone();
    // 1. A listed entity.
    let r = resolved(&anns, &[], &[], &[facts("c1", Some("p2"), Some("true"))]);
    assert_eq!(scale_ids(&r).as_deref(), Some("p2"));
    assert_eq!(r.claims[0].verdict.as_deref(), Some("true"));
    // 2. A mention that has moved: the speaker follows it.
    let r = resolved(
        &anns,
        &[],
        &[member("p2", "p1")],
        &[facts("c1", Some("p2"), None)],
    );
    assert_eq!(scale_ids(&r).as_deref(), Some("p1"));
    // 3. A deleted entity some memberships still point at: the first
    //    such mention in document order.
    let r = resolved(
        &anns,
        &[],
        &[member("p3", "E"), member("p2", "E")],
        &[facts("c1", Some("E"), None)],
    );
    assert_eq!(scale_ids(&r).as_deref(), Some("p2"));
    // 4. Nothing left: unknown. A verdict off the scale: not rated.
    let r = resolved(
        &anns,
        &[],
        &[],
        &[facts("c1", Some("E"), Some("pants-on-fire"))],
    );
    assert_eq!(scale_ids(&r), None);
    assert_eq!(r.claims[0].verdict, None);
    // Facts of a deleted claim are ignored.
    let r = resolved(&anns, &[], &[], &[facts("gone", Some("p1"), Some("true"))]);
    assert_eq!(r.claims[0].verdict, None);
}

/// Writes a merge plan into the records, as the session would.
fn apply_plan(
    ents: &mut Vec<Entity>,
    mems: &mut Vec<Membership>,
    fs: &mut Vec<ClaimFacts>,
    plan: &surligneur::core::factcheck::MergePlan,
) {
    ents.retain(|e| !plan.delete_entities.contains(&e.id));
    for m in &plan.memberships {
        mems.retain(|x| x.mention != m.mention);
        mems.push(m.clone());
    }
    for f in &plan.facts {
        fs.retain(|x| x.claim != f.claim);
        fs.push(f.clone());
    }
}

#[test]
fn accepting_a_suggestion_moves_mentions_and_speakers() {
    let anns = base();
    let mut ents = vec![entity("E", "person", "Patrick Stark")];
    let mut mems = vec![member("p2", "E"), member("p3", "p1")];
    let mut fs = vec![facts("c1", Some("E"), Some("false"))];
    let r = resolved(&anns, &ents, &mems, &fs);
    let s = suggest_groupings(&r.entities);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].keep, "p1", "two mentions beat one");
    let plan = plan_merge(&r, &fs, &s[0].keep, &s[0].merge, Timestamp(7));
    assert_eq!(plan.delete_entities, ["E"]);
    assert_eq!(plan.facts[0].speaker.as_deref(), Some("p1"));
    apply_plan(&mut ents, &mut mems, &mut fs, &plan);
    let after = resolved(&anns, &ents, &mems, &fs);
    let kept = after.entity(&s[0].keep).unwrap();
    assert_eq!(kept.mentions, ["p1", "p2", "p3"]);
    assert_eq!(after.claims[0].speaker.as_deref(), Some(kept.id.as_str()));
    assert_eq!(suggest_groupings(&after.entities), vec![]);
}

// ----- two tabs: merge of records by causal length ------------------------

/// A record table as the session keeps it: id → (causal length, value).
/// Odd lengths are alive. Merging keeps the longer length, then the
/// newer value (the session's rule for every record kind).
type Table<T> = BTreeMap<String, (u32, T)>;

fn merge<T: Clone>(a: &Table<T>, b: &Table<T>, newer: impl Fn(&T, &T) -> bool) -> Table<T> {
    let mut out = a.clone();
    for (k, (lb, vb)) in b {
        let take = match out.get(k) {
            None => true,
            Some((la, va)) => lb > la || (lb == la && newer(vb, va)),
        };
        if take {
            out.insert(k.clone(), (*lb, vb.clone()));
        }
    }
    out
}

fn live<T: Clone>(t: &Table<T>) -> Vec<T> {
    t.values()
        .filter(|(l, _)| l % 2 == 1)
        .map(|(_, v)| v.clone())
        .collect()
}

#[derive(Clone, Default)]
struct Tab {
    anns: Table<Annotation>,
    ents: Table<Entity>,
    mems: Table<Membership>,
    facts: Table<ClaimFacts>,
}

fn put<T>(t: &mut Table<T>, id: &str, v: T) {
    let len = t
        .get(id)
        .map_or(1, |(l, _)| if l % 2 == 1 { *l } else { l + 1 });
    t.insert(id.to_owned(), (len, v));
}

fn del<T: Clone>(t: &mut Table<T>, id: &str) {
    if let Some((l, v)) = t.get(id).cloned() {
        if l % 2 == 1 {
            t.insert(id.to_owned(), (l + 1, v));
        }
    }
}

fn merge_tabs(a: &Tab, b: &Tab) -> Tab {
    Tab {
        anns: merge(&a.anns, &b.anns, |x, y| x.modified > y.modified),
        ents: merge(&a.ents, &b.ents, |x, y| x.modified > y.modified),
        mems: merge(&a.mems, &b.mems, |x, y| x.modified > y.modified),
        facts: merge(&a.facts, &b.facts, |x, y| x.modified > y.modified),
    }
}

fn check_tab(t: &Tab) -> surligneur::core::factcheck::Resolved {
    let (anns, ents, mems, fs) = (live(&t.anns), live(&t.ents), live(&t.mems), live(&t.facts));
    resolved(&anns, &ents, &mems, &fs)
}

#[test]
fn deleting_an_entity_while_the_other_tab_adds_a_mention_loses_neither() {
    let mut base = Tab::default();
    for a in base_anns_for_tabs() {
        put(&mut base.anns, &a.id.clone(), a);
    }
    put(&mut base.ents, "E", entity("E", "person", "Patrick Starck"));
    put(&mut base.mems, "p1", member("p1", "E"));
    put(&mut base.facts, "c1", facts("c1", Some("E"), Some("false")));
    let mut one = base.clone();
    let mut two = base.clone();
    del(&mut one.ents, "E");
    let mut m = member("p2", "E");
    m.modified = Timestamp(9);
    put(&mut two.mems, "p2", m);
    let ab = merge_tabs(&one, &two);
    let ba = merge_tabs(&two, &one);
    for merged in [&ab, &ba] {
        let r = check_tab(merged);
        assert!(r.entity("E").is_none(), "the deletion stands");
        assert_eq!(r.entity_of("p2").unwrap().id, "p2", "the mention stands");
        assert!(
            live(&merged.mems).iter().any(|m| m.mention == "p2"),
            "its membership is kept"
        );
        assert_eq!(
            r.claims[0].speaker.as_deref(),
            Some("p1"),
            "the claim falls back to a former mention"
        );
    }
    assert_eq!(check_tab(&ab), check_tab(&ba));
    // Re-creating the entity regroups both mentions.
    let mut again = ab.clone();
    put(
        &mut again.ents,
        "E",
        entity("E", "person", "Patrick Starck"),
    );
    assert_eq!(
        check_tab(&again).entity("E").unwrap().mentions,
        ["p1", "p2"]
    );
}

fn base_anns_for_tabs() -> Vec<Annotation> {
    base()
}

// ----- property tests ------------------------------------------------------

const LABELS: [&str; 3] = ["person", "organisation", "claim"];
const NAMES: [&str; 5] = [
    "Patrick Starck",
    "Patrick Stark",
    "Cloudwatt",
    "Orange",
    "Thalès",
];

fn arb_label() -> impl Strategy<Value = &'static str> {
    prop_oneof![4 => Just("person"), 3 => Just("organisation"), 2 => Just("claim")]
}

fn arb_annotations() -> impl Strategy<Value = Vec<Annotation>> {
    prop::collection::vec((arb_label(), 0..5usize, 0..40usize), 1..9).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (l, n, s))| {
                let q = NAMES[n];
                ann(&format!("a{i}"), s, s + q.chars().count(), l, q)
            })
            .collect()
    })
}

/// An id that may be an annotation's, an entity's, or nothing's (a8, a9,
/// e3 are never made; most annotations exist, so chains and cycles are
/// common).
fn arb_ref() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0..10usize).prop_map(|i| format!("a{i}")),
        2 => (0..4usize).prop_map(|i| format!("e{i}")),
    ]
}

fn arb_records() -> impl Strategy<
    Value = (
        Vec<Annotation>,
        Vec<Entity>,
        Vec<Membership>,
        Vec<ClaimFacts>,
    ),
> {
    (
        arb_annotations(),
        prop::collection::btree_map(
            prop_oneof![
                (0..3usize).prop_map(|i| format!("e{i}")),
                (0..4usize).prop_map(|i| format!("a{i}"))
            ],
            (0..3usize, 0..5usize),
            0..4,
        ),
        prop::collection::btree_map((0..9usize).prop_map(|i| format!("a{i}")), arb_ref(), 0..9),
        // Facts for each annotation id (those of non-claims are ignored),
        // and one for a missing claim.
        prop::collection::vec(
            (
                prop::option::of(arb_ref()),
                prop::option::of(0..8usize),
                prop::option::of(0..18usize),
            ),
            10,
        ),
    )
        .prop_map(|(anns, ents, mems, fs)| {
            let scale = RatingScale::default();
            let ents = ents
                .into_iter()
                .map(|(id, (l, n))| entity(&id, LABELS[l], NAMES[n]))
                .collect();
            let mems: Vec<Membership> = mems.into_iter().map(|(m, e)| member(&m, &e)).collect();
            let fs = fs
                .into_iter()
                .enumerate()
                .filter(|(i, _)| *i < anns.len() || *i == 9)
                .map(|(i, (s, v, pick))| {
                    let c = format!("a{i}");
                    // Often a speaker some membership names (a mention
                    // that may have moved, or an entity that may be gone).
                    let picked: Option<&Membership> =
                        pick.and_then(|k| mems.get(k / 2 % mems.len().max(1)));
                    let s = match (pick, picked) {
                        (Some(k), Some(m)) if k % 2 == 0 => Some(m.mention.clone()),
                        (Some(_), Some(m)) => Some(m.entity.clone()),
                        _ => s,
                    };
                    let verdict = v.map(|i| {
                        scale
                            .0
                            .get(i)
                            .map_or("off-scale".to_owned(), |r| r.id.clone())
                    });
                    facts(&c, s.as_deref(), verdict.as_deref())
                })
                .collect();
            (anns, ents, mems, fs)
        })
}

/// The naive model of rules 1–3: walk each mention's memberships one
/// step at a time, at most n steps; still moving after n steps means a
/// cycle, whose smallest id names it.
fn naive_entity_of(
    anns: &[Annotation],
    ents: &[Entity],
    mems: &[Membership],
) -> HashMap<String, String> {
    let is_entity = |l: &str| l == "person" || l == "organisation";
    let label_of = |id: &str| anns.iter().find(|a| a.id == id).map(|a| a.label.clone());
    let record = |id: &str| {
        ents.iter().find(|e| {
            e.id == id && is_entity(&e.label) && label_of(id).is_none_or(|l| l == e.label)
        })
    };
    // Ok(next mention) / Err(final entity id)
    let step = |x: &str| -> Result<String, String> {
        let lx = label_of(x).unwrap();
        let own = || Err(x.to_owned());
        let Some(m) = mems.iter().find(|m| m.mention == x) else {
            return own();
        };
        if let Some(e) = record(&m.entity) {
            return if e.label == lx {
                Err(e.id.clone())
            } else {
                own()
            };
        }
        match label_of(&m.entity) {
            Some(l) if l == lx && m.entity != x => Ok(m.entity.clone()),
            _ => own(),
        }
    };
    let n = anns.len();
    let mut out = HashMap::new();
    for a in anns.iter().filter(|a| is_entity(&a.label)) {
        let mut cur = a.id.clone();
        for _ in 0..=n {
            match step(&cur) {
                Ok(next) => cur = next,
                Err(_) => break,
            }
        }
        let end = match step(&cur) {
            Err(e) => e,
            Ok(_) => {
                // In a cycle: go round once, keep the smallest id.
                let mut min = cur.clone();
                let mut c = step(&cur).unwrap();
                while c != cur {
                    if c < min {
                        min = c.clone();
                    }
                    c = step(&c).unwrap();
                }
                min
            }
        };
        out.insert(a.id.clone(), end);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn resolve_matches_the_naive_model_and_keeps_its_promises(
        (anns, ents, mems, fs) in arb_records()
    ) {
        let records = Records { annotations: &anns, entities: &ents, memberships: &mems, facts: &fs };
        let scale = RatingScale::default();
        let r = resolve(records, &scale);
        prop_assert_eq!(check_invariants(records, &scale, &r), Ok(()));
        let model = naive_entity_of(&anns, &ents, &mems);
        for (m, e) in &model {
            prop_assert_eq!(r.entity_of(m).map(|v| v.id.clone()), Some(e.clone()), "mention {}", m);
        }
        // Speakers, rule 4, naively.
        for c in &r.claims {
            let f = fs.iter().find(|f| f.claim == c.claim);
            let want = f.and_then(|f| f.speaker.clone()).and_then(|s| {
                if r.entity(&s).is_some() {
                    return Some(s);
                }
                if let Some(e) = model.get(&s) {
                    return Some(e.clone());
                }
                let mut pointing: Vec<&Annotation> = anns
                    .iter()
                    .filter(|a| model.contains_key(&a.id))
                    .filter(|a| mems.iter().any(|m| m.mention == a.id && m.entity == s))
                    .collect();
                pointing.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
                pointing.first().map(|a| model[&a.id].clone())
            });
            prop_assert_eq!(&c.speaker, &want, "claim {}", c.claim);
        }
        // Accepting every suggestion keeps every promise, and moves all
        // mentions and speakers of the merged entities.
        let (mut e2, mut m2, mut f2) = (ents.clone(), mems.clone(), fs.clone());
        for sug in suggest_groupings(&r.entities) {
            let now = resolve(Records { annotations: &anns, entities: &e2, memberships: &m2, facts: &f2 }, &scale);
            let plan = plan_merge(&now, &f2, &sug.keep, &sug.merge, Timestamp(99));
            apply_plan(&mut e2, &mut m2, &mut f2, &plan);
            let records = Records { annotations: &anns, entities: &e2, memberships: &m2, facts: &f2 };
            let after = resolve(records, &scale);
            prop_assert_eq!(check_invariants(records, &scale, &after), Ok(()));
            for id in sug.merge.iter().chain([&sug.keep]) {
                for m in r.entity(id).map(|v| v.mentions.clone()).unwrap_or_default() {
                    prop_assert_eq!(after.entity_of(&m).map(|v| v.id.as_str()), Some(sug.keep.as_str()));
                }
            }
            for (c, before) in after.claims.iter().zip(&now.claims) {
                if before.speaker.as_ref().is_some_and(|s| sug.merge.contains(s)) {
                    prop_assert_eq!(c.speaker.as_deref(), Some(sug.keep.as_str()));
                }
            }
        }
        // Input order does not matter.
        let (mut anns2, mut ents2, mut mems2, mut fs2) = (anns.clone(), ents.clone(), mems.clone(), fs.clone());
        anns2.reverse(); ents2.reverse(); mems2.reverse(); fs2.reverse();
        let r2 = resolve(Records { annotations: &anns2, entities: &ents2, memberships: &mems2, facts: &fs2 }, &scale);
        prop_assert_eq!(&r.entities, &r2.entities);
        prop_assert_eq!(&r.claims, &r2.claims);
        // Summary totals add up.
        let s = summary(&r, &scale);
        prop_assert_eq!(s.claims_per_speaker.iter().map(|x| x.claims).sum::<usize>(), r.claims.len());
        prop_assert_eq!(s.verdicts.iter().map(|x| x.claims).sum::<usize>() + s.unrated, r.claims.len());
        let mentions = anns.iter().filter(|a| a.label != "claim").count();
        prop_assert_eq!(s.mentions_per_entity.iter().map(|x| x.mentions).sum::<usize>(), mentions);
        prop_assert_eq!(s.people_vs_orgs.people_mentions + s.people_vs_orgs.organisation_mentions, mentions);
    }

    #[test]
    fn two_tabs_merge_into_consistent_records(
        (anns, ents, mems, fs) in arb_records(),
        ops in prop::collection::vec((0..2usize, 0..5usize, arb_ref(), arb_ref()), 0..12),
    ) {
        let mut base = Tab::default();
        for a in anns { put(&mut base.anns, &a.id.clone(), a); }
        for e in ents { put(&mut base.ents, &e.id.clone(), e); }
        for m in mems { put(&mut base.mems, &m.mention.clone(), m); }
        for f in fs { put(&mut base.facts, &f.claim.clone(), f); }
        let mut tabs = [base.clone(), base];
        let mut added: Vec<(usize, String, String)> = Vec::new();
        for (t, (tab, op, x, y)) in ops.into_iter().enumerate() {
            let now = Timestamp(10 + t as i64);
            let s = &mut tabs[tab];
            match op {
                0 => del(&mut s.ents, &x),
                1 => {
                    let mut m = member(&x, &y);
                    m.modified = now;
                    put(&mut s.mems, &x, m);
                    added.push((tab, x.clone(), y.clone()));
                }
                2 => del(&mut s.anns, &x),
                3 => {
                    let mut f = facts(&x, Some(&y), Some("true"));
                    f.modified = now;
                    put(&mut s.facts, &x, f);
                }
                _ => {
                    let mut e = entity(&x, "person", "Renamed");
                    e.modified = now;
                    put(&mut s.ents, &x, e);
                }
            }
        }
        let ab = merge_tabs(&tabs[0], &tabs[1]);
        let ba = merge_tabs(&tabs[1], &tabs[0]);
        // check_tab asserts the invariants.
        let (rab, rba) = (check_tab(&ab), check_tab(&ba));
        prop_assert_eq!(&rab, &rba, "merging is symmetric");
        // Every live mention has an entity, whatever was deleted.
        for a in live(&ab.anns) {
            if a.label != "claim" {
                prop_assert!(rab.entity_of(&a.id).is_some());
            }
        }
        // A deleted entity is not listed unless a tab re-created it.
        for (id, (len, _)) in &ab.ents {
            if len % 2 == 0 {
                prop_assert!(rab.entity(id).is_none_or(|v| v.implicit), "{} deleted", id);
            }
        }
    }

    #[test]
    fn edit_distance_matches_the_textbook_recurrence(
        a in "[ab]{0,7}", b in "[ab]{0,7}", limit in 0usize..8
    ) {
        fn osa(a: &[char], b: &[char]) -> usize {
            let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for (i, row) in d.iter_mut().enumerate() { row[0] = i; }
            for (j, cell) in d[0].iter_mut().enumerate() { *cell = j; }
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                    }
                }
            }
            d[a.len()][b.len()]
        }
        let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        prop_assert_eq!(edit_distance(&a, &b, limit), osa(&ac, &bc).min(limit + 1));
    }

    #[test]
    fn normalised_names_ignore_case_spacing_and_accents(
        words in prop::collection::vec("[a-zA-Zéèàçœ]{1,6}", 1..4),
        seps in prop::collection::vec(prop::sample::select(vec![" ", "  ", "\u{a0}", "\u{202f}", " - ", "\t"]), 3),
    ) {
        let plain = words.join(" ");
        let mut fancy = String::new();
        for (i, w) in words.iter().enumerate() {
            if i > 0 { fancy.push_str(seps[i - 1]); }
            fancy.push_str(&w.to_uppercase());
        }
        let n = normalise_name(&plain);
        prop_assert_eq!(&normalise_name(&fancy), &n);
        prop_assert_eq!(&normalise_name(&n), &n, "idempotent");
        prop_assert!(n.chars().all(|c| c == ' ' || (c.is_ascii_lowercase())), "{:?}", n);
        prop_assert!(!n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "));
    }

    #[test]
    fn occurrences_are_whole_normalised_matches_and_find_every_exact_one(
        words in prop::collection::vec(prop::sample::select(vec!["Stark", "stark", "Starck", "Patrick", "PATRICK", "de", "🎉", "Thalès", "Thales"]), 1..30),
        seps in prop::collection::vec(prop::sample::select(vec![" ", "\u{a0}", "-", "’", ", ", "\n", "\n\n", ""]), 30),
        q in prop::collection::vec(prop::sample::select(vec!["Stark", "Patrick", "Thales", "de"]), 1..3),
        tagged in prop::collection::vec((0..200usize, 1..6usize), 0..3),
    ) {
        let mut text = String::new();
        for (i, w) in words.iter().enumerate() {
            text.push_str(w);
            text.push_str(seps[i]);
        }
        let doc = Document::new("t", &text);
        let quote = q.join(" ");
        let len = doc.len_chars();
        let anns: Vec<Annotation> = tagged
            .iter()
            .filter(|&&(s, l)| s + l <= len)
            .enumerate()
            .map(|(i, &(s, l))| ann(&format!("t{i}"), s, s + l, "person", doc.slice(s, s + l).unwrap()))
            .collect();
        let found = occurrences(&doc, &quote, &anns, "person");
        let chars: Vec<char> = text.chars().collect();
        let word = |c: char| c.is_alphanumeric();
        let key = |s: &str| normalise_name(s).replace(' ', "");
        for &(s, e) in &found {
            let slice = doc.slice(s, e).unwrap();
            prop_assert_eq!(key(slice), key(&quote), "{:?}", slice);
            prop_assert!(s == 0 || !word(chars[s - 1]), "starts inside a word: {:?}", slice);
            prop_assert!(e == chars.len() || !word(chars[e]), "ends inside a word: {:?}", slice);
            // A hyphen joins words: "Stark-de" is one word, not "Stark".
            let hyphen_before = s >= 2 && chars[s - 1] == '-' && word(chars[s - 2]);
            let hyphen_after = chars.get(e) == Some(&'-') && chars.get(e + 1).is_some_and(|&c| word(c));
            prop_assert!(!hyphen_before && !hyphen_after, "part of a hyphenated word: {:?}", slice);
            prop_assert!(!slice.contains("\n\n"));
            prop_assert!(!anns.iter().any(|a| a.start < e && s < a.end), "overlaps a tag");
        }
        prop_assert!(found.windows(2).all(|w| w[0] < w[1]));
        // Every exact whole-word occurrence within a block, untagged, is
        // found, unless it overlaps one found (results never overlap).
        prop_assert!(found.windows(2).all(|w| w[0].1 <= w[1].0), "overlapping results");
        let q: Vec<char> = quote.chars().collect();
        for s in 0..chars.len().saturating_sub(q.len() - 1) {
            let e = s + q.len();
            if chars[s..e] != q[..] { continue; }
            let before = s.checked_sub(1).map(|i| chars[i]);
            let after = chars.get(e).copied();
            let joined_before = before.is_some_and(|c| word(c) || (c == '-' && s >= 2 && word(chars[s - 2])));
            let joined_after = after.is_some_and(|c| word(c) || (c == '-' && chars.get(e + 1).is_some_and(|&n| word(n))));
            let in_block = doc.block_containing(s).is_some() && doc.block_containing(s) == doc.block_containing(e - 1);
            let free = !anns.iter().any(|a| a.start < e && s < a.end)
                && !found.iter().any(|&(fs, fe)| fs < e && s < fe && (fs, fe) != (s, e));
            if !joined_before && !joined_after && in_block && free {
                prop_assert!(found.contains(&(s, e)), "missed {:?} at {}", quote, s);
            }
        }
    }
}

/// The suggestion rules, naively: every pair compared.
fn naive_groups(views: &[EntityView]) -> Vec<Vec<String>> {
    let n = views.len();
    let key = |i: usize| normalise_name(&views[i].name);
    let compact = |i: usize| key(i).replace(' ', "");
    let words = |i: usize| -> Vec<String> { key(i).split(' ').map(str::to_owned).collect() };
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut Vec<usize>, x: usize) -> usize {
        if p[x] == x {
            x
        } else {
            let r = find(p, p[x]);
            p[x] = r;
            r
        }
    }
    let linked = |i: usize, j: usize| -> bool {
        if views[i].label != views[j].label {
            return false;
        }
        if !compact(i).is_empty() && compact(i) == compact(j) {
            return true;
        }
        let (wi, wj) = (words(i), words(j));
        if wi.len() == wj.len() && wi[..wi.len() - 1] == wj[..wj.len() - 1] {
            let (a, b) = (&wi[wi.len() - 1], &wj[wj.len() - 1]);
            let min = a.chars().count().min(b.chars().count());
            let allowed = if min <= 3 {
                0
            } else if min <= 8 {
                1
            } else {
                2
            };
            if a != b
                && !a.is_empty()
                && a.chars().next() == b.chars().next()
                && allowed > 0
                && edit_distance(a, b, allowed) <= allowed
            {
                return true;
            }
        }
        let surname = |alone: usize, full: usize| {
            let (wa, wf) = (words(alone), words(full));
            views[alone].label == "person"
                && wa.len() == 1
                && !wa[0].is_empty()
                && wf.len() >= 2
                && wf.last() == Some(&wa[0])
                && (0..n).all(|k| {
                    let wk = words(k);
                    !(views[k].label == "person" && wk.len() >= 2 && wk.last() == Some(&wa[0]))
                        || compact(k) == compact(full)
                })
        };
        surname(i, j) || surname(j, i)
    };
    for i in 0..n {
        for j in i + 1..n {
            if linked(i, j) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, v) in views.iter().enumerate() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(v.id.clone());
    }
    let mut out: Vec<Vec<String>> = groups.into_values().filter(|g| g.len() > 1).collect();
    for g in &mut out {
        g.sort();
    }
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn suggestions_match_every_pair_compared(
        names in prop::collection::vec(
            (
                prop::sample::select(vec!["", "Patrick ", "patrick ", "Pierre ", "P. ", "Jean-"]),
                prop::sample::select(vec!["Starck", "Stark", "STARK", "Starbucks", "Dupont", "Dupond", "Durand", "Ng", "Nq", "Cloudwatt", "Cloud Watt", "Thalès"]),
                prop::sample::select(vec!["person", "organisation"]),
                1..4usize,
            ),
            0..9,
        )
    ) {
        let views: Vec<EntityView> = names
            .iter()
            .enumerate()
            .map(|(i, (first, last, label, m))| view(&format!("v{i}"), label, &format!("{first}{last}"), *m))
            .collect();
        let got = suggest_groupings(&views);
        let mut groups: Vec<Vec<String>> = got
            .iter()
            .map(|s| {
                let mut g = s.merge.clone();
                g.push(s.keep.clone());
                g.sort();
                g
            })
            .collect();
        groups.sort();
        prop_assert_eq!(groups, naive_groups(&views));
        for s in &got {
            // The kept entity has the most mentions of its group.
            let count = |id: &str| views.iter().find(|v| v.id == id).unwrap().mentions.len();
            prop_assert!(s.merge.iter().all(|m| count(m) <= count(&s.keep)));
        }
    }
}

/// Timings at the XL size (20,000 annotations, a 380,000-character
/// article). Not an assertion (the machine is shared); run with
/// `cargo test --release --test core_factcheck xl_timings -- --ignored --nocapture`.
#[test]
#[ignore]
fn xl_timings() {
    use std::time::Instant;
    let mut text = String::new();
    while text.chars().count() < 378_000 {
        text.push_str(SEED);
        text.push_str("\n\n");
    }
    let doc = Document::from_plain_text(&text);
    let t = Instant::now();
    let occ = occurrences(&doc, "Patrick Starck", &[], "person");
    eprintln!(
        "occurrences, {} chars: {} in {:?}",
        doc.len_chars(),
        occ.len(),
        t.elapsed()
    );
    let names = [
        "Patrick Starck",
        "Patrick Stark",
        "Cloudwatt",
        "Orange",
        "Pierre Paperon",
        "Thalès",
    ];
    let label = |i: usize| match (i % 5, i % 2) {
        (0, _) => "claim",
        (_, 0) => "person",
        _ => "organisation",
    };
    let anns: Vec<Annotation> = (0..20_000)
        .map(|i| {
            ann(
                &format!("a{i:05}"),
                i * 10,
                i * 10 + 5,
                label(i),
                &format!("{} {}", names[i % 6], i % 700),
            )
        })
        .collect();
    let mems: Vec<Membership> = (0..5000)
        .map(|i| {
            member(
                &format!("a{:05}", i * 3),
                &format!("a{:05}", (i * 7) % 20000),
            )
        })
        .collect();
    let fs: Vec<ClaimFacts> = (0..4000)
        .map(|i| {
            facts(
                &format!("a{:05}", i * 5),
                Some(&format!("a{:05}", i * 2 + 1)),
                Some("true"),
            )
        })
        .collect();
    let scale = RatingScale::default();
    let t = Instant::now();
    let records = Records {
        annotations: &anns,
        entities: &[],
        memberships: &mems,
        facts: &fs,
    };
    let r = resolve(records, &scale);
    eprintln!("resolve: {:?} ({} entities)", t.elapsed(), r.entities.len());
    let t = Instant::now();
    let s = suggest_groupings(&r.entities);
    eprintln!("suggest_groupings: {:?} ({} groups)", t.elapsed(), s.len());
    let t = Instant::now();
    let sm = summary(&r, &scale);
    eprintln!("summary: {:?} ({} claims)", t.elapsed(), sm.claims);
    let t = Instant::now();
    let (b, _) =
        surligneur::format::claimreview::export(&doc, None, &r, &scale, &Default::default());
    eprintln!("claimreview export: {:?} ({} bytes)", t.elapsed(), b.len());
    check_invariants(records, &scale, &r).unwrap();
}
