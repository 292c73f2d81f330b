//! Times for people: a Unix time as a UTC date, a span as "19 min 40 s", and when something
//! matures relative to the root chain's clock (which on a test chain can be far from ours).

/// `unix` seconds as `2026-12-07 12:40:00 UTC`.
pub fn utc(unix: u64) -> String {
    let (days, rest) = (unix / 86_400, unix % 86_400);
    let (year, month, day) = civil_date(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01: the year is split into 400-year
/// eras of 146,097 days, and each year is counted from March so leap days come last.
fn civil_date(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468; // days from 0000-03-01
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// A span in its two largest units: `40 s`, `19 min 40 s`, `2 h 5 min`, `3 d 4 h`.
pub fn span(seconds: u64) -> String {
    let units = [(86_400, "d"), (3600, "h"), (60, "min"), (1, "s")];
    let Some(first) = units.iter().position(|(size, _)| seconds >= *size) else {
        return "0 s".into();
    };
    let (size, name) = units[first];
    let mut text = format!("{} {name}", seconds / size);
    if let Some(&(next, next_name)) = units.get(first + 1) {
        let rest = seconds % size / next;
        if rest > 0 {
            text += &format!(" {rest} {next_name}");
        }
    }
    text
}

/// When `at` comes by the root chain's clock, which reads `l1_now`:
/// `at 2026-12-07 12:40:00 UTC by the L1 clock, in 19 min 40 s`, or `… 5 s ago`.
pub fn by_l1_clock(at: u64, l1_now: u64) -> String {
    if at > l1_now {
        format!("at {} by the L1 clock, in {}", utc(at), span(at - l1_now))
    } else {
        format!("at {} by the L1 clock, {} ago", utc(at), span(l1_now - at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_spans_read_as_people_write_them() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_796_564_050), "2026-12-06 13:34:10 UTC");
        assert_eq!(utc(4_107_542_399), "2100-02-28 23:59:59 UTC");
        assert_eq!(span(0), "0 s");
        assert_eq!(span(40), "40 s");
        assert_eq!(span(1180), "19 min 40 s");
        assert_eq!(span(1200), "20 min");
        assert_eq!(span(7500), "2 h 5 min");
        assert_eq!(span(3 * 86_400 + 4 * 3600 + 59), "3 d 4 h");
        assert_eq!(
            by_l1_clock(1200, 20),
            "at 1970-01-01 00:20:00 UTC by the L1 clock, in 19 min 40 s"
        );
        assert_eq!(by_l1_clock(20, 25), "at 1970-01-01 00:00:20 UTC by the L1 clock, 5 s ago");
    }
}
