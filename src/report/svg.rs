//! A bar chart of acquisition volumes as a standalone SVG: the figures of [`PlotData`], the same colours
//! and conventions as the plots view (stages side by side or stacked, lighter parts for approximate,
//! "at least" and "up to" figures, dashed outlines on ceilings). Text is escaped; no script, no fetch.

use std::fmt::Write as _;

use crate::analysis::plot::{Part, PlotData};
use crate::model::{Stage, group_thousands, short_amount};

/// How to draw the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartOptions {
    pub title: String,
    /// Stages stacked in one bar per group instead of side by side.
    pub stacked: bool,
    /// A logarithmic value axis.
    pub log: bool,
    pub width: f64,
    pub height: f64,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions { title: String::new(), stacked: false, log: false, width: 900.0, height: 480.0 }
    }
}

/// The colour of a stage, as RGB; shared with the plots view so exports look like the screen.
pub fn stage_rgb(stage: Stage) -> [u8; 3] {
    match stage {
        Stage::Planned => [150, 150, 160],
        Stage::Announced => [150, 100, 220],
        Stage::Contracted => [40, 110, 210],
        Stage::Delivering => [0, 150, 140],
        Stage::Delivered => [40, 150, 60],
        Stage::Cancelled => [200, 60, 60],
    }
}

/// How opaque each part is drawn: firm figures solid, ceilings faint.
pub fn part_opacity(part: Part) -> f32 {
    match part {
        Part::Exact => 1.0,
        Part::Approximate => 0.65,
        Part::AtLeast => 0.45,
        Part::UpTo => 0.22,
    }
}

/// Maps values to the axis: identity, or log10 (values below 1 sit on the axis).
pub fn axis_value(value: f64, log: bool) -> f64 {
    if log { value.max(1.0).log10() } else { value }
}

/// Ticks for a value axis from 0 to `max`: "nice" steps, or decades on a log axis.
pub fn ticks(max: f64, log: bool) -> Vec<f64> {
    if max <= 0.0 {
        return vec![0.0];
    }
    if log {
        let top = max.max(1.0).log10().ceil() as i32;
        return (0..=top).map(|exponent| 10f64.powi(exponent)).collect();
    }
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(magnitude * 10.0);
    (0..).map(|i| i as f64 * step).take_while(|v| *v <= max + step * 0.999).collect()
}

/// A value as an axis or hover label: "1,200", "5.5 bn".
pub fn format_value(value: f64) -> String {
    if value.abs() >= 1e6 {
        short_amount(value)
    } else {
        group_thousands(value, if value.fract() == 0.0 { 0 } else { 1 })
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The chart as an SVG document.
pub fn bar_chart_svg(data: &PlotData, options: &ChartOptions) -> String {
    let (width, height) = (options.width, options.height);
    let (left, right, top, bottom) = (80.0, 170.0, 44.0, 90.0);
    let plot_width = (width - left - right).max(10.0);
    let plot_height = (height - top - bottom).max(10.0);
    let stacked_max =
        (0..data.groups.len()).map(|g| data.series.iter().map(|s| s.height(g)).sum::<f64>()).fold(0.0, f64::max);
    let max = if options.stacked { stacked_max } else { data.max_height() };
    let tick_values = ticks(max, options.log);
    let top_value = axis_value(tick_values.last().copied().unwrap_or(1.0).max(max), options.log).max(1e-9);
    let y_of = |value: f64| top + plot_height - axis_value(value, options.log) / top_value * plot_height;

    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img" aria-label="{}">"#,
        escape(&options.title)
    );
    let _ = write!(svg, r#"<rect width="{width}" height="{height}" fill="white"/>"#);
    let _ =
        write!(svg, r#"<text x="{left}" y="24" font-size="15" font-weight="bold">{}</text>"#, escape(&options.title));
    // Value axis with grid lines.
    for value in &tick_values {
        let y = y_of(*value);
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            left + plot_width,
            left - 6.0,
            y + 4.0,
            escape(&format_value(*value))
        );
    }
    let axis_label = format!("{}{}", data.measure.axis_label(), if options.log { " (log scale)" } else { "" });
    let _ = write!(
        svg,
        r#"<text transform="translate(18 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        top + plot_height / 2.0,
        escape(&axis_label)
    );
    let groups = data.groups.len().max(1) as f64;
    let band = plot_width / groups;
    let stages = data.series.len().max(1) as f64;
    for (group, name) in data.groups.iter().enumerate() {
        let band_left = left + group as f64 * band;
        let mut stack_base = 0.0;
        for (index, series) in data.series.iter().enumerate() {
            let (x, bar_width) = if options.stacked {
                (band_left + band * 0.2, band * 0.6)
            } else {
                let bar_width = band * 0.8 / stages;
                (band_left + band * 0.1 + index as f64 * bar_width, bar_width)
            };
            let mut base = if options.stacked { stack_base } else { 0.0 };
            let [r, g, b] = stage_rgb(series.stage);
            for (part_index, part) in Part::ALL.into_iter().enumerate() {
                let value = series.parts[part_index].get(group).copied().unwrap_or(0.0);
                if value <= 0.0 {
                    continue;
                }
                let (y_top, y_bottom) = (y_of(base + value), y_of(base));
                let dash = if part == Part::UpTo { r#" stroke-dasharray="4 2""# } else { "" };
                let _ = write!(
                    svg,
                    r#"<rect x="{x:.1}" y="{y_top:.1}" width="{:.1}" height="{:.1}" fill="rgb({r},{g},{b})" fill-opacity="{}" stroke="rgb({r},{g},{b})"{dash}><title>{}</title></rect>"#,
                    bar_width.max(1.0),
                    (y_bottom - y_top).max(0.5),
                    part_opacity(part),
                    escape(&format!("{name} · {} · {}: {}", series.stage.label(), part.label(), format_value(value)))
                );
                base += value;
            }
            stack_base = base;
        }
        let x = band_left + band / 2.0;
        let y = top + plot_height + 14.0;
        let _ = write!(
            svg,
            r#"<text transform="translate({x:.1} {y:.1}) rotate(30)" text-anchor="start">{}</text>"#,
            escape(&truncate(name, 28))
        );
    }
    let _ = write!(
        svg,
        r#"<line x1="{left}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="black"/>"#,
        left + plot_width,
        top + plot_height,
        top + plot_height
    );
    // Legend: stages, then what the shades mean.
    let legend_x = left + plot_width + 16.0;
    let mut y = top + 8.0;
    for series in &data.series {
        let [r, g, b] = stage_rgb(series.stage);
        let _ = write!(
            svg,
            r#"<rect x="{legend_x}" y="{:.1}" width="12" height="12" fill="rgb({r},{g},{b})"/><text x="{}" y="{:.1}">{}</text>"#,
            y - 10.0,
            legend_x + 18.0,
            y,
            escape(series.stage.label())
        );
        y += 18.0;
    }
    y += 8.0;
    for part in Part::ALL {
        let _ = write!(
            svg,
            r#"<rect x="{legend_x}" y="{:.1}" width="12" height="12" fill="rgb(80,80,80)" fill-opacity="{}" stroke="rgb(80,80,80)"/><text x="{}" y="{:.1}">{}</text>"#,
            y - 10.0,
            part_opacity(part),
            legend_x + 18.0,
            y,
            escape(part.label())
        );
        y += 18.0;
    }
    let note = if options.stacked {
        "Stacked stages are drawn together, not added: each stage is its own figure."
    } else {
        "Stages side by side; never added together."
    };
    let _ = write!(
        svg,
        r##"<text x="{left}" y="{:.1}" font-size="11" fill="#555">{}</text>"##,
        height - 10.0,
        escape(note)
    );
    svg.push_str("</svg>\n");
    svg
}

fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(limit - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::plot::{Measure, plot_data};
    use crate::analysis::volumes::{GroupBy, volumes};
    use crate::io::default_dataset;

    #[test]
    fn the_chart_is_well_formed_and_escapes_text() {
        let dataset = default_dataset();
        let data = plot_data(&volumes(&dataset, None, GroupBy::System), &Measure::Units("missile".into()));
        let options = ChartOptions { title: "<script>alert(1)</script> & co".into(), ..ChartOptions::default() };
        let svg = bar_chart_svg(&data, &options);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(svg.contains("Patriot GEM-T missile · contracted · exact: 700"));
        assert!(svg.contains("Stinger anti-aircraft missile · contracted · approx.: 440"));
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(ticks(850.0, false), [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]);
        assert_eq!(ticks(220_000.0, true), [1.0, 10.0, 100.0, 1_000.0, 10_000.0, 100_000.0, 1_000_000.0]);
        assert_eq!(ticks(0.0, false), [0.0]);
    }
}
