//! The landlord summary as the Reports screen previews it: the export's own headline, table
//! and labels (the same published figures, money in pounds), as text ready to show.

use crate::access::{Actor, Operation};
use serde::Serialize;
use ts_rs::TS;

use super::export::{self, Value};
use super::suppress::rule_in_brief;
use super::{Period, Summary};
use crate::db::Db;
use crate::error::Result;

/// A figure and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LabelValue {
    pub label: String,
    pub value: String,
}

/// One row of the preview's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewRow {
    /// The neighbourhood, or "All neighbourhoods".
    pub group: String,
    /// One cell per column: "15", "£3.50", or "<5" where a small count is hidden.
    pub cells: Vec<String>,
    /// The whole pantry's row (protected on its own, after the neighbourhoods).
    pub total: bool,
}

/// The landlord summary of a period, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SummaryPreview {
    pub period: Period,
    pub headline: Vec<LabelValue>,
    /// The measures' labels, after the neighbourhood column.
    pub columns: Vec<String>,
    pub rows: Vec<PreviewRow>,
    /// Households by preferred language: the language's English name, and "15" or "<5".
    pub languages: Vec<LabelValue>,
    /// How figures are protected, in a sentence.
    pub hidden_note: String,
}

/// The preview of a summary, from the same figures and labels as its exports.
pub fn summary_preview(s: &Summary) -> SummaryPreview {
    let shown = |(group, values): (String, Vec<Value>), total: bool| PreviewRow {
        group,
        cells: values.iter().map(Value::shown).collect(),
        total,
    };
    SummaryPreview {
        period: s.period.clone(),
        headline: export::headline(s)
            .into_iter()
            .map(|(label, value)| LabelValue {
                label,
                value: value.shown(),
            })
            .collect(),
        columns: export::measure_columns()
            .into_iter()
            .map(|(_, label)| label)
            .collect(),
        rows: export::area_rows(s)
            .into_iter()
            .map(|row| shown(row, false))
            .chain(std::iter::once(shown(export::total_row(s), true)))
            .collect(),
        languages: export::language_rows(s)
            .into_iter()
            .map(|(label, values)| LabelValue {
                label,
                value: values.iter().map(Value::shown).collect(),
            })
            .collect(),
        hidden_note: rule_in_brief(s.small_count),
    }
}

/// Previews the summary of a period (the figures before disclosure control: a manager's,
/// as the export is).
pub async fn preview(db: &Db, period: &Period, actor: &Actor) -> Result<SummaryPreview> {
    actor.require(db, Operation::ExportReport).await?;
    Ok(summary_preview(&super::summary(db, period, actor).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::{AreaCells, LabelCell, SCHEMA_VERSION};

    fn summary() -> Summary {
        Summary {
            schema_version: SCHEMA_VERSION,
            pantry_code: "HILL".into(),
            pantry_name: "Hillside Pantry".into(),
            landlord: "Example Homes".into(),
            period: Period::parse("2026-10").unwrap(),
            small_count: 5,
            rule: crate::reports::suppress::rule_text(5),
            measures: crate::reports::suppress::MEASURES
                .iter()
                .map(|m| m.0.to_owned())
                .collect(),
            overall: vec![
                Some(30),
                Some(15),
                Some(30),
                Some(20),
                Some(10),
                None,
                Some(0),
                Some(5),
                Some(10),
                Some(300),
                Some(12_000),
                Some(123_450),
            ],
            neighbourhoods: vec![
                AreaCells {
                    neighbourhood: "Hillside".into(),
                    cells: vec![
                        Some(25),
                        Some(10),
                        Some(20),
                        None,
                        Some(0),
                        None,
                        Some(0),
                        Some(5),
                        Some(5),
                        Some(250),
                        Some(10_000),
                        Some(100_050),
                    ],
                },
                AreaCells {
                    neighbourhood: "Brookfield".into(),
                    cells: vec![None; 12],
                },
            ],
            households_by_language: vec![
                LabelCell {
                    label: "English".into(),
                    count: Some(10),
                },
                LabelCell {
                    label: "Polish".into(),
                    count: None,
                },
            ],
            referrals_by_kind: Vec::new(),
            referrals_by_outcome: Vec::new(),
            outreach: Vec::new(),
            stock_received: Vec::new(),
            visits_per_week: Vec::new(),
            visits_with_estimated_value: None,
            average_item_value_pence: 100,
            social_value: Vec::new(),
            audit_chain_head: None,
        }
    }

    #[test]
    fn the_preview_shows_what_the_export_writes() {
        let s = summary();
        let p = summary_preview(&s);
        assert_eq!(p.period.label, "October 2026");
        assert_eq!(p.columns.len(), 12);
        assert_eq!(
            (p.columns[0].as_str(), p.columns[11].as_str()),
            ("Visits", "Estimated savings")
        );
        let groups: Vec<_> = p.rows.iter().map(|r| (r.group.as_str(), r.total)).collect();
        assert_eq!(
            groups,
            [
                ("Hillside", false),
                ("Brookfield", false),
                ("All neighbourhoods", true)
            ]
        );
        // Hidden cells read "<5"; zero is shown; money is in pounds, with thousands.
        assert_eq!(p.rows[0].cells[3], "<5");
        assert_eq!(p.rows[0].cells[4], "0");
        assert_eq!(p.rows[0].cells[11], "£1,000.50");
        assert!(p.rows[1].cells.iter().all(|c| c == "<5"));
        // Households by language, as the export's table has them.
        let languages: Vec<_> = p
            .languages
            .iter()
            .map(|l| (l.label.as_str(), l.value.as_str()))
            .collect();
        assert_eq!(languages, [("English", "10"), ("Polish", "<5")]);
        // The whole pantry's own cells.
        assert_eq!(p.rows[2].cells[0], "30");
        assert_eq!(p.rows[2].cells[10], "£120.00");
        // The headline is the export's.
        let doc = export::summary_document(&s);
        let headline: Vec<_> = p
            .headline
            .iter()
            .map(|h| (h.label.clone(), h.value.clone()))
            .collect();
        let exported: Vec<_> = doc
            .headline
            .iter()
            .map(|(l, v)| (l.clone(), v.shown()))
            .collect();
        assert_eq!(headline, exported);
        for (label, value) in [("People reached", "30"), ("New members", "<5")] {
            assert!(p.headline.contains(&LabelValue {
                label: label.into(),
                value: value.into()
            }));
        }
        assert_eq!(
            p.hidden_note,
            "Figures are moved slightly and rounded to multiples of 5, and counts from 1 to 4 are \
             hidden as \"<5\", so no one can be singled out; totals need not equal the sum of \
             the rows."
        );
    }

    #[test]
    fn the_preview_table_is_the_exports_table() {
        let s = summary();
        let p = summary_preview(&s);
        let doc = export::summary_document(&s);
        let table = &doc.tables[0];
        assert_eq!(
            table
                .columns
                .iter()
                .map(|c| c.1.clone())
                .collect::<Vec<_>>(),
            p.columns
        );
        let rows: Vec<(String, Vec<String>)> = table
            .rows
            .iter()
            .map(|(g, vs)| (g.clone(), vs.iter().map(Value::shown).collect()))
            .collect();
        assert_eq!(
            rows,
            p.rows
                .iter()
                .map(|r| (r.group.clone(), r.cells.clone()))
                .collect::<Vec<_>>()
        );
    }
}
