//! The fact-checker's desk, pure parts: entities (who is mentioned),
//! claims (who said what, and how true it is), the rating scale, and the
//! rules that keep them consistent however their records were merged.
//!
//! # Records and how they resolve
//!
//! The session keeps four kinds of records, each keyed by id and merged
//! record by record (causal lengths): span [`Annotation`]s, [`Entity`]s,
//! [`Membership`]s (mention → entity, keyed by the mention's id) and
//! [`ClaimFacts`] (keyed by the claim annotation's id). Any combination
//! of them can meet after two tabs merge, so nothing here trusts a
//! reference. [`resolve`] turns whatever records there are into what the
//! panels show, by these rules:
//!
//! 1. **Every mention has an entity.** A person or organisation mention
//!    with no valid membership is its own *implicit* entity: its id is the
//!    annotation's id, its name the annotation's quote. To rename or give
//!    a Wikidata id to an implicit entity, write an [`Entity`] with that
//!    same id: claims whose speaker it is keep pointing at it.
//! 2. **A membership counts only if it leads somewhere real**: to an
//!    entity record of the mention's label, or to another existing mention
//!    of the same label (then the mention joins whatever entity *that*
//!    mention resolves to; chains are followed). A membership of a missing
//!    annotation is ignored; one to a missing entity, a deleted mention,
//!    or an entity of another label leaves the mention in its own implicit
//!    entity. A cycle of mentions pointing at each other becomes one
//!    implicit entity, named after the member with the smallest id.
//! 3. **An entity's mentions always exist** (they are found from the
//!    annotations, never stored in the entity). An entity record with no
//!    mentions is still listed, so that its name, its Wikidata id and the
//!    claims it speaks survive. An entity record whose label is not an
//!    entity label, or whose id is that of an annotation of another label,
//!    is ignored.
//! 4. **No dangling speaker.** A claim's speaker id resolves, in order:
//!    to that entity if it is listed; if it is a mention's id, to that
//!    mention's entity (so a speaker follows its mention into a merge);
//!    if memberships still point at it (the entity was deleted), to the
//!    entity of the first such mention in document order; otherwise to
//!    *unknown*. A verdict that is not on the rating scale is *not yet
//!    rated*. Facts of an annotation that is not (or no longer) a claim
//!    are ignored, and count again if it is relabelled a claim; likewise
//!    a mention relabelled to another entity label leaves its entity
//!    (rule 2) and rejoins it if relabelled back.
//!
//! Rule 2 with rule 4 is how "deleting an entity in one tab while the
//! other adds a mention to it loses neither": after the merge the entity
//! record is gone (the deletion stands, the entity is not revived with a
//! name nobody can see), the added mention is still there in its own
//! implicit entity (the mention stands, with its membership record kept,
//! so re-creating the entity would regroup it), and a claim spoken by the
//! deleted entity falls back to one of its former mentions rather than to
//! unknown. [`check_invariants`] states all of this as a test oracle.

mod names;
mod occurrences;
mod small;
mod summary;
mod urls;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::{Annotation, Timestamp};
use small::{in_document_order, order, Index};

pub use names::{edit_distance, normalise_name, suggest_groupings, Suggestion, SuggestionReason};
pub use occurrences::occurrences;
pub use summary::{summary, EntityCount, PeopleVsOrgs, SpeakerCount, Summary, VerdictCount};
pub use urls::{
    check_http_url, parse_wikidata_field, validate_sources, validate_wikidata, wikidata_url,
    UrlProblem,
};

/// Label id of people.
pub const PERSON: &str = "person";
/// Label id of organisations.
pub const ORGANISATION: &str = "organisation";
/// Label id of claims.
pub const CLAIM: &str = "claim";

/// Whether mentions with this label belong to entities (people and
/// organisations today; a function so that user labels can join later).
pub fn is_entity_label(label: &str) -> bool {
    label == PERSON || label == ORGANISATION
}

/// Whether annotations with this label are claims.
pub fn is_claim_label(label: &str) -> bool {
    label == CLAIM
}

/// An entity the user has named or grouped. A mention with no
/// [`Membership`] belongs to its own implicit entity whose id is the
/// annotation's id and whose name is its quote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Unique among entities; may equal a mention's id (naming that
    /// mention's implicit entity).
    pub id: String,
    /// An entity label (`person`, `organisation`).
    pub label: String,
    /// Name shown and exported.
    pub name: String,
    /// A Wikidata item id (`Q42`), checked by [`validate_wikidata`].
    pub wikidata: Option<String>,
    /// Last change.
    pub modified: Timestamp,
}

/// Mention → entity (keyed by the annotation id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// The mention's annotation id.
    pub mention: String,
    /// An entity id, or another mention's id (its implicit entity).
    pub entity: String,
    /// Last change.
    pub modified: Timestamp,
}

/// A claim's facts (keyed by the claim annotation's id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimFacts {
    /// The claim annotation's id.
    pub claim: String,
    /// Who made the claim: an entity id; `None` is unknown.
    pub speaker: Option<String>,
    /// A rating id of the scale; `None` is not yet rated.
    pub verdict: Option<String>,
    /// Why this verdict.
    pub explanation: String,
    /// http(s) links, checked by [`validate_sources`].
    pub sources: Vec<String>,
    /// Last change.
    pub modified: Timestamp,
}

/// One verdict of the rating scale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// Stable id stored in [`ClaimFacts::verdict`].
    pub id: String,
    /// Name shown, and exported as ClaimReview `alternateName`.
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// Place on the numeric scale, 1 (false) and up (true); 0 means not
    /// on the numeric scale (e.g. "Unverifiable"): such a verdict is
    /// exported with its name only, no `ratingValue`.
    pub value: u32,
}

/// The verdicts a claim can get, in display order. Data, editable like
/// labels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RatingScale(pub Vec<Rating>);

impl Default for RatingScale {
    /// True (5), Mostly true (4), Half true (3), Mostly false (2), False
    /// (1), Unverifiable (0: off the numeric scale). Google's ClaimReview
    /// documentation asks for numbers where closer to `bestRating` is
    /// truer and closer to `worstRating` is falser; "Unverifiable" is not
    /// a degree of truth, so it has no number and is exported by name
    /// only. Colours run from green to red (ColorBrewer RdYlGn, readable
    /// in grey too), unverifiable grey.
    fn default() -> Self {
        let r = |id: &str, name: &str, color: &str, value: u32| Rating {
            id: id.into(),
            name: name.into(),
            color: color.into(),
            value,
        };
        RatingScale(vec![
            r("true", "True", "#1a9850", 5),
            r("mostly-true", "Mostly true", "#91cf60", 4),
            r("half-true", "Half true", "#fee08b", 3),
            r("mostly-false", "Mostly false", "#fc8d59", 2),
            r("false", "False", "#d73027", 1),
            r("unverifiable", "Unverifiable", "#969696", 0),
        ])
    }
}

impl RatingScale {
    /// The rating with this id.
    pub fn get(&self, id: &str) -> Option<&Rating> {
        self.0.iter().find(|r| r.id == id)
    }

    /// Ratings in display order.
    pub fn iter(&self) -> impl Iterator<Item = &Rating> {
        self.0.iter()
    }

    /// `(worst, best)` of the numeric scale (values of 1 and above), if
    /// it has at least two different values.
    pub fn numeric_range(&self) -> Option<(u32, u32)> {
        let values = self.0.iter().map(|r| r.value).filter(|&v| v >= 1);
        let worst = values.clone().min()?;
        let best = values.max()?;
        (best > worst).then_some((worst, best))
    }

    /// Checks a scale the user edited: at least one rating, ids and names
    /// non-empty and unique, colours `#rrggbb`.
    pub fn validate(&self) -> Result<(), FactError> {
        let bad = |index: usize, problem: &'static str| FactError::Scale { index, problem };
        if self.0.is_empty() {
            return Err(bad(0, "the scale has no rating"));
        }
        for (i, r) in self.0.iter().enumerate() {
            if r.id.trim().is_empty() {
                return Err(bad(i, "its id is empty"));
            }
            if r.name.trim().is_empty() {
                return Err(bad(i, "its name is empty"));
            }
            if !is_hex_color(&r.color) {
                return Err(bad(i, "its colour is not #rrggbb"));
            }
            if self.0[..i].iter().any(|o| o.id == r.id) {
                return Err(bad(i, "its id is used by an earlier rating"));
            }
            if self.0[..i].iter().any(|o| o.name == r.name) {
                return Err(bad(i, "its name is used by an earlier rating"));
            }
        }
        Ok(())
    }
}

/// `#rrggbb` (six hex digits).
pub fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s.chars().skip(1).all(|c| c.is_ascii_hexdigit())
}

/// Something the user typed that cannot be kept.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FactError {
    /// Not a Wikidata item id.
    #[error("{input:?} is not a Wikidata id: write Q followed by digits, such as Q42, or paste the item's wikidata.org link")]
    Wikidata {
        /// What was typed.
        input: String,
    },
    /// A source that is not an http(s) link.
    #[error("source {position} ({}): {problem}", shorten(item))]
    Source {
        /// 1-based place among the sources typed.
        position: usize,
        /// The offending item, as typed.
        item: String,
        /// What is wrong with it.
        problem: UrlProblem,
    },
    /// A rating scale that cannot be used.
    #[error("rating {}: {problem}", index + 1)]
    Scale {
        /// 0-based index of the rating.
        index: usize,
        /// What is wrong.
        problem: &'static str,
    },
}

/// `s` quoted, escaped (control characters become `\u{…}`), at most 60
/// code points.
fn shorten(s: &str) -> String {
    let mut t: String = s.chars().take(60).collect();
    if s.chars().nth(60).is_some() {
        t.push('…');
    }
    format!("{t:?}")
}

/// What the panels show: each entity with its mentions (resolving
/// implicit entities and dangling references).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntityView {
    /// Entity id (an annotation id for an implicit entity).
    pub id: String,
    /// Its label.
    pub label: String,
    /// Its name.
    pub name: String,
    /// Its Wikidata id.
    pub wikidata: Option<String>,
    /// Annotation ids of its mentions, document order.
    pub mentions: Vec<String>,
    /// No entity record: named after the mention whose id it has.
    pub implicit: bool,
}

/// A claim as the panels and exports see it: its facts with every
/// reference resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimView {
    /// The claim annotation's id.
    pub claim: String,
    /// Its text.
    pub quote: String,
    /// The speaker's entity id (listed in [`Resolved::entities`]), or
    /// unknown.
    pub speaker: Option<String>,
    /// A rating id of the scale, or not yet rated.
    pub verdict: Option<String>,
    /// Why this verdict (empty if no facts yet).
    pub explanation: String,
    /// Source links.
    pub sources: Vec<String>,
}

/// The borrowed records of one document, as the session holds them (live
/// records only: deleted ones are not passed).
#[derive(Clone, Copy, Debug, Default)]
pub struct Records<'a> {
    /// Span annotations of every label.
    pub annotations: &'a [Annotation],
    /// Entity records.
    pub entities: &'a [Entity],
    /// Memberships.
    pub memberships: &'a [Membership],
    /// Claim facts.
    pub facts: &'a [ClaimFacts],
}

/// Everything resolved: see the module documentation for the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// Entities: those with mentions first, in the order of their first
    /// mention; then entity records without mentions, by name and id.
    pub entities: Vec<EntityView>,
    /// One per claim annotation, document order.
    pub claims: Vec<ClaimView>,
    entity_of: BTreeMap<String, usize>,
    by_id: BTreeMap<String, usize>,
}

impl Resolved {
    /// The entity a mention belongs to (`None` if it is not an existing
    /// person or organisation mention).
    pub fn entity_of(&self, mention: &str) -> Option<&EntityView> {
        self.entity_of
            .get(mention)
            .and_then(|&i| self.entities.get(i))
    }

    /// The entity with this id.
    pub fn entity(&self, id: &str) -> Option<&EntityView> {
        self.by_id.get(id).and_then(|&i| self.entities.get(i))
    }

    /// The claim with this annotation id.
    pub fn claim(&self, id: &str) -> Option<&ClaimView> {
        self.claims.iter().find(|c| c.claim == id)
    }

    /// Entities with this label, in list order (the choices of a
    /// mention's entity menu).
    pub fn entities_with_label<'s>(
        &'s self,
        label: &'s str,
    ) -> impl Iterator<Item = &'s EntityView> + 's {
        self.entities.iter().filter(move |e| e.label == label)
    }
}

/// Whether `a` wins over `b` among duplicates: later `modified`, then
/// the greater content key, so the choice never depends on input order.
fn newer<K: Ord>(a: (Timestamp, K), b: (Timestamp, K)) -> bool {
    a > b
}

/// Where one mention's membership leads, before chains are followed.
enum Step {
    /// No valid membership: the mention is its own entity.
    Own,
    /// To an entity record (index into the entity list).
    Record(usize),
    /// To another mention (index into the mention list).
    Mention(usize),
}

/// Resolve the records of one document (see the module documentation).
/// O(n log n) in the number of records.
pub fn resolve(records: Records<'_>, scale: &RatingScale) -> Resolved {
    let anns = records.annotations;
    // Annotations by id (a duplicate id keeps the first: the annotation
    // set never has duplicates).
    let mut ann: Index<'_> = Index::new();
    for (i, a) in anns.iter().enumerate() {
        ann.entry(a.id.as_str()).or_insert(i);
    }
    let label_of = |id: &str| ann.get(id).map(|&i| anns[i].label.as_str());
    let picked: Vec<usize> = ann
        .values()
        .copied()
        .filter(|&i| is_entity_label(&anns[i].label))
        .collect();
    let mentions = in_document_order(anns, &picked);
    // Maps are filled by insert, never collected: collecting into a
    // BTreeMap sorts, and each sort instantiated costs kilobytes of wasm.
    let mut mention_index: Index<'_> = Index::new();
    for (i, a) in mentions.iter().enumerate() {
        mention_index.insert(a.id.as_str(), i);
    }

    // Entity records, deduplicated, valid ones only; sorted by id.
    let ents = records.entities;
    let mut records_by_id: Index<'_> = Index::new();
    for (i, e) in ents.iter().enumerate() {
        let valid = is_entity_label(&e.label) && label_of(&e.id).is_none_or(|l| l == e.label);
        if !valid {
            continue;
        }
        let key = |x: &Entity| {
            (
                x.modified,
                (x.name.clone(), x.label.clone(), x.wikidata.clone()),
            )
        };
        match records_by_id.get(e.id.as_str()) {
            Some(&c) if !newer(key(e), key(&ents[c])) => {}
            _ => {
                records_by_id.insert(e.id.as_str(), i);
            }
        }
    }
    let entity_records: Vec<&Entity> = records_by_id.values().map(|&i| &ents[i]).collect();
    let mut record_index: Index<'_> = Index::new();
    for (i, e) in entity_records.iter().enumerate() {
        record_index.insert(e.id.as_str(), i);
    }

    // Memberships, deduplicated by mention.
    let mems = records.memberships;
    let mut membership: Index<'_> = Index::new();
    for (i, m) in mems.iter().enumerate() {
        let key = |x: &Membership| (x.modified, x.entity.clone());
        match membership.get(m.mention.as_str()) {
            Some(&c) if !newer(key(m), key(&mems[c])) => {}
            _ => {
                membership.insert(m.mention.as_str(), i);
            }
        }
    }
    let membership_of = |id: &str| membership.get(id).map(|&i| &mems[i]);

    // One step per mention.
    let steps: Vec<Step> = mentions
        .iter()
        .map(|a| {
            let Some(m) = membership_of(&a.id) else {
                return Step::Own;
            };
            let t = m.entity.as_str();
            if let Some(&r) = record_index.get(t) {
                return if entity_records[r].label == a.label {
                    Step::Record(r)
                } else {
                    Step::Own
                };
            }
            match mention_index.get(t) {
                Some(&j) if t != a.id && mentions[j].label == a.label => Step::Mention(j),
                _ => Step::Own,
            }
        })
        .collect();

    // Follow chains. Result per mention: Ok(record index) or Err(mention
    // index of the implicit entity).
    let n = mentions.len();
    let own = |m: usize| match record_index.get(mentions[m].id.as_str()) {
        // A mention whose id is a record's id (rule 1) joins it.
        Some(&r) => Ok(r),
        None => Err(m),
    };
    let mut result: Vec<Option<Result<usize, usize>>> = vec![None; n];
    let mut on_path = vec![false; n];
    for start in 0..n {
        if result[start].is_some() {
            continue;
        }
        let mut path: Vec<usize> = Vec::new();
        let mut cur = start;
        let end = loop {
            if let Some(r) = result[cur] {
                break r;
            }
            if on_path[cur] {
                // A cycle: from cur to the end of the path; its smallest id.
                let from = path.iter().position(|&p| p == cur).unwrap_or(0);
                let mut canon: usize = cur;
                for &p in &path[from..] {
                    if mentions[p].id < mentions[canon].id {
                        canon = p;
                    }
                }
                break own(canon);
            }
            on_path[cur] = true;
            path.push(cur);
            match steps[cur] {
                Step::Own => break own(cur),
                Step::Record(r) => break Ok(r),
                Step::Mention(j) => cur = j,
            }
        };
        for p in path {
            on_path[p] = false;
            result[p] = Some(end);
        }
    }

    // Views.
    let mut views: Vec<EntityView> = Vec::new();
    let mut record_view_of: Vec<Option<usize>> = vec![None; entity_records.len()];
    let mut implicit_view_of: Vec<Option<usize>> = vec![None; n];
    let mut entity_of: BTreeMap<String, usize> = BTreeMap::new();
    for (i, a) in mentions.iter().enumerate() {
        let key = result[i].unwrap_or(Err(i));
        let slot = match key {
            Ok(r) => &mut record_view_of[r],
            Err(m) => &mut implicit_view_of[m],
        };
        let v = *slot.get_or_insert_with(|| {
            views.push(match key {
                Ok(r) => record_view(entity_records[r]),
                Err(m) => implicit_view(mentions[m]),
            });
            views.len() - 1
        });
        views[v].mentions.push(a.id.clone());
        entity_of.insert(a.id.clone(), v);
    }
    let empty: Vec<&Entity> = entity_records
        .iter()
        .zip(&record_view_of)
        .filter(|(_, v)| v.is_none())
        .map(|(e, _)| *e)
        .collect();
    for k in order(empty.len(), &|x, y| {
        (&empty[x].name, &empty[x].id).cmp(&(&empty[y].name, &empty[y].id))
    }) {
        views.push(record_view(empty[k]));
    }
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for (i, v) in views.iter().enumerate() {
        by_id.insert(v.id.clone(), i);
    }

    // Claims.
    let fs = records.facts;
    let mut facts: Index<'_> = Index::new();
    for (i, f) in fs.iter().enumerate() {
        let key = |x: &ClaimFacts| {
            (
                x.modified,
                (
                    x.speaker.clone(),
                    x.verdict.clone(),
                    x.explanation.clone(),
                    x.sources.clone(),
                ),
            )
        };
        match facts.get(f.claim.as_str()) {
            Some(&c) if !newer(key(f), key(&fs[c])) => {}
            _ => {
                facts.insert(f.claim.as_str(), i);
            }
        }
    }
    // Rule 4's fallback: membership target -> first mention (document
    // order) pointing at it.
    let mut pointing_at: Index<'_> = Index::new();
    for (i, a) in mentions.iter().enumerate() {
        if let Some(m) = membership_of(&a.id) {
            pointing_at.entry(m.entity.as_str()).or_insert(i);
        }
    }
    let picked: Vec<usize> = ann
        .values()
        .copied()
        .filter(|&i| is_claim_label(&anns[i].label))
        .collect();
    let claims = in_document_order(anns, &picked)
        .into_iter()
        .map(|a| {
            let f = facts.get(a.id.as_str()).map(|&i| &fs[i]);
            let speaker = f
                .and_then(|f| f.speaker.as_deref())
                .and_then(|s| {
                    // Rule 4.
                    if let Some(&v) = by_id.get(s) {
                        return Some(v);
                    }
                    if let Some(&v) = entity_of.get(s) {
                        return Some(v);
                    }
                    // The first mention, in document order, still
                    // pointing at s.
                    pointing_at
                        .get(s)
                        .and_then(|&i| entity_of.get(&mentions[i].id).copied())
                })
                .map(|v| views[v].id.clone());
            ClaimView {
                claim: a.id.clone(),
                quote: a.quote.clone(),
                speaker,
                verdict: f
                    .and_then(|f| f.verdict.clone())
                    .filter(|v| scale.get(v).is_some()),
                explanation: f.map(|f| f.explanation.clone()).unwrap_or_default(),
                sources: f.map(|f| f.sources.clone()).unwrap_or_default(),
            }
        })
        .collect();

    Resolved {
        entities: views,
        claims,
        entity_of,
        by_id,
    }
}

fn record_view(e: &Entity) -> EntityView {
    EntityView {
        id: e.id.clone(),
        label: e.label.clone(),
        name: e.name.clone(),
        wikidata: e.wikidata.clone(),
        mentions: Vec::new(),
        implicit: false,
    }
}

fn implicit_view(a: &Annotation) -> EntityView {
    EntityView {
        id: a.id.clone(),
        label: a.label.clone(),
        name: a.quote.clone(),
        wikidata: None,
        mentions: Vec::new(),
        implicit: true,
    }
}

/// Every entity with its mentions: [`resolve`]'s entity list.
pub fn entities(
    annotations: &[Annotation],
    entities: &[Entity],
    memberships: &[Membership],
) -> Vec<EntityView> {
    let records = Records {
        annotations,
        entities,
        memberships,
        facts: &[],
    };
    resolve(records, &RatingScale(Vec::new())).entities
}

/// The id of the entity `mention` belongs to; `mention` itself if it is
/// not a known person or organisation mention. For many look-ups, call
/// [`resolve`] once and use [`Resolved::entity_of`].
pub fn entity_of(
    mention: &str,
    annotations: &[Annotation],
    entities: &[Entity],
    memberships: &[Membership],
) -> String {
    let records = Records {
        annotations,
        entities,
        memberships,
        facts: &[],
    };
    resolve(records, &RatingScale(Vec::new()))
        .entity_of(mention)
        .map_or_else(|| mention.to_owned(), |v| v.id.clone())
}

/// The records that apply a grouping (a [`Suggestion`] the user
/// accepted, or a merge they asked for), to be written as one undoable
/// step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergePlan {
    /// One per mention of the merged entities, pointing at the kept one
    /// (an implicit kept entity is pointed at through its mention's id).
    pub memberships: Vec<Membership>,
    /// Claim facts whose speaker was a merged entity, now the kept one.
    pub facts: Vec<ClaimFacts>,
    /// Entity records of the merged entities, now empty: delete them.
    pub delete_entities: Vec<String>,
}

/// What merging the entities `merge` into `keep` writes. Ids that are
/// not listed, `keep` itself, and entities of another label than
/// `keep`'s are skipped. The kept entity's name and Wikidata id are
/// unchanged (the user edits them).
pub fn plan_merge(
    resolved: &Resolved,
    facts: &[ClaimFacts],
    keep: &str,
    merge: &[String],
    now: Timestamp,
) -> MergePlan {
    let mut plan = MergePlan::default();
    let Some(kept) = resolved.entity(keep) else {
        return plan;
    };
    let merged: Vec<&EntityView> = merge
        .iter()
        .filter(|id| id.as_str() != keep)
        .filter_map(|id| resolved.entity(id))
        .filter(|v| v.label == kept.label)
        .collect();
    for v in &merged {
        plan.memberships
            .extend(v.mentions.iter().map(|m| Membership {
                mention: m.clone(),
                entity: kept.id.clone(),
                modified: now,
            }));
        if !v.implicit {
            plan.delete_entities.push(v.id.clone());
        }
    }
    for f in facts {
        let speaks = resolved
            .claim(&f.claim)
            .and_then(|c| c.speaker.as_deref())
            .is_some_and(|s| merged.iter().any(|v| v.id == s));
        if speaks {
            plan.facts.push(ClaimFacts {
                speaker: Some(kept.id.clone()),
                modified: now,
                ..f.clone()
            });
        }
    }
    plan
}

/// Checks what [`resolve`] promises, against the records alone. `Err`
/// names the first broken rule. Meant for property tests and debugging.
pub fn check_invariants(
    records: Records<'_>,
    scale: &RatingScale,
    resolved: &Resolved,
) -> Result<(), String> {
    let ann: HashMap<&str, &Annotation> = records
        .annotations
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut ids: HashMap<&str, ()> = HashMap::new();
    for v in &resolved.entities {
        if ids.insert(v.id.as_str(), ()).is_some() {
            return Err(format!("entity {:?} listed twice", v.id));
        }
        if !is_entity_label(&v.label) {
            return Err(format!("entity {:?} has label {:?}", v.id, v.label));
        }
        let mut prev: Option<&Annotation> = None;
        for m in &v.mentions {
            let Some(a) = ann.get(m.as_str()) else {
                return Err(format!("entity {:?} lists missing mention {m:?}", v.id));
            };
            if a.label != v.label {
                return Err(format!(
                    "mention {m:?} ({}) in a {} entity",
                    a.label, v.label
                ));
            }
            if let Some(other) = seen.insert(m.as_str(), v.id.as_str()) {
                return Err(format!("mention {m:?} in {other:?} and {:?}", v.id));
            }
            if prev.is_some_and(|p| p.order_key() >= a.order_key()) {
                return Err(format!("mentions of {:?} not in document order", v.id));
            }
            prev = Some(a);
            if resolved.entity_of(m).map(|e| e.id.as_str()) != Some(v.id.as_str()) {
                return Err(format!("entity_of({m:?}) is not {:?}", v.id));
            }
        }
        if v.implicit {
            if !v.mentions.contains(&v.id) {
                return Err(format!(
                    "implicit entity {:?} without its own mention",
                    v.id
                ));
            }
            if ann.get(v.id.as_str()).map(|a| &a.quote) != Some(&v.name) {
                return Err(format!(
                    "implicit entity {:?} not named after its quote",
                    v.id
                ));
            }
        } else {
            if !records
                .entities
                .iter()
                .any(|e| e.id == v.id && e.label == v.label)
            {
                return Err(format!("entity {:?} has no record of its label", v.id));
            }
        }
        if resolved.entity(&v.id).map(|e| &e.id) != Some(&v.id) {
            return Err(format!("entity({:?}) does not find it", v.id));
        }
    }
    for a in records.annotations {
        if is_entity_label(&a.label) && !seen.contains_key(a.id.as_str()) {
            return Err(format!("mention {:?} belongs to no entity", a.id));
        }
    }
    for e in records.entities {
        let valid =
            is_entity_label(&e.label) && ann.get(e.id.as_str()).is_none_or(|a| a.label == e.label);
        if valid && resolved.entity(&e.id).is_none() {
            return Err(format!("entity record {:?} is not listed", e.id));
        }
    }
    let mut claims: Vec<&Annotation> = records
        .annotations
        .iter()
        .filter(|a| is_claim_label(&a.label))
        .collect();
    claims.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    if claims.len() != resolved.claims.len()
        || claims
            .iter()
            .zip(&resolved.claims)
            .any(|(a, c)| a.id != c.claim)
    {
        return Err("claims are not the claim annotations in document order".into());
    }
    for c in &resolved.claims {
        if let Some(s) = &c.speaker {
            if resolved.entity(s).is_none() {
                return Err(format!("claim {:?} has dangling speaker {s:?}", c.claim));
            }
        }
        if let Some(v) = &c.verdict {
            if scale.get(v).is_none() {
                return Err(format!(
                    "claim {:?} has verdict {v:?} off the scale",
                    c.claim
                ));
            }
        }
    }
    Ok(())
}
