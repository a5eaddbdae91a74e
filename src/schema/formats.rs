//! Formats: the contract asserts email, uri, uri-reference, date, time, date-time,
//! duration, uuid, ipv4, ipv6, hostname, regex and json-pointer in every draft. jsonschema
//! knows all of them for 2020-12; for draft-07 it lacks `duration` and `uuid` (they came
//! in 2019-09), so those two are registered here for every draft.

use jsonschema::ValidationOptions;

/// The formats the contract names, in the order it names them.
pub const CONTRACT_FORMATS: &[&str] = &[
    "email",
    "uri",
    "uri-reference",
    "date",
    "time",
    "date-time",
    "duration",
    "uuid",
    "ipv4",
    "ipv6",
    "hostname",
    "regex",
    "json-pointer",
];

/// Adds the format checks the engine lacks in older drafts.
pub fn register(options: ValidationOptions<'static>) -> ValidationOptions<'static> {
    options
        .with_format("uuid", is_uuid)
        .with_format("duration", is_duration)
}

/// RFC 4122 textual form: 8-4-4-4-12 hex digits.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// RFC 3339 appendix A duration: `P` then date parts and/or `T` time parts, or weeks alone.
pub fn is_duration(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('P') else {
        return false;
    };
    if rest.is_empty() {
        return false;
    }
    if let Some(weeks) = rest.strip_suffix('W') {
        return !weeks.is_empty() && weeks.bytes().all(|c| c.is_ascii_digit());
    }
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return false;
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    units_in_order(date, b"YMD") && time.is_none_or(|t| units_in_order(t, b"HMS"))
}

/// `digits unit digits unit ...` with units a subsequence of `order`, each used once. The
/// date part must list consecutive units (Y-M-D, M-D, Y-M, …) as RFC 3339 requires.
fn units_in_order(part: &str, order: &[u8]) -> bool {
    let bytes = part.as_bytes();
    let mut seen: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i == bytes.len() {
            return false;
        }
        let Some(pos) = order.iter().position(|u| *u == bytes[i]) else {
            return false;
        };
        if seen.last().is_some_and(|last| pos != last + 1) {
            return false;
        }
        seen.push(pos);
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid() {
        assert!(is_uuid("2eb8aa08-aa98-11ea-b4aa-73b441d16380"));
        assert!(!is_uuid("2eb8aa08-aa98-11ea-b4aa-73b441d1638"));
        assert!(!is_uuid("2eb8aa08aa9811eab4aa73b441d16380xxxx"));
    }

    #[test]
    fn duration() {
        for ok in ["P4DT12H30M5S", "P1Y", "PT1M", "P2W", "P1Y2M", "PT36H"] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in ["P", "PT", "P1", "1Y", "P1D2Y", "P1Y2D", "P1W1D", "PT1D"] {
            assert!(!is_duration(bad), "{bad}");
        }
    }
}
