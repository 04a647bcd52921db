//! Stock commands: each converts at the edge and calls one library function.

use pantry::choices::FlagOption;
use pantry::import::ImportFile;
use pantry::output::Destination;
use pantry::stock::counts::{self, CountLine, StockCount};
use pantry::stock::deliveries::{
    self, Delivery, DeliveryForm, DeliverySource, WasteForm, WasteRecord,
};
use pantry::stock::opening::{self, OpeningReport};
use pantry::stock::{
    self, Item, ItemDetail, ItemForm, StockLookup, StockOverview, StockSettings, StockSettingsForm,
};
use pantry::Error;
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn stock_overview(state: State<'_, AppState>) -> Result<StockOverview, Error> {
    let (db, actor) = state.signed_in()?;
    stock::overview(db, &actor).await
}

#[tauri::command]
pub async fn stock_items(
    state: State<'_, AppState>,
    text: String,
    include_inactive: bool,
) -> Result<Vec<Item>, Error> {
    let (db, actor) = state.signed_in()?;
    stock::items(db, &text, include_inactive, &actor).await
}

#[tauri::command]
pub async fn stock_item(state: State<'_, AppState>, id: i64) -> Result<ItemDetail, Error> {
    let (db, actor) = state.signed_in()?;
    stock::item_detail(db, id, &actor).await
}

#[tauri::command]
pub async fn stock_item_form(state: State<'_, AppState>, id: i64) -> Result<ItemForm, Error> {
    let (db, actor) = state.signed_in()?;
    stock::item_form(db, id, &actor).await
}

#[tauri::command]
pub async fn stock_save_item(state: State<'_, AppState>, form: ItemForm) -> Result<Item, Error> {
    let (db, actor) = state.signed_in()?;
    stock::save_item(db, &form, &actor).await
}

#[tauri::command]
/// What was scanned or typed in a stock box: a barcode (known or not) or item names.
pub async fn stock_lookup(state: State<'_, AppState>, typed: String) -> Result<StockLookup, Error> {
    let (db, actor) = state.signed_in()?;
    stock::lookup(db, &typed, &actor).await
}

#[tauri::command]
pub async fn stock_add_barcode(
    state: State<'_, AppState>,
    item_id: i64,
    code: String,
    units: String,
) -> Result<Item, Error> {
    let (db, actor) = state.signed_in()?;
    stock::add_barcode(db, item_id, &code, &units, &actor).await
}

#[tauri::command]
pub async fn stock_settings(state: State<'_, AppState>) -> Result<StockSettings, Error> {
    let (db, actor) = state.signed_in()?;
    stock::stock_settings(db, &actor).await
}

#[tauri::command]
pub async fn stock_save_settings(
    state: State<'_, AppState>,
    form: StockSettingsForm,
) -> Result<StockSettings, Error> {
    let (db, actor) = state.signed_in()?;
    stock::save_stock_settings(db, &form, &actor).await
}

#[tauri::command]
pub fn stock_sources() -> Vec<FlagOption<DeliverySource>> {
    DeliverySource::options()
}

#[tauri::command]
pub async fn stock_record_delivery(
    state: State<'_, AppState>,
    form: DeliveryForm,
) -> Result<Delivery, Error> {
    let (db, actor) = state.signed_in()?;
    deliveries::record_delivery(db, &form, &actor).await
}

#[tauri::command]
pub async fn stock_deliveries(state: State<'_, AppState>) -> Result<Vec<Delivery>, Error> {
    let (db, actor) = state.signed_in()?;
    deliveries::recent_deliveries(db, 20, &actor).await
}

#[tauri::command]
pub async fn stock_record_waste(
    state: State<'_, AppState>,
    form: WasteForm,
) -> Result<WasteRecord, Error> {
    let (db, actor) = state.signed_in()?;
    deliveries::record_waste(db, &form, &actor).await
}

#[tauri::command]
pub async fn stock_waste_past_use_by(state: State<'_, AppState>) -> Result<WasteRecord, Error> {
    let (db, actor) = state.signed_in()?;
    deliveries::waste_past_use_by(db, &actor).await
}

#[tauri::command]
pub async fn stock_open_count(state: State<'_, AppState>) -> Result<Option<StockCount>, Error> {
    let (db, actor) = state.signed_in()?;
    counts::open_count(db, &actor).await
}

#[tauri::command]
pub async fn stock_start_count(state: State<'_, AppState>) -> Result<StockCount, Error> {
    let (db, actor) = state.signed_in()?;
    counts::start_count(db, &actor).await
}

#[tauri::command]
pub async fn stock_enter_counted(
    state: State<'_, AppState>,
    count_id: i64,
    item_id: i64,
    counted: String,
) -> Result<CountLine, Error> {
    let (db, actor) = state.signed_in()?;
    counts::enter_counted(db, count_id, item_id, &counted, &actor).await
}

#[tauri::command]
pub async fn stock_finalise_count(
    state: State<'_, AppState>,
    count_id: i64,
) -> Result<StockCount, Error> {
    let (db, actor) = state.signed_in()?;
    counts::finalise_count(db, count_id, &actor).await
}

#[tauri::command]
pub async fn stock_cancel_count(
    state: State<'_, AppState>,
    count_id: i64,
) -> Result<StockCount, Error> {
    let (db, actor) = state.signed_in()?;
    counts::cancel_count(db, count_id, &actor).await
}

#[tauri::command]
pub async fn stock_count_sheet(state: State<'_, AppState>, count_id: i64) -> Result<String, Error> {
    let (db, actor) = state.signed_in()?;
    let to = Destination::print("count-sheet");
    Ok(counts::print_count_sheet(db, count_id, &to, &actor)
        .await?
        .display()
        .to_string())
}

#[tauri::command]
pub async fn stock_import_opening(
    state: State<'_, AppState>,
    file: ImportFile,
    dry_run: bool,
) -> Result<OpeningReport, Error> {
    let (db, actor) = state.signed_in()?;
    opening::import_opening(db, &file.read()?, dry_run, false, &actor).await
}
