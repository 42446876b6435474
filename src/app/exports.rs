//! Exports of what is on screen (the plot, the timeline) and reports, each to a file the user chose.

use std::path::PathBuf;

use super::PledgeApp;

impl PledgeApp {
    /// Writes the plot on screen: SVG from its figures, PNG from the pixels of its area.
    pub(super) fn export_plot(&mut self, path: PathBuf, png: bool, ctx: &egui::Context) {
        let title = format!("{} · {}", self.document.display_name(), self.filter.describe());
        if !png {
            let Some(data) = self.plots.data() else {
                self.notifications.error("There is no plot to export: no acquisition has a figure in this measure");
                return;
            };
            let svg = crate::report::svg::bar_chart_svg(data, &self.plots.chart_options(&title));
            let written = crate::io::save::save_atomic(&path, |out| out.write_all(svg.as_bytes()));
            match written {
                Ok(()) => self.notifications.info(format!("Exported the plot to {}", path.display())),
                Err(error) => self.notifications.error(error.to_string()),
            }
            return;
        }
        let Some(rect) = self.plots.plot_rect else {
            self.notifications.error("Show the plot before exporting it as PNG");
            return;
        };
        self.tasks.export_png(rect, ctx.pixels_per_point(), path, ctx);
    }

    /// Writes the report chosen in the report dialog, on a worker thread.
    pub(super) fn write_report(&mut self, path: PathBuf, ctx: &egui::Context) {
        let Some(choice) = self.report_choice.clone() else {
            self.notifications.error("Choose what to report first: File > Save Report…");
            return;
        };
        let filter = if choice.use_filter { self.filter.clone() } else { Default::default() };
        let options = crate::report::ReportOptions {
            title: choice.title.clone(),
            filter,
            timeline: choice.timeline,
            charts: choice.charts,
            tables: choice.tables,
            row_limit: choice.row_limit,
            ..crate::report::ReportOptions::new("", Default::default())
        };
        let since = Some(choice.changes_since.trim()).filter(|path| !path.is_empty()).map(PathBuf::from);
        self.tasks.report(self.document.dataset.clone(), options, since, choice.format, path, ctx);
    }

    /// Writes the timeline as shown: SVG from its placement, PNG from the pixels of its area.
    pub(super) fn export_timeline(&mut self, path: PathBuf, png: bool, ctx: &egui::Context) {
        if png {
            match self.timeline.area {
                Some(rect) => self.tasks.export_png(rect, ctx.pixels_per_point(), path, ctx),
                None => self.notifications.error("Show the timeline before exporting it as PNG"),
            }
            return;
        }
        let Some(timeline) = self.timeline.timeline() else {
            self.notifications.error("Show the timeline before exporting it");
            return;
        };
        let title = format!("{} · {}", self.document.display_name(), self.filter.describe());
        let svg =
            crate::report::svg::timeline_svg(&self.document.dataset, timeline, self.timeline.range, &title, 1200.0);
        match crate::io::save::save_atomic(&path, |out| out.write_all(svg.as_bytes())) {
            Ok(()) => self.notifications.info(format!("Exported the timeline to {}", path.display())),
            Err(error) => self.notifications.error(error.to_string()),
        }
    }
}
