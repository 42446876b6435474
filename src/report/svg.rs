//! A bar chart of acquisition volumes as a standalone SVG: the figures of [`PlotData`], the same colours
//! and conventions as the plots view (stages side by side or stacked, lighter parts for approximate,
//! "at least" and "up to" figures, dashed outlines on ceilings). Text is escaped; no script, no fetch.

use std::fmt::Write as _;

use crate::analysis::plot::{Part, PlotData};
use crate::analysis::timeline::{
    POINT_RADIUS, Scale, Stack, Timeline, item_label, label_width_on_paper, shown_label, stack, ticks as timeline_ticks,
};
use crate::analysis::truncate;
use crate::model::Dataset;
use crate::model::{group_thousands, short_amount};
use crate::palette::stage_rgb;

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

/// The rows a lane of the SVG timeline may have; past them, records are counted, not drawn.
const SVG_MAX_ROWS: usize = 40;
/// A row of a lane, and the room above and below a lane's rows.
const SVG_ROW: f64 = 18.0;
const SVG_LANE_PAD: f64 = 6.0;

/// The timeline between the days `range` as a standalone SVG: lanes, calendar ticks, summits across all
/// lanes, records as points or bars (fuzzy ends lighter, `?` marked) stacked into rows as in the app, so
/// that nothing is drawn over anything and every record has its label where there is room.
pub fn timeline_svg(dataset: &Dataset, timeline: &Timeline, range: (f64, f64), title: &str, width: f64) -> String {
    let (left, top) = (210.0, 64.0);
    let plot_width = (width - left - 10.0).max(10.0);
    let scale = Scale { range, left: left as f32, width: plot_width as f32 };
    let x_of = |day: f64| f64::from(scale.x(day));
    let right = left + plot_width;
    let text_width = |text: &str| f64::from(label_width_on_paper(text));
    // A summit's name that would run past the right edge ends there instead.
    let fit = |x: f64, text: &str| x.min(right - text_width(text) - 2.0).max(left);
    // Labels are made for the records in view only.
    let mut labels: std::collections::HashMap<usize, String> = std::collections::HashMap::new();
    let stacks: Vec<Stack> = timeline
        .lanes
        .iter()
        .map(|lane| {
            stack(timeline, &lane.items, &scale, SVG_MAX_ROWS, &mut |item| {
                let label = labels.entry(item).or_insert_with(|| item_label(dataset, &timeline.items[item]));
                label_width_on_paper(&shown_label(label))
            })
        })
        .collect();
    let lane_heights: Vec<f64> = timeline
        .lanes
        .iter()
        .zip(&stacks)
        .map(|(lane, stack)| {
            let title_lines = wrap(&lane.title, 32).len() as f64;
            let rows = stack.rows.max(1) as f64 + if stack.crowded > 0 { 1.0 } else { 0.0 };
            (rows * SVG_ROW).max(title_lines * 14.0) + 2.0 * SVG_LANE_PAD
        })
        .collect();
    let height = top + lane_heights.iter().sum::<f64>() + 10.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11" role="img" aria-label="{}">"#,
        escape(title)
    );
    let _ = write!(svg, r#"<rect width="{width}" height="{height}" fill="white"/>"#);
    let _ = write!(svg, r#"<text x="8" y="20" font-size="15" font-weight="bold">{}</text>"#, escape(title));
    let _ = write!(
        svg,
        r#"<clipPath id="plot"><rect x="{left}" y="0" width="{plot_width}" height="{height}"/></clipPath>"#
    );
    for tick in timeline_ticks(range.0, range.1, plot_width as f32) {
        let x = x_of(tick.day);
        let stroke = if tick.major { "#bbb" } else { "#e3e3e3" };
        let _ =
            write!(svg, r#"<line x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{height}" stroke="{stroke}"/>"#, top - 14.0);
        // A label starts at its line; the last one is left out when it would run past the edge.
        if x + 3.0 + text_width(&tick.label) <= width {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" fill="#555">{}</text>"##,
                x + 3.0,
                top - 16.0,
                escape(&tick.label)
            );
        }
    }
    let _ = write!(svg, r#"<g clip-path="url(#plot)">"#);
    for summit in &timeline.summits {
        let (x0, x1) = (x_of(summit.extent.start), x_of(summit.extent.end));
        let _ = write!(
            svg,
            // The summit's name on its own line, above the calendar's labels.
            r#"<rect x="{x0:.1}" y="24" width="{:.1}" height="{:.1}" fill="rgb(230,170,60)" fill-opacity="0.2"/><text x="{:.1}" y="34" fill="rgb(150,95,10)">{}</text>"#,
            (x1 - x0).max(2.0),
            height - 24.0,
            fit(x0 + 2.0, &summit.title),
            escape(&summit.title)
        );
    }
    let _ = write!(svg, "</g>");
    let mut y = top;
    for (lane_index, (lane, stack)) in timeline.lanes.iter().zip(&stacks).enumerate() {
        let lane_height = lane_heights[lane_index];
        if lane_index % 2 == 1 {
            let _ = write!(svg, r##"<rect x="0" y="{y:.1}" width="{width}" height="{lane_height}" fill="#f4f4f4"/>"##);
        }
        for (line, text) in wrap(&lane.title, 32).iter().enumerate() {
            let _ = write!(
                svg,
                r#"<text x="6" y="{:.1}">{}</text>"#,
                y + SVG_LANE_PAD + 11.0 + line as f64 * 14.0,
                escape(text)
            );
        }
        let [r, g, b] = lane.kind.rgb(false);
        let color = format!("rgb({r},{g},{b})");
        let _ = write!(svg, r#"<g clip-path="url(#plot)">"#);
        for slot in &stack.slots {
            let extent = timeline.items[slot.item].extent;
            let bar_y = y + SVG_LANE_PAD + slot.row as f64 * SVG_ROW + 2.0;
            let (x0, x1) = (f64::from(slot.x0), f64::from(slot.x1));
            let opacity = if extent.fuzzy_start || extent.fuzzy_end { 0.55 } else { 0.9 };
            let label = labels.get(&slot.item).map_or("", String::as_str);
            let tooltip = escape(label);
            if extent.point {
                let _ = write!(
                    svg,
                    r#"<circle cx="{x0:.1}" cy="{:.1}" r="{POINT_RADIUS}" fill="{color}" fill-opacity="{opacity}"><title>{tooltip}</title></circle>"#,
                    bar_y + 6.0
                );
            } else {
                let dash = if extent.open_end { r#" stroke-dasharray="3 2""# } else { "" };
                let _ = write!(
                    svg,
                    r#"<rect x="{x0:.1}" y="{bar_y:.1}" width="{:.1}" height="12" rx="2" fill="{color}" fill-opacity="{opacity}" stroke="{color}"{dash}><title>{tooltip}</title></rect>"#,
                    x1 - x0
                );
            }
            let mark_x = if extent.point { x0 + f64::from(POINT_RADIUS) + 1.0 } else { x1 + 2.0 };
            if mark_x + 8.0 > right {
                // The bar runs on past the figure: its mark would be cut.
            } else if extent.uncertain {
                let _ = write!(svg, r#"<text x="{mark_x:.1}" y="{:.1}" fill="{color}">?</text>"#, bar_y + 10.0);
            } else if extent.open_end {
                let _ = write!(svg, r#"<text x="{mark_x:.1}" y="{:.1}" fill="{color}">…</text>"#, bar_y + 10.0);
            }
            if let Some(x) = slot.label {
                let fill = if slot.inside { "white" } else { "#222" };
                // A label with less room than it needs is cut to it.
                let room = ((slot.label_width + 0.5) / 6.2).floor() as usize;
                let shown = escape(&truncate(&shown_label(label), room));
                let _ = write!(svg, r#"<text x="{x:.1}" y="{:.1}" fill="{fill}">{shown}</text>"#, bar_y + 10.0);
            }
        }
        if stack.crowded > 0 {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" fill="#555">{} more records here: too many to draw one by one</text>"##,
                left + 4.0,
                y + lane_height - SVG_LANE_PAD - 4.0,
                stack.crowded
            );
        }
        let _ = write!(svg, "</g>");
        y += lane_height;
    }
    svg.push_str("</svg>\n");
    svg
}

/// The text in lines of at most `width` characters, broken between words.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
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
    fn the_timeline_svg_shows_both_summits_and_escapes_text() {
        let dataset = default_dataset();
        let timeline = crate::analysis::timeline::layout(&dataset, &Default::default(), Default::default());
        let svg =
            timeline_svg(&dataset, &timeline, crate::analysis::timeline::vilnius_to_washington(), "A & <b>", 1200.0);
        assert!(svg.contains("NATO Vilnius Summit") && svg.contains("NATO Washington Summit (75th anniversary)"));
        assert!(svg.contains("A &amp; &lt;b&gt;") && !svg.contains("<b>"));
        assert!(svg.contains("Jan 2024"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn every_record_of_the_report_timeline_has_its_label() {
        let dataset = default_dataset();
        let timeline = crate::analysis::timeline::layout(&dataset, &Default::default(), Default::default());
        // The HTML report's figure and the PDF's.
        for width in [crate::report::SCREEN_FIGURE_WIDTH, crate::report::pdf::FIGURE_WIDTH] {
            let svg = timeline_svg(&dataset, &timeline, crate::analysis::timeline::vilnius_to_washington(), "T", width);
            let records = svg.matches("<title>").count();
            let labels = svg.matches(r#"fill="white">"#).count() + svg.matches(r##"fill="#222">"##).count();
            assert!(records > 30, "{records} records drawn at {width}");
            assert_eq!(labels, records, "every record drawn has its label at {width}");
        }
    }

    #[test]
    fn timeline_labels_end_inside_the_figure() {
        let dataset = default_dataset();
        let timeline = crate::analysis::timeline::layout(&dataset, &Default::default(), Default::default());
        for width in [720.0, 1100.0] {
            let svg = timeline_svg(&dataset, &timeline, crate::analysis::timeline::vilnius_to_washington(), "T", width);
            for text in svg.split("<text x=\"").skip(1) {
                let x: f64 = text.split('"').next().unwrap().parse().unwrap();
                let content = text.split_once('>').unwrap().1.split("</text>").next().unwrap();
                let decoded = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .fold(content.to_owned(), |text, entity| text.replace(entity, "&"));
                let chars = decoded.chars().count();
                assert!(x + chars as f64 * 6.2 <= width + 1.0, "{content:?} at x {x} runs past {width}");
            }
        }
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(ticks(850.0, false), [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]);
        assert_eq!(ticks(220_000.0, true), [1.0, 10.0, 100.0, 1_000.0, 10_000.0, 100_000.0, 1_000_000.0]);
        assert_eq!(ticks(0.0, false), [0.0]);
    }
}
