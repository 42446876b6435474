//! Pledge Explorer: a desktop app and command line for tracking defence-industrial pledges and the
//! acquisitions around them.
//!
//! Layers, each knowing only those before it: [`model`] (pure data) → [`io`] (files) → [`analysis`]
//! (derived views shared by every output) → [`app`] and [`ui`] (the GUI), [`cli`] (headless commands).

pub mod analysis;
#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
pub mod io;
pub mod model;
pub mod report;
pub mod synthetic;
#[cfg(feature = "gui")]
pub mod ui;
