//! The JSON Schema of the dataset format, generated from the wire types. The published copy is
//! `assets/dataset.schema.json`; a test fails when the two differ (`pledge-explorer schema` prints it).

/// The schema as pretty-printed JSON, ending in a newline.
pub fn dataset_schema() -> String {
    let schema = schemars::schema_for!(super::wire::DatasetFile<'static>);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The published copy, embedded so that the app can write it out.
pub const PUBLISHED: &str = include_str!("../../assets/dataset.schema.json");
