//! Links a user types: sources of a claim, Wikidata ids.

use super::FactError;

/// Why a link was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlProblem {
    /// Another scheme than http or https (`javascript:`, `data:`, `ftp:`…).
    NotHttp {
        /// The scheme found, lower case, without the colon.
        scheme: String,
    },
    /// No scheme at all: `www.example.org/a`, `/a`, `a.html`.
    Relative,
    /// `https://` with nothing after it, or `https:example.org`.
    NoHost,
    /// A user name or password before the host (`https://bank.com@evil.example`).
    Credentials,
    /// A port that is not a number from 1 to 65535.
    BadPort,
    /// A host with characters a host name cannot have.
    BadHost,
    /// A control character or a bidirectional override inside the link.
    Control {
        /// Its code point.
        code: u32,
    },
}

impl std::fmt::Display for UrlProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlProblem::NotHttp { scheme } => write!(
                f,
                "only http:// and https:// links are accepted, this is a {scheme}: link"
            ),
            UrlProblem::Relative => {
                f.write_str("this is not a full link: it must start with http:// or https://")
            }
            UrlProblem::NoHost => f.write_str("the link has no site name after http(s)://"),
            UrlProblem::Credentials => {
                f.write_str("links with a user name or password before the site are refused")
            }
            UrlProblem::BadPort => f.write_str("the port after the site name is not valid"),
            UrlProblem::BadHost => {
                f.write_str("the site name has characters a site name cannot have")
            }
            UrlProblem::Control { code } => write!(
                f,
                "the link contains an invisible control character (U+{code:04X})"
            ),
        }
    }
}

fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Checks that `s` is an absolute `http://` or `https://` link with a
/// host: no other scheme, no relative link, no credentials, no control
/// character or bidirectional override, no white space. The scheme is
/// matched without regard to case. This is a gate for links shown to
/// people, not a full URL parser: anything after the host (path, query,
/// fragment) is accepted as typed, the app renders it as an attribute
/// value (escaped), never as markup.
pub fn check_http_url(s: &str) -> Result<(), UrlProblem> {
    if let Some(c) = s.chars().find(|&c| is_control(c)) {
        return Err(UrlProblem::Control { code: c as u32 });
    }
    let Some(colon) = s.find(':') else {
        return Err(UrlProblem::Relative);
    };
    let scheme = &s[..colon];
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        // "/a:b", "a b:c", "é:x": no scheme, a relative reference.
        return Err(UrlProblem::Relative);
    }
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(UrlProblem::NotHttp { scheme });
    }
    let Some(rest) = s[colon + 1..].strip_prefix("//") else {
        return Err(UrlProblem::NoHost);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    if authority.contains('@') {
        return Err(UrlProblem::Credentials);
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some(close) = v6.find(']') else {
            return Err(UrlProblem::BadHost);
        };
        let host = &v6[..close];
        if host.is_empty()
            || !host
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err(UrlProblem::BadHost);
        }
        let after = &v6[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err(UrlProblem::BadHost),
        };
        (host, port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(UrlProblem::NoHost);
    }
    let bracketed = authority.starts_with('[');
    if !bracketed
        && !host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '%'))
    {
        return Err(UrlProblem::BadHost);
    }
    if let Some(p) = port {
        // An empty port ("https://a.org:/x") is allowed by RFC 3986.
        let valid = p.len() <= 5
            && p.chars().all(|c| c.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
        if !p.is_empty() && !valid {
            return Err(UrlProblem::BadPort);
        }
    }
    Ok(())
}

/// The sources of a claim, typed as links separated by white space (any
/// kind, NBSP included). Each must pass [`check_http_url`]. Duplicates are
/// dropped (first kept), order is kept. An empty input is no sources.
///
/// The error names the first offending item and its place (1-based).
pub fn validate_sources(input: &str) -> Result<Vec<String>, FactError> {
    let mut out: Vec<String> = Vec::new();
    for (i, item) in input.split_whitespace().enumerate() {
        check_http_url(item).map_err(|problem| FactError::Source {
            position: i + 1,
            item: item.to_owned(),
            problem,
        })?;
        if !out.iter().any(|s| s == item) {
            out.push(item.to_owned());
        }
    }
    Ok(out)
}

/// A Wikidata item id: `Q` then digits without a leading zero (`Q42`).
/// Accepted as typed: surrounding spaces, a lower-case `q`, or a link to
/// the item on wikidata.org (`https://www.wikidata.org/wiki/Q42`,
/// `…/entity/Q42`, `…/wiki/Special:EntityPage/Q42`, `m.wikidata.org`,
/// with or without `https://`, with a `#…` or `?…` tail). Returns the
/// canonical id (`"Q42"`). Nothing is looked up: the id is checked for
/// shape only. Properties (`P31`) and lexemes (`L1`) are refused: a
/// speaker is an item.
pub fn validate_wikidata(s: &str) -> Result<String, FactError> {
    let err = || FactError::Wikidata {
        input: s.to_owned(),
    };
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let id = if lower.contains("wikidata.org") {
        let without_scheme = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .unwrap_or(&lower);
        let (host, path) = without_scheme.split_once('/').ok_or_else(err)?;
        if !matches!(host, "wikidata.org" | "www.wikidata.org" | "m.wikidata.org") {
            return Err(err());
        }
        let path = path.split(['#', '?']).next().unwrap_or("");
        let id = path
            .strip_prefix("wiki/special:entitypage/")
            .or_else(|| path.strip_prefix("wiki/"))
            .or_else(|| path.strip_prefix("entity/"))
            .ok_or_else(err)?;
        id.to_owned()
    } else {
        lower
    };
    let digits = id.strip_prefix('q').ok_or_else(err)?;
    let ok = !digits.is_empty()
        && digits.len() <= 12
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    if ok {
        Ok(format!("Q{digits}"))
    } else {
        Err(err())
    }
}

/// The optional Wikidata field of the entities panel: empty (after
/// trimming) is `None`, anything else must pass [`validate_wikidata`].
pub fn parse_wikidata_field(s: &str) -> Result<Option<String>, FactError> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        validate_wikidata(s).map(Some)
    }
}

/// The page of a Wikidata item, for `sameAs` and links:
/// `https://www.wikidata.org/wiki/Q42`.
pub fn wikidata_url(id: &str) -> String {
    format!("https://www.wikidata.org/wiki/{id}")
}
