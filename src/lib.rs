//! Pledge Explorer: a desktop app and command line for tracking defence-industrial pledges and the
//! acquisitions around them.
//!
//! Layers, each knowing only those before it: [`model`] (pure data) → [`io`] (files) → [`analysis`]
//! (derived views shared by every output) → [`report`] (files for readers), [`cli`] (headless commands);
//! the GUI: [`context`] (what the app and its views share) → [`ui`] (the views) → [`app`] (the frame loop
//! and the handling of commands).

pub mod allocator;
pub mod analysis;
#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
pub mod compare;
#[cfg(feature = "gui")]
pub mod context;
pub mod io;
pub mod mapping;
pub mod model;
pub mod palette;
pub mod report;
pub mod synthetic;
#[cfg(feature = "gui")]
pub mod ui;
