//! Views: one file per view. They read the document by reference and push [`Command`](crate::app::Command)s.

pub mod menu_bar;
pub mod status_bar;
pub mod tables;
