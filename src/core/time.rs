//! Timestamps: milliseconds since the Unix epoch, UTC, written as RFC 3339
//! with exactly three fractional digits and a `Z` (`2013-11-29T10:00:00.000Z`).
//!
//! One canonical written form makes export → parse → export byte-identical.
//! The core never reads a clock: the shell passes `now` in.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

/// A point in time, millisecond precision, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub fn from_millis(ms: i64) -> Self {
        Timestamp(ms)
    }

    /// `ms` as a timestamp, if it can be written as RFC 3339 (years 0000
    /// to 9999), like every timestamp [`Timestamp::parse`] accepts.
    pub fn checked(ms: i64) -> Option<Self> {
        let t = Timestamp(ms);
        t.to_datetime()?;
        Some(t)
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Parse any RFC 3339 date-time; offsets are converted to UTC and
    /// precision below the millisecond is dropped. `None` if it is not
    /// RFC 3339 or outside years 0000–9999.
    pub fn parse(s: &str) -> Option<Self> {
        let t = OffsetDateTime::parse(s, &Rfc3339).ok()?;
        let ms = t.unix_timestamp_nanos().div_euclid(1_000_000);
        let ms = i64::try_from(ms).ok()?;
        let ts = Timestamp(ms);
        // Only accept what we can write back.
        ts.to_datetime()?;
        Some(ts)
    }

    fn to_datetime(self) -> Option<OffsetDateTime> {
        let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000).ok()?;
        (0..=9999).contains(&t.year()).then_some(t)
    }

    /// The canonical RFC 3339 form, e.g. `2013-11-29T10:00:00.000Z`.
    /// Out-of-range values (never produced by [`Timestamp::parse`]) are
    /// clamped to the epoch rather than panicking.
    pub fn to_rfc3339(self) -> String {
        let fmt = format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        );
        self.to_datetime()
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
            .format(&fmt)
            .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_owned())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{s:?} is not an RFC 3339 date such as 2013-11-29T10:00:00.000Z"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_round_trips() {
        let t = Timestamp::parse("2013-11-29T10:00:00.123Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2013-11-29T10:00:00.123Z");
        assert_eq!(Timestamp::parse(&t.to_rfc3339()), Some(t));
    }

    #[test]
    fn offsets_are_normalised_to_utc_and_nanos_truncated() {
        let t = Timestamp::parse("2013-11-29T11:00:00.123456789+01:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2013-11-29T10:00:00.123Z");
    }

    #[test]
    fn garbage_is_refused() {
        for s in ["", "yesterday", "2013-13-01T00:00:00Z", "2013-11-29"] {
            assert_eq!(Timestamp::parse(s), None, "{s}");
        }
    }

    #[test]
    fn out_of_range_does_not_panic() {
        assert_eq!(Timestamp(i64::MAX).to_rfc3339(), "1970-01-01T00:00:00.000Z");
        assert_eq!(Timestamp(i64::MIN).to_rfc3339(), "1970-01-01T00:00:00.000Z");
    }
}
