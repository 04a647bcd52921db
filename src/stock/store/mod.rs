//! SQL for stock: the only place that reads or writes `stock_bands`, `items`,
//! `item_barcodes`, `batches`, `stock_movements`, `deliveries`, `wastes`, `stock_counts` and
//! `stock_count_lines` (and the stock columns of `pantry_settings`). One file per area.

pub mod bands;
pub mod catalogue;
pub mod counts;
pub mod deliveries;
pub mod ledger;
pub mod levels;
pub mod waste;
