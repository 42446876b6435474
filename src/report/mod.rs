//! Outputs for readers without the app. For now: charts as SVG, drawn from the same figures as the
//! plots view; reports will embed them.

pub mod svg;
