//! Image snapshots of the timeline and the plots on the default dataset, drawn by kittest's wgpu renderer
//! (in CI on Mesa's lavapipe, a Vulkan driver that runs on the CPU), so that a drawing fault (bars over
//! bars, a label cut at an edge, an empty half of the view) fails a test with the picture beside it:
//! `tests/snapshots/NAME.png` is what is expected, `NAME.new.png` and `NAME.diff.png` what was drawn.
//! After a change meant to alter the picture, look at the new image and run
//! `UPDATE_SNAPSHOTS=1 cargo test --test pictures`.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use pledge_explorer::app::{PledgeApp, StartOptions};
use pledge_explorer::context::settings::Settings;

/// The app at the size people use it, in the theme it starts in, at one pixel per point.
fn app() -> Harness<'static, PledgeApp> {
    let mut harness =
        Harness::builder().with_size([1280.0, 800.0]).with_pixels_per_point(1.0).wgpu().build_eframe(|_cc| {
            let settings = Settings::default();
            PledgeApp::new(StartOptions { settings, autosave_interval: Duration::MAX, ..StartOptions::default() })
        });
    harness.run_steps(2);
    harness
}

/// The app on the tab labelled `tab`, as drawn, against `tests/snapshots/{name}.png`.
fn snapshot_of(tab: &str, name: &str) {
    let mut harness = app();
    harness.get_by_label(tab).click();
    harness.run_steps(4);
    harness.snapshot(name);
}

#[test]
fn the_timeline_at_its_default_view() {
    snapshot_of("Timeline", "timeline-default");
}

#[test]
fn the_plots_at_their_default_view() {
    snapshot_of("Plots", "plots-default");
}
