//! Pure functions over the model that the GUI, the command line and reports share, so that their
//! figures agree: aggregation of volumes now; filters, sorting and timeline placement build on it.

pub mod filter;
pub mod plot;
pub mod table;
pub mod timeline;
pub mod volumes;
