//! A line chart of one or more series over the same dates, as a `<figure>`: a legend, the SVG
//! (scaled to its container by its viewBox), and the figures in a table inside `<details>`.

use std::fmt::Write;

use super::{PALETTE, escape, thousands, ticks};

/// One line: a name for the legend and the table, and a value per date.
pub(crate) struct Series {
    pub name: String,
    pub values: Vec<i64>,
}

pub(crate) struct LineChart {
    /// What the chart shows, as a heading would say it ("Stacks using Django").
    pub title: String,
    /// "month", "week" or "day".
    pub by: String,
    /// The label of each point on the x axis and in the table.
    pub dates: Vec<String>,
    pub series: Vec<Series>,
}

// The drawing's own units; the SVG scales to its container.
const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;

impl LineChart {
    /// The text alternative: what, by what interval, over which dates, from what to what
    /// ("Stacks using Django by month, from 2019-01 to 2026-12: 12 to 38,712").
    pub fn description(&self) -> String {
        let (first, last) =
            (self.dates.first().map_or("", String::as_str), self.dates.last().map_or("", String::as_str));
        let span = |s: &Series| {
            format!(
                "{} to {}",
                thousands(s.values.first().copied().unwrap_or(0)),
                thousands(s.values.last().copied().unwrap_or(0))
            )
        };
        let figures = match self.series.as_slice() {
            [one] => span(one),
            many => many.iter().map(|s| format!("{} {}", s.name, span(s))).collect::<Vec<_>>().join(", "),
        };
        format!("{} by {}, from {first} to {last}: {figures}", self.title, self.by)
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let label = escape(&self.description());
        let _ = write!(out, r#"<figure class="chart"><figcaption>{}</figcaption>"#, escape(&self.title));
        if self.series.len() > 1 {
            out.push_str(r#"<ul class="chart-legend">"#);
            for (k, s) in self.series.iter().enumerate() {
                let (colour, dash) = PALETTE[k % PALETTE.len()];
                let _ = write!(
                    out,
                    r#"<li><svg class="swatch" viewBox="0 0 24 8" width="24" height="8" aria-hidden="true"><line x1="0" y1="4" x2="24" y2="4" stroke="{colour}" stroke-width="3" stroke-dasharray="{dash}"/></svg>{}</li>"#,
                    escape(&s.name)
                );
            }
            out.push_str("</ul>");
        }
        let _ = write!(
            out,
            r#"<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-label="{label}">"#
        );
        self.draw(&mut out);
        out.push_str("</svg>");
        self.table(&mut out);
        out.push_str("</figure>");
        out
    }

    fn draw(&self, out: &mut String) {
        let n = self.dates.len();
        let max = self.series.iter().flat_map(|s| s.values.iter().copied()).max().unwrap_or(0);
        let y_ticks = ticks(max, 4);
        let top_value = *y_ticks.last().unwrap_or(&1) as f64;
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let x = |i: usize| if n <= 1 { LEFT + plot_w / 2.0 } else { LEFT + plot_w * i as f64 / (n - 1) as f64 };
        let y = |v: i64| TOP + plot_h * (1.0 - v.max(0) as f64 / top_value);
        out.push_str(r##"<g class="chart-axis" font-size="12" fill="#56627a">"##);
        for v in &y_ticks {
            let at = y(*v);
            let _ = write!(
                out,
                r##"<line x1="{LEFT}" x2="{}" y1="{at:.1}" y2="{at:.1}" stroke="#e3e8ef"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
                WIDTH - RIGHT,
                LEFT - 6.0,
                at + 4.0,
                short(*v)
            );
        }
        // At most five dates along the bottom, the first and the last among them; on a narrow
        // screen the second and fourth are hidden (app.css), as the labels grow there.
        let shown = if n <= 5 { (0..n).collect::<Vec<_>>() } else { (0..5).map(|k| k * (n - 1) / 4).collect() };
        for (k, i) in shown.into_iter().enumerate() {
            let minor = if k % 2 == 1 { r#" class="minor""# } else { "" };
            let anchor = match i {
                0 if n > 1 => "start",
                i if i + 1 == n && n > 1 => "end",
                _ => "middle",
            };
            let _ = write!(
                out,
                r#"<text{minor} x="{:.1}" y="{}" text-anchor="{anchor}">{}</text>"#,
                x(i),
                HEIGHT - 8.0,
                escape(&self.dates[i])
            );
        }
        out.push_str("</g>");
        for (k, s) in self.series.iter().enumerate() {
            let (colour, dash) = PALETTE[k % PALETTE.len()];
            if n == 1 {
                let _ = write!(out, r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"/>"#, x(0), y(s.values[0]));
                continue;
            }
            let points: Vec<String> =
                s.values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect();
            let _ = write!(
                out,
                r#"<polyline fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round" stroke-dasharray="{dash}" points="{}"/>"#,
                points.join(" ")
            );
        }
    }

    fn table(&self, out: &mut String) {
        let _ = write!(
            out,
            r#"<details class="chart-figures"><summary>The figures as a table</summary><table class="facts"><caption class="visually-hidden">{}</caption><thead><tr><th scope="col">Date</th>"#,
            escape(&format!("{} by {}", self.title, self.by))
        );
        for s in &self.series {
            let _ = write!(out, r#"<th scope="col">{}</th>"#, escape(&s.name));
        }
        out.push_str("</tr></thead><tbody>");
        for (i, date) in self.dates.iter().enumerate() {
            let _ = write!(out, r#"<tr><th scope="row">{}</th>"#, escape(date));
            for s in &self.series {
                let _ = write!(out, "<td>{}</td>", thousands(s.values.get(i).copied().unwrap_or(0)));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></details>");
    }
}

/// An axis label, short enough for the margin at a phone's width: 40,000 as "40k", 1,500 as
/// "1.5k", 2,000,000 as "2M", 800 as "800".
fn short(v: i64) -> String {
    match v {
        v if v >= 1_000_000 && v % 1_000_000 == 0 => format!("{}M", v / 1_000_000),
        v if v >= 1_000_000 => format!("{:.1}M", v as f64 / 1e6),
        v if v >= 1_000 && v % 1_000 == 0 => format!("{}k", v / 1_000),
        v if v >= 1_000 => format!("{:.1}k", v as f64 / 1e3),
        v => thousands(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> LineChart {
        LineChart {
            title: "Stacks using <Django>".into(),
            by: "month".into(),
            dates: vec!["2019-01".into(), "2019-02".into(), "2026-12".into()],
            series: vec![Series { name: "Stacks".into(), values: vec![12, 400, 38_712] }],
        }
    }

    #[test]
    fn a_chart_says_what_it_shows_and_keeps_its_figures_in_a_table() {
        let c = chart();
        assert_eq!(c.description(), "Stacks using <Django> by month, from 2019-01 to 2026-12: 12 to 38,712");
        let html = c.render();
        assert!(html.contains(
            r#"role="img" aria-label="Stacks using &#60;Django&#62; by month, from 2019-01 to 2026-12: 12 to 38,712""#
        ));
        assert!(html.contains(r#"viewBox="0 0 480 220" width="100%""#));
        assert!(html.contains(r#"<tr><th scope="row">2026-12</th><td>38,712</td></tr>"#));
        assert_eq!(html.matches("<polyline").count(), 1);
        assert!(!html.contains("<Django>"));
        assert_eq!(
            [short(40_000), short(1_500), short(5_000), short(800), short(2_000_000)],
            ["40k", "1.5k", "5k", "800", "2M"]
        );
    }

    #[test]
    fn several_series_have_a_legend_and_a_column_each() {
        let mut c = chart();
        c.title = "Stacks".into();
        c.series = vec![
            Series { name: "Django".into(), values: vec![1, 2, 3] },
            Series { name: "Rust".into(), values: vec![0, 1, 5] },
        ];
        let html = c.render();
        assert_eq!(c.description(), "Stacks by month, from 2019-01 to 2026-12: Django 1 to 3, Rust 0 to 5");
        assert!(html.contains(r#"<ul class="chart-legend">"#));
        assert_eq!(html.matches("<polyline").count(), 2);
        assert!(html.contains(r#"<th scope="col">Django</th><th scope="col">Rust</th>"#));
    }
}
