//! The summary panel's numbers: who is quoted and how often, verdicts,
//! people vs organisations.

use serde::Serialize;

use super::small::{order, Index};
use super::{RatingScale, Resolved, ORGANISATION, PERSON};

/// Claims made by one speaker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpeakerCount {
    /// The speaker's entity id; `None` for claims whose speaker is unknown.
    pub entity: Option<String>,
    /// The entity's name; empty for unknown (the app words it).
    pub name: String,
    /// How many claims.
    pub claims: usize,
}

/// Mentions of one entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntityCount {
    /// Entity id.
    pub entity: String,
    /// Its name.
    pub name: String,
    /// Its label.
    pub label: String,
    /// How many mentions.
    pub mentions: usize,
}

/// Claims with one verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerdictCount {
    /// Rating id.
    pub rating: String,
    /// Its name.
    pub name: String,
    /// Its colour, `#rrggbb`.
    pub color: String,
    /// How many claims.
    pub claims: usize,
}

/// People and organisations the article mentions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PeopleVsOrgs {
    /// Distinct people (entities with at least one mention).
    pub people: usize,
    /// Distinct organisations.
    pub organisations: usize,
    /// Mentions of people.
    pub people_mentions: usize,
    /// Mentions of organisations.
    pub organisation_mentions: usize,
}

/// What the summary panel shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Number of claims.
    pub claims: usize,
    /// Most quoted first (then by name); unknown speaker last. Speakers
    /// with no claim are not listed.
    pub claims_per_speaker: Vec<SpeakerCount>,
    /// Entities with at least one mention, most mentioned first (then by
    /// name, id).
    pub mentions_per_entity: Vec<EntityCount>,
    /// Every rating of the scale, in scale order, zeros included.
    pub verdicts: Vec<VerdictCount>,
    /// Claims not yet rated (or rated with a rating since removed).
    pub unrated: usize,
    /// People vs organisations.
    pub people_vs_orgs: PeopleVsOrgs,
}

/// The summary of resolved records. Deterministic: ties are broken by
/// name, then id.
pub fn summary(resolved: &Resolved, scale: &RatingScale) -> Summary {
    let mut speakers: Vec<SpeakerCount> = Vec::new();
    let mut unknown = 0;
    let mut unrated = 0;
    let mut verdicts: Vec<VerdictCount> = scale
        .iter()
        .map(|r| VerdictCount {
            rating: r.id.clone(),
            name: r.name.clone(),
            color: r.color.clone(),
            claims: 0,
        })
        .collect();
    let mut slot: Index<'_> = Index::new();
    for c in &resolved.claims {
        match c.speaker.as_deref().and_then(|s| resolved.entity(s)) {
            Some(e) => match slot.get(e.id.as_str()) {
                Some(&k) => speakers[k].claims += 1,
                None => {
                    slot.insert(e.id.as_str(), speakers.len());
                    speakers.push(SpeakerCount {
                        entity: Some(e.id.clone()),
                        name: e.name.clone(),
                        claims: 1,
                    });
                }
            },
            None => unknown += 1,
        }
        match c
            .verdict
            .as_deref()
            .and_then(|v| verdicts.iter_mut().find(|x| x.rating == v))
        {
            Some(v) => v.claims += 1,
            None => unrated += 1,
        }
    }
    let mut speakers: Vec<SpeakerCount> = order(speakers.len(), &|x, y| {
        let (a, b) = (&speakers[x], &speakers[y]);
        b.claims
            .cmp(&a.claims)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.entity.cmp(&b.entity))
    })
    .into_iter()
    .map(|k| speakers[k].clone())
    .collect();
    if unknown > 0 {
        speakers.push(SpeakerCount {
            entity: None,
            name: String::new(),
            claims: unknown,
        });
    }

    let mut pvo = PeopleVsOrgs::default();
    let mut mentions: Vec<EntityCount> = Vec::new();
    for e in resolved.entities.iter().filter(|e| !e.mentions.is_empty()) {
        let n = e.mentions.len();
        if e.label == PERSON {
            pvo.people += 1;
            pvo.people_mentions += n;
        } else if e.label == ORGANISATION {
            pvo.organisations += 1;
            pvo.organisation_mentions += n;
        }
        mentions.push(EntityCount {
            entity: e.id.clone(),
            name: e.name.clone(),
            label: e.label.clone(),
            mentions: n,
        });
    }
    let mentions: Vec<EntityCount> = order(mentions.len(), &|x, y| {
        let (a, b) = (&mentions[x], &mentions[y]);
        b.mentions
            .cmp(&a.mentions)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.entity.cmp(&b.entity))
    })
    .into_iter()
    .map(|k| mentions[k].clone())
    .collect();

    Summary {
        claims: resolved.claims.len(),
        claims_per_speaker: speakers,
        mentions_per_entity: mentions,
        verdicts,
        unrated,
        people_vs_orgs: pvo,
    }
}
