//! The colours that carry meaning, shared by the app and the files it writes (SVG, HTML, PDF), so that an
//! export looks like the screen: one colour per stage, one per kind of timeline lane.

use crate::model::Stage;

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// The colour of a stage.
pub fn stage_rgb(stage: Stage) -> Rgb {
    match stage {
        Stage::Planned => [150, 150, 160],
        Stage::Announced => [150, 100, 220],
        Stage::Contracted => [40, 110, 210],
        Stage::Delivering => [0, 150, 140],
        Stage::Delivered => [40, 150, 60],
        Stage::Cancelled => [200, 60, 60],
    }
}

/// What a timeline lane holds, which sets the colour of its items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LaneKind {
    /// Summits and other events.
    Events,
    /// The commitments of one origin.
    Commitments,
    /// The acquisitions of one category.
    Acquisitions,
    /// Delivery windows.
    Deliveries,
}

impl LaneKind {
    /// The colour of the lane's items on a light background (`dark` false) or a dark one.
    pub fn rgb(self, dark: bool) -> Rgb {
        match (self, dark) {
            (LaneKind::Events, false) => [170, 110, 20],
            (LaneKind::Events, true) => [230, 180, 90],
            (LaneKind::Commitments, false) => [50, 120, 40],
            (LaneKind::Commitments, true) => [150, 200, 120],
            (LaneKind::Deliveries, false) => [20, 120, 130],
            (LaneKind::Deliveries, true) => [120, 200, 210],
            (LaneKind::Acquisitions, false) => [30, 90, 190],
            (LaneKind::Acquisitions, true) => [120, 170, 250],
        }
    }
}
