//! Pure functions over the model that the GUI, the command line and reports share, so that their
//! figures agree: aggregation of volumes now; filters, sorting and timeline placement build on it.

pub mod filter;
pub mod plot;
pub mod progress;
pub mod table;
pub mod timeline;
pub mod volumes;

/// The text cut to `limit` characters, the last an ellipsis when it was longer.
pub fn truncate(text: &str, limit: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(limit.saturating_sub(1)) {
        Some((end, _)) if text.chars().count() > limit => format!("{}…", &text[..end]).into(),
        _ => text.into(),
    }
}
