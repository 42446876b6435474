//! The same figures everywhere: the plots' bars, the tables' totals and `summary` come from one
//! aggregation, and this test holds them to it on the default dataset and on generated data.

use std::collections::BTreeSet;
use std::process::Command;

use pledge_explorer::analysis::filter::Filter;
use pledge_explorer::analysis::plot::{Measure, Part, available_measures, plot_data};
use pledge_explorer::analysis::table::build;
use pledge_explorer::analysis::volumes::{GroupBy, VolumeRow, volumes};
use pledge_explorer::io;
use pledge_explorer::model::{Collection, Dataset};
use proptest::prelude::*;

/// The four parts of a stage total in a measure, as the tables' totals give them.
fn parts_of(row: &VolumeRow, measure: &Measure) -> [f64; 4] {
    match measure {
        Measure::Units(unit) => row
            .units
            .get(unit)
            .map_or([0.0; 4], |t| [t.exact as f64, t.approximate as f64, t.at_least as f64, t.up_to as f64]),
        Measure::Value(currency) => {
            row.money.get(currency).map_or([0.0; 4], |t| [t.exact, t.approximate, 0.0, t.up_to])
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// For every measure: per stage, each part summed over the plot's groups equals the table's total and
/// the command line's.
fn assert_agreement(dataset: &Dataset, file: &std::path::Path) {
    let table = build(dataset, Collection::Acquisitions, &Filter::default(), None, &BTreeSet::new());
    let output = Command::new(env!("CARGO_BIN_EXE_pledge-explorer"))
        .args(["summary", file.to_str().unwrap(), "--by", "category", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let cli: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for group_by in [GroupBy::Category, GroupBy::System, GroupBy::Agency, GroupBy::Year] {
        let grouped = volumes(dataset, None, group_by);
        assert_eq!(grouped.totals, table.totals, "the totals do not depend on the grouping");
        for measure in available_measures(&grouped) {
            let plot = plot_data(&grouped, &measure);
            for total in &table.totals {
                let expected = parts_of(total, &measure);
                let drawn = plot.series.iter().find(|s| s.stage == total.stage).map_or([0.0; 4], |s| s.part_totals());
                // Records with no group (no agency, no date) are not drawn, so only the grouping by a
                // field every record has can be held to the full total.
                if group_by == GroupBy::Category || group_by == GroupBy::System {
                    for part in 0..4 {
                        assert!(
                            close(drawn[part], expected[part]),
                            "{measure:?} {:?} {:?}: plot {} vs table {}",
                            total.stage,
                            Part::ALL[part],
                            drawn[part],
                            expected[part]
                        );
                    }
                } else {
                    for part in 0..4 {
                        assert!(drawn[part] <= expected[part] + 1e-6, "a partial axis never draws more than the total");
                    }
                }
                let stage = total.stage.label();
                let cli_total = cli["totals"].as_array().unwrap().iter().find(|row| row["stage"] == stage).unwrap();
                let from_cli = match &measure {
                    Measure::Units(unit) => {
                        let tally = &cli_total["units"][unit];
                        ["exact", "approximate", "at_least", "up_to"].map(|key| tally[key].as_f64().unwrap_or(0.0))
                    }
                    Measure::Value(currency) => {
                        let tally = &cli_total["money"][currency.as_str()];
                        ["exact", "approximate", "none", "up_to"].map(|key| tally[key].as_f64().unwrap_or(0.0))
                    }
                };
                for part in 0..4 {
                    assert!(
                        close(from_cli[part], expected[part]),
                        "{measure:?} {stage}: summary {} vs table {}",
                        from_cli[part],
                        expected[part]
                    );
                }
            }
        }
    }
}

#[test]
fn plots_tables_and_summary_agree_on_the_default_dataset() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/default-dataset.json");
    assert_agreement(&io::default_dataset(), &file);
}

fn generated() -> impl Strategy<Value = String> {
    let acquisition = (
        0usize..4,
        0usize..3,
        0usize..6,
        prop::option::of((0u64..10_000, 0usize..6, 0usize..2)),
        prop::option::of((0u32..1_000_000, 0usize..3, 0usize..4)),
        prop::option::of(2015i32..2030),
        prop::bool::weighted(0.2),
    );
    prop::collection::vec(acquisition, 1..40).prop_map(|records| {
        let stages = ["planned", "announced", "contracted", "delivering", "delivered", "cancelled"];
        let qualifiers = ["exact", "up_to", "at_least", "about", "estimate", "unknown"];
        let money_qualifiers = ["exact", "about", "almost", "up_to"];
        let rows: Vec<String> = records
            .iter()
            .enumerate()
            .map(|(i, (category, system, stage, quantity, value, year, child))| {
                let mut fields = vec![
                    format!("\"id\": \"a{i}\""),
                    format!("\"system\": \"system {system}\""),
                    format!("\"category\": \"category {category}\""),
                    format!("\"stage\": \"{}\"", stages[*stage]),
                    "\"confidence\": \"high\"".to_owned(),
                ];
                if let Some((count, qualifier, unit)) = quantity {
                    let unit = ["missile", "round"][*unit];
                    if qualifiers[*qualifier] == "unknown" {
                        fields.push(format!("\"quantity\": {{\"unit\": \"{unit}\", \"qualifier\": \"unknown\"}}"));
                    } else {
                        fields.push(format!(
                            "\"quantity\": {{\"count\": {count}, \"unit\": \"{unit}\", \"qualifier\": \"{}\"}}",
                            qualifiers[*qualifier]
                        ));
                    }
                }
                if let Some((amount, currency, qualifier)) = value {
                    let currency = ["EUR", "USD", "PLN"][*currency];
                    fields.push(format!(
                        "\"value\": {{\"amount\": {amount}, \"currency\": \"{currency}\", \"qualifier\": \"{}\"}}",
                        money_qualifiers[*qualifier]
                    ));
                }
                if let Some(year) = year {
                    fields.push(format!("\"date\": \"{year}\""));
                }
                if *child && i > 0 {
                    fields.push("\"parent\": \"a0\"".to_owned());
                }
                format!("{{{}}}", fields.join(", "))
            })
            .collect();
        format!("{{\"format\": \"pledge-explorer-dataset\", \"version\": 1, \"acquisitions\": [{}]}}", rows.join(",\n"))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn plots_tables_and_summary_agree_on_generated_data(text in generated()) {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("generated.json");
        std::fs::write(&file, &text).unwrap();
        let dataset = io::json::from_str(&text, "generated.json").unwrap();
        assert_agreement(&dataset, &file);
    }
}
