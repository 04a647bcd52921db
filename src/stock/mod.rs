//! Stock: the stock settings (`bands`), the item catalogue and its barcodes (`catalogue`),
//! what the Stock screen shows (`levels`), deliveries, waste, stock counts, opening stock and
//! the items given out at visits. Quantities only ever change through the `ledger`; all SQL
//! is in `store`.

pub mod bands;
pub mod catalogue;
pub mod counts;
pub mod deliveries;
pub mod distribution;
pub mod ledger;
pub mod levels;
pub mod opening;
mod store;
pub mod waste;

pub use bands::{
    save_stock_settings, stock_settings, Band, BandForm, CounterStock, StockSettings,
    StockSettingsForm,
};
pub use catalogue::{
    add_barcode, item_form, items, lookup, save_item, scan_barcode, BarcodeForm, BarcodeScan, Item,
    ItemBarcode, ItemForm, StockLookup,
};
pub use levels::{item_detail, overview, Batch, ItemDetail, MovementLine, StockOverview};
