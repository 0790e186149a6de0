//! ClaimReview export: one schema.org `ClaimReview` (JSON-LD) per claim
//! that has a verdict, for a fact-check page or Google's Fact Check
//! Explorer.
//!
//! # What Google asks for
//!
//! From Google Search Central, *Fact check (ClaimReview) structured data*
//! (<https://developers.google.com/search/docs/appearance/structured-data/factcheck>),
//! which now also notes that ClaimReview is being phased out of Google
//! Search results but stays supported by the Fact Check Explorer:
//!
//! | property | Google | written from |
//! |---|---|---|
//! | `claimReviewed` | required; "try to keep this less than 75 characters to minimize wrapping when displayed on a mobile device"; no rating in it | the claim's text, spaces collapsed, outer quotation marks removed |
//! | `reviewRating` | required; `alternateName` (the textual verdict, the value shown) required; `ratingValue`, `bestRating`, `worstRating` numeric, closer to best is truer | the verdict's name; its value on the scale when it has one (a value of 0, e.g. Unverifiable, writes the name only) |
//! | `url` | required; the page of the full fact check, on the domain of the page that hosts the markup | [`ReviewSettings::review_url`] |
//! | `author` | recommended; the publisher of the fact check | [`ReviewSettings::newsroom`] as an `Organization` |
//! | `itemReviewed` | recommended; a `Claim` with `author` (a `Person` or `Organization`, with `name` and `sameAs`) and `appearance` (where the claim appears) | the speaker, with its Wikidata page as `sameAs`; the article (`CreativeWork` with its title and URL) |
//! | `datePublished` | the date the fact check was published | [`ReviewSettings::date_published`] |
//!
//! The explanation goes in `reviewRating.ratingExplanation` (schema.org:
//! "particularly applicable to ratings associated with fact check markup
//! using ClaimReview").
//!
//! **Before publishing, a user must fill in** the review page URL (the
//! only required field that the annotations cannot supply: without it an
//! export is not valid for Google, and [`Warning::MissingReviewUrl`] has
//! [`Severity::Required`]). Recommended, warned when missing: the
//! newsroom name, the date published, each claim's speaker, the article's
//! URL. Advice: a claim longer than 75 characters.
//!
//! Output: a JSON array of objects, each with its own `@context`,
//! pretty-printed, keys sorted, claims in document order; deterministic.
//! `<`, `>` and `&` are written as `\u003c`, `\u003e`, `\u0026` so that
//! the file can be pasted into a `<script type="application/ld+json">`
//! element as is: a claim reading `</script><script>…` stays text.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::core::factcheck::{
    check_http_url, validate_wikidata, wikidata_url, ClaimView, RatingScale, Resolved, UrlProblem,
    PERSON,
};
use crate::core::{Document, Timestamp};

/// Google's recommended maximum length of `claimReviewed`, in characters.
pub const RECOMMENDED_CLAIM_CHARS: usize = 75;

/// Set once per newsroom (or per review page) in the settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewSettings {
    /// Name of the organisation publishing the fact check.
    pub newsroom: String,
    /// Its home page (optional).
    pub newsroom_url: Option<String>,
    /// URL of the page that publishes this fact check (Google: required).
    pub review_url: Option<String>,
    /// When the fact check is published (written as a date, UTC).
    pub date_published: Option<Timestamp>,
}

/// How much a warning matters before publishing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A field Google requires is missing: fill it in before publishing.
    Required,
    /// A field Google recommends is missing.
    Recommended,
    /// Allowed, but against Google's advice.
    Advice,
}

/// Something to fix or know before publishing an export.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Warning {
    /// No review page URL: `url` is left out.
    #[error("the fact check's page URL is not set (required by Google): set it in the settings")]
    MissingReviewUrl,
    /// The review page URL is not an http(s) link: `url` is left out.
    #[error("the fact check's page URL is not usable ({0}): `url` was left out")]
    InvalidReviewUrl(UrlProblem),
    /// No newsroom name: the review has no `author`.
    #[error("the newsroom name is not set (recommended): the reviews have no author")]
    MissingNewsroom,
    /// The newsroom URL is not an http(s) link: left out.
    #[error("the newsroom's URL is not usable ({0}): it was left out")]
    InvalidNewsroomUrl(UrlProblem),
    /// No publication date.
    #[error("the publication date is not set (recommended)")]
    MissingDatePublished,
    /// The article has no URL: its appearance has only a title.
    #[error(
        "the article's URL is not known (recommended): the claims' appearance has only its title"
    )]
    MissingArticleUrl,
    /// The article's URL is not an http(s) link: left out.
    #[error("the article's URL is not usable ({0}): it was left out")]
    InvalidArticleUrl(UrlProblem),
    /// A rated claim whose text is only white space: not exported.
    #[error("claim {claim:?} has no text and is not in the export")]
    EmptyClaim {
        /// Claim annotation id.
        claim: String,
    },
    /// A rated claim with no speaker (or one with a blank name): its
    /// `itemReviewed` has no `author`.
    #[error("claim {claim:?} has no speaker (recommended)")]
    UnknownSpeaker {
        /// Claim annotation id.
        claim: String,
    },
    /// `claimReviewed` is longer than Google recommends.
    #[error("claim {claim:?} is {chars} characters long; Google recommends fewer than 75")]
    ClaimTooLong {
        /// Claim annotation id.
        claim: String,
        /// Its length in characters (code points).
        chars: usize,
    },
    /// Claims without a verdict are not exported.
    #[error("{count} claim(s) have no verdict yet and are not in the export")]
    Unrated {
        /// How many.
        count: usize,
    },
    /// Nothing to export.
    #[error("no claim has a verdict: the export is empty")]
    NothingRated,
}

impl Warning {
    /// How much it matters.
    pub fn severity(&self) -> Severity {
        match self {
            Warning::MissingReviewUrl | Warning::InvalidReviewUrl(_) => Severity::Required,
            Warning::ClaimTooLong { .. }
            | Warning::EmptyClaim { .. }
            | Warning::Unrated { .. }
            | Warning::NothingRated => Severity::Advice,
            _ => Severity::Recommended,
        }
    }
}

/// The claim text as `claimReviewed`: white space collapsed, outer
/// quotation marks (« » “ ” „ " ‹ ›) and spaces removed.
pub fn claim_text(quote: &str) -> String {
    let collapsed = quote.split_whitespace().collect::<Vec<_>>().join(" ");
    let quotes: &[char] = &['«', '»', '“', '”', '„', '"', '‹', '›', ' '];
    let t = collapsed.trim_matches(quotes);
    if t.is_empty() {
        collapsed
    } else {
        t.to_owned()
    }
}

/// Writes the export. See the module documentation for the mapping and
/// what each warning means. `source_url` is the article's own address
/// (where the claims appear), when known.
pub fn export(
    doc: &Document,
    source_url: Option<&str>,
    resolved: &Resolved,
    scale: &RatingScale,
    settings: &ReviewSettings,
) -> (Vec<u8>, Vec<Warning>) {
    let mut warnings = Vec::new();

    let review_url = match settings.review_url.as_deref().map(str::trim) {
        None | Some("") => {
            warnings.push(Warning::MissingReviewUrl);
            None
        }
        Some(u) => match check_http_url(u) {
            Ok(()) => Some(u),
            Err(p) => {
                warnings.push(Warning::InvalidReviewUrl(p));
                None
            }
        },
    };
    let newsroom = settings.newsroom.trim();
    let author = if newsroom.is_empty() {
        warnings.push(Warning::MissingNewsroom);
        None
    } else {
        let mut a = Map::new();
        a.insert("@type".into(), json!("Organization"));
        a.insert("name".into(), json!(newsroom));
        match settings.newsroom_url.as_deref().map(str::trim) {
            None | Some("") => {}
            Some(u) => match check_http_url(u) {
                Ok(()) => {
                    a.insert("url".into(), json!(u));
                }
                Err(p) => warnings.push(Warning::InvalidNewsroomUrl(p)),
            },
        }
        Some(Value::Object(a))
    };
    let date = match settings.date_published {
        Some(t) => Some(t.to_rfc3339().chars().take(10).collect::<String>()),
        None => {
            warnings.push(Warning::MissingDatePublished);
            None
        }
    };
    let article_url = match source_url.map(str::trim) {
        None | Some("") => {
            warnings.push(Warning::MissingArticleUrl);
            None
        }
        Some(u) => match check_http_url(u) {
            Ok(()) => Some(u),
            Err(p) => {
                warnings.push(Warning::InvalidArticleUrl(p));
                None
            }
        },
    };
    let mut appearance = Map::new();
    appearance.insert("@type".into(), json!("CreativeWork"));
    appearance.insert("name".into(), json!(doc.title()));
    if let Some(u) = article_url {
        appearance.insert("url".into(), json!(u));
    }

    let range = scale.numeric_range();
    let mut reviews = Vec::new();
    let mut unrated = 0;
    for c in &resolved.claims {
        let Some(rating) = c.verdict.as_deref().and_then(|v| scale.get(v)) else {
            unrated += 1;
            continue;
        };
        let text = claim_text(&c.quote);
        if text.is_empty() {
            warnings.push(Warning::EmptyClaim {
                claim: c.claim.clone(),
            });
            continue;
        }
        let chars = text.chars().count();
        if chars > RECOMMENDED_CLAIM_CHARS {
            warnings.push(Warning::ClaimTooLong {
                claim: c.claim.clone(),
                chars,
            });
        }

        let mut r = Map::new();
        r.insert("@type".into(), json!("Rating"));
        r.insert("alternateName".into(), json!(rating.name));
        if let Some((worst, best)) = range {
            if rating.value >= 1 {
                r.insert("ratingValue".into(), json!(rating.value));
                r.insert("bestRating".into(), json!(best));
                r.insert("worstRating".into(), json!(worst));
            }
        }
        if !c.explanation.trim().is_empty() {
            r.insert("ratingExplanation".into(), json!(c.explanation.trim()));
        }

        let mut item = Map::new();
        item.insert("@type".into(), json!("Claim"));
        match speaker(c, resolved) {
            Some(a) => {
                item.insert("author".into(), a);
            }
            None => warnings.push(Warning::UnknownSpeaker {
                claim: c.claim.clone(),
            }),
        }
        item.insert("appearance".into(), Value::Object(appearance.clone()));

        let mut o = Map::new();
        o.insert("@context".into(), json!("https://schema.org"));
        o.insert("@type".into(), json!("ClaimReview"));
        o.insert("claimReviewed".into(), json!(text));
        o.insert("reviewRating".into(), Value::Object(r));
        o.insert("itemReviewed".into(), Value::Object(item));
        if let Some(a) = &author {
            o.insert("author".into(), a.clone());
        }
        if let Some(d) = &date {
            o.insert("datePublished".into(), json!(d));
        }
        if let Some(u) = review_url {
            o.insert("url".into(), json!(u));
        }
        reviews.push(Value::Object(o));
    }
    if unrated > 0 {
        warnings.push(Warning::Unrated { count: unrated });
    }
    if reviews.is_empty() {
        warnings.push(Warning::NothingRated);
    }

    // Serialising plain values into a String cannot fail.
    let pretty = serde_json::to_string_pretty(&Value::Array(reviews)).unwrap_or_default();
    let mut out = String::with_capacity(pretty.len() + 1);
    for ch in pretty.chars() {
        // Outside strings JSON has none of these, so this only changes
        // how string contents are spelled, not what they are.
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(ch),
        }
    }
    out.push('\n');
    (out.into_bytes(), warnings)
}

/// The claim's author: the speaker as a Person or Organization.
fn speaker(c: &ClaimView, resolved: &Resolved) -> Option<Value> {
    let e = resolved.entity(c.speaker.as_deref()?)?;
    if e.name.trim().is_empty() {
        return None;
    }
    let mut a = Map::new();
    let kind = if e.label == PERSON {
        "Person"
    } else {
        "Organization"
    };
    a.insert("@type".into(), json!(kind));
    a.insert("name".into(), json!(e.name.trim()));
    if let Some(q) = e
        .wikidata
        .as_deref()
        .and_then(|q| validate_wikidata(q).ok())
    {
        a.insert("sameAs".into(), json!(wikidata_url(&q)));
    }
    Some(Value::Object(a))
}
