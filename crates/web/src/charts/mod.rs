//! Charts drawn on the server as SVG (no script): each is an image with a text alternative
//! (`role="img"` and an `aria-label` that says what it shows) and its figures in a table for
//! screen readers and for anyone who wants the numbers. `line` draws series over dates.
//! Shared here: escaping, number formats, axis ticks and the palette.

pub(crate) mod line;

/// Series colours, each at least 4.5:1 against the white card (WCAG AA, also for text), in
/// the order series take them; a dash pattern goes with each, so colour is not the only cue.
pub(crate) const PALETTE: [(&str, &str); 4] =
    [("#0b63ce", ""), ("#b03224", "6 4"), ("#18703d", "2 3"), ("#6b3fa0", "10 3 2 3")];

/// Text for an SVG or HTML text node or attribute, escaped as askama escapes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&#38;"),
            '<' => out.push_str("&#60;"),
            '>' => out.push_str("&#62;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) use stackdex_app::format::thousands;

/// Round tick values from 0 to at least `max`: 0, step, 2 step, ... with a step of 1, 2 or 5
/// times a power of ten, about `wanted` of them.
pub(crate) fn ticks(max: i64, wanted: i64) -> Vec<i64> {
    let max = max.max(1);
    let rough = (max as f64 / wanted.max(1) as f64).max(1.0);
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|s| *s >= rough).unwrap_or(rough) as i64;
    let step = step.max(1);
    let top = (max + step - 1) / step * step;
    (0..=top / step).map(|k| k * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(38_712, 4), [0, 10_000, 20_000, 30_000, 40_000]);
        assert_eq!(ticks(3, 4), [0, 1, 2, 3]);
        assert_eq!(ticks(0, 4), [0, 1]);
        assert_eq!(thousands(38_712), "38,712");
        assert_eq!(thousands(-1_000_000), "-1,000,000");
        assert_eq!(escape("<a href=\"x\">&'"), "&#60;a href=&#34;x&#34;&#62;&#38;&#39;");
    }
}
