//! Time as a dependency: the core never reads the system clock itself, so tests and benches can
//! pin the time and get byte-identical output.

use time::OffsetDateTime;

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// The real clock, in UTC.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that always says the same instant (tests, benches, reproducible demos).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// RFC 3339 timestamp with whole seconds in UTC, the form stored in the database and in
/// credentials (`2026-11-26T09:30:00Z`).
pub fn rfc3339(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn rfc3339_is_utc_whole_seconds() {
        let at = datetime!(2026-03-05 08:04:09.123 +02:00);
        assert_eq!(rfc3339(at), "2026-03-05T06:04:09Z");
        assert_eq!(rfc3339(FixedClock(at).now()), "2026-03-05T06:04:09Z");
    }
}
