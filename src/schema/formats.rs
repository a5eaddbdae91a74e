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

/// A fast, strict subset of the `email` format: a dot-atom local part of common characters
/// and a host name of letter-digit-hyphen labels ending in a letters-only label. Everything
/// it accepts the engine's full check accepts too (a test fuzzes this); what it refuses goes
/// to the full check, so it only ever saves time.
pub fn is_plain_email(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(at) = b.iter().position(|c| *c == b'@') else {
        return false;
    };
    let (local, domain) = (&b[..at], &b[at + 1..]);
    if local.is_empty() || local.len() > 64 || domain.len() < 3 || domain.len() > 253 {
        return false;
    }
    if local[0] == b'.' || local[local.len() - 1] == b'.' || local.windows(2).any(|w| w == b"..") {
        return false;
    }
    let local_ok = local
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'+' | b'-'));
    if !local_ok {
        return false;
    }
    let mut labels = 0;
    let mut last: &[u8] = &[];
    for label in domain.split(|c| *c == b'.') {
        labels += 1;
        let ok = !label.is_empty()
            && label.len() <= 63
            && label[0] != b'-'
            && label[label.len() - 1] != b'-'
            && !label.windows(2).any(|w| w == b"--")
            && label
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'-');
        if !ok {
            return false;
        }
        last = label;
    }
    labels >= 2 && last.len() >= 2 && last.iter().all(u8::is_ascii_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_email_is_a_subset_of_the_full_check() {
        let full = jsonschema::options()
            .should_validate_formats(true)
            .build(&serde_json::json!({"format": "email"}))
            .unwrap();
        // Deterministic fuzz: `local@domain` from alphabets that hit every rule.
        let local_chars = b"ab9.-_+\"!Z";
        let domain_chars = b"aZ9-.x_";
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut accepted = 0;
        for _ in 0..100_000 {
            let mut s = String::new();
            for _ in 0..1 + next(6) {
                s.push(local_chars[next(local_chars.len())] as char);
            }
            s.push('@');
            for _ in 0..2 + next(8) {
                s.push(domain_chars[next(domain_chars.len())] as char);
            }
            if is_plain_email(&s) {
                accepted += 1;
                assert!(full.is_valid(&serde_json::Value::String(s.clone())), "{s}");
            }
        }
        assert!(
            accepted > 100,
            "the fuzz must exercise acceptance ({accepted})"
        );
        for ok in [
            "john.doe@example.com",
            "a+b@mail.example.org",
            "x_y-z@a-b.io",
        ] {
            assert!(is_plain_email(ok), "{ok}");
            assert!(full.is_valid(&serde_json::json!(ok)));
        }
        for bad in [
            "john.doe@@example",
            "a..b@x.com",
            "a@b",
            "a@-b.com",
            "a@b.c0m",
            "a@xn--zz.com",
        ] {
            assert!(!is_plain_email(bad), "{bad}");
        }
    }

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
