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
//! pretty-printed, claims in document order, keys in a fixed order;
//! deterministic.
//! `<`, `>` and `&` are written as `\u003c`, `\u003e`, `\u0026` so that
//! the file can be pasted into a `<script type="application/ld+json">`
//! element as is: a claim reading `</script><script>…` stays text.

use serde::{Deserialize, Serialize};

use crate::core::factcheck::{
    check_http_url, validate_wikidata, wikidata_url, RatingScale, Resolved, UrlProblem, PERSON,
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

/// A link from the settings or the article: `None` and a warning when it
/// is missing (if that deserves one) or not an http(s) link.
fn usable<'a>(
    url: Option<&'a str>,
    missing: Option<Warning>,
    invalid: fn(UrlProblem) -> Warning,
    warnings: &mut Vec<Warning>,
) -> Option<&'a str> {
    match url.map(str::trim) {
        None | Some("") => {
            warnings.extend(missing);
            None
        }
        Some(u) => match check_http_url(u) {
            Ok(()) => Some(u),
            Err(p) => {
                warnings.push(invalid(p));
                None
            }
        },
    }
}

/// A pretty JSON writer (two-space indentation, like
/// `serde_json::to_string_pretty`), small on purpose: building a
/// `serde_json::Value` tree for this cost several kilobytes of wasm.
struct Json {
    out: String,
    /// Per open object or array: whether it has a member yet.
    open: Vec<bool>,
}

impl Json {
    fn member(&mut self, key: Option<&str>) {
        if let Some(has) = self.open.last_mut() {
            if *has {
                self.out.push(',');
            }
            *has = true;
            self.out.push('\n');
            for _ in 0..self.open.len() {
                self.out.push_str("  ");
            }
        }
        if let Some(k) = key {
            self.string(k);
            self.out.push_str(": ");
        }
    }
    fn begin(&mut self, key: Option<&str>, bracket: char) {
        self.member(key);
        self.out.push(bracket);
        self.open.push(false);
    }
    fn end(&mut self, bracket: char) {
        if self.open.pop() == Some(true) {
            self.out.push('\n');
            for _ in 0..self.open.len() {
                self.out.push_str("  ");
            }
        }
        self.out.push(bracket);
    }
    fn str(&mut self, key: &str, value: &str) {
        self.member(Some(key));
        self.string(value);
    }
    fn num(&mut self, key: &str, value: u32) {
        self.member(Some(key));
        self.out.push_str(&value.to_string());
    }
    /// A JSON string. Besides what JSON requires, `<`, `>`, `&` and the
    /// JavaScript line separators are escaped, so the output can sit in a
    /// `<script>` element (the value read back is the same).
    fn string(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                '\u{0}'..='\u{1f}' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                    self.out.push_str(&format!("\\u{:04x}", c as u32))
                }
                _ => self.out.push(c),
            }
        }
        self.out.push('"');
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
    let w = &mut warnings;
    let review_url = usable(
        settings.review_url.as_deref(),
        Some(Warning::MissingReviewUrl),
        Warning::InvalidReviewUrl,
        w,
    );
    let newsroom = settings.newsroom.trim();
    let newsroom_url = if newsroom.is_empty() {
        w.push(Warning::MissingNewsroom);
        None
    } else {
        usable(
            settings.newsroom_url.as_deref(),
            None,
            Warning::InvalidNewsroomUrl,
            w,
        )
    };
    let date: Option<String> = settings
        .date_published
        .map(|t| t.to_rfc3339().chars().take(10).collect());
    if date.is_none() {
        w.push(Warning::MissingDatePublished);
    }
    let article_url = usable(
        source_url,
        Some(Warning::MissingArticleUrl),
        Warning::InvalidArticleUrl,
        w,
    );

    let range = scale.numeric_range();
    let mut j = Json {
        out: String::new(),
        open: Vec::new(),
    };
    j.begin(None, '[');
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

        j.begin(None, '{');
        j.str("@context", "https://schema.org");
        j.str("@type", "ClaimReview");
        j.str("claimReviewed", &text);

        j.begin(Some("reviewRating"), '{');
        j.str("@type", "Rating");
        j.str("alternateName", &rating.name);
        if let Some((worst, best)) = range.filter(|_| rating.value >= 1) {
            j.num("ratingValue", rating.value);
            j.num("bestRating", best);
            j.num("worstRating", worst);
        }
        let why = c.explanation.trim();
        if !why.is_empty() {
            j.str("ratingExplanation", why);
        }
        j.end('}');

        j.begin(Some("itemReviewed"), '{');
        j.str("@type", "Claim");
        let speaker = c
            .speaker
            .as_deref()
            .and_then(|s| resolved.entity(s))
            .filter(|e| !e.name.trim().is_empty());
        match speaker {
            Some(e) => {
                j.begin(Some("author"), '{');
                let kind = if e.label == PERSON {
                    "Person"
                } else {
                    "Organization"
                };
                j.str("@type", kind);
                j.str("name", e.name.trim());
                if let Some(q) = e
                    .wikidata
                    .as_deref()
                    .and_then(|q| validate_wikidata(q).ok())
                {
                    j.str("sameAs", &wikidata_url(&q));
                }
                j.end('}');
            }
            None => warnings.push(Warning::UnknownSpeaker {
                claim: c.claim.clone(),
            }),
        }
        j.begin(Some("appearance"), '{');
        j.str("@type", "CreativeWork");
        j.str("name", doc.title());
        if let Some(u) = article_url {
            j.str("url", u);
        }
        j.end('}');
        j.end('}');

        if !newsroom.is_empty() {
            j.begin(Some("author"), '{');
            j.str("@type", "Organization");
            j.str("name", newsroom);
            if let Some(u) = newsroom_url {
                j.str("url", u);
            }
            j.end('}');
        }
        if let Some(d) = &date {
            j.str("datePublished", d);
        }
        if let Some(u) = review_url {
            j.str("url", u);
        }
        j.end('}');
    }
    let exported = j.open.last() == Some(&true);
    j.end(']');
    j.out.push('\n');
    if unrated > 0 {
        warnings.push(Warning::Unrated { count: unrated });
    }
    if !exported {
        warnings.push(Warning::NothingRated);
    }
    (j.out.into_bytes(), warnings)
}
