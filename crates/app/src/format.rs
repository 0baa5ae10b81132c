//! Numbers and dates as the seed page shows them.

/// `38712` -> `38.7K`, `5012` -> `5.0K`, `107634` -> `107.6K`, `1200000` -> `1.2M`, `678` -> `678`.
pub fn compact(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let n = n.unsigned_abs() as f64;
    let (value, unit) = if n >= 1e6 {
        (n / 1e6, "M")
    } else if n >= 1e3 {
        (n / 1e3, "K")
    } else {
        return format!("{sign}{n}");
    };
    format!("{sign}{:.1}{unit}", floor1(value))
}

/// View counts as the seed shows them: `524310` -> `524k`, `950` -> `950`.
pub fn views(n: i64) -> String {
    if n >= 1000 { format!("{}k", n / 1000) } else { n.to_string() }
}

/// Truncates to one decimal, so 38.79K shows as 38.7K (a count never rounds up past itself).
fn floor1(v: f64) -> f64 {
    (v * 10.0 + 1e-9).floor() / 10.0
}

/// `Mar 25, 2020`.
pub fn date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map(|d| d.format("%b %-d, %Y").to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_matches_the_seed() {
        assert_eq!(compact(38_712), "38.7K");
        assert_eq!(compact(5_012), "5.0K");
        assert_eq!(compact(107_634), "107.6K");
        assert_eq!(views(524_310), "524k");
        assert_eq!(compact(85_649), "85.6K");
        assert_eq!(compact(999), "999");
        assert_eq!(compact(1_250_000), "1.2M");
        assert_eq!(compact(0), "0");
    }

    #[test]
    fn date_is_month_day_year() {
        assert_eq!(date(1_590_019_200), "May 21, 2020");
    }
}
