//! Stock commands: each converts at the edge and calls one library function.

use pantry::households::FlagOption;
use pantry::import::ImportFile;
use pantry::stock::counts::{self, CountLine, StockCount};
use pantry::stock::deliveries::{
    self, Delivery, DeliveryForm, DeliverySource, WasteForm, WasteRecord,
};
use pantry::stock::opening::{self, OpeningReport};
use pantry::stock::{
    self, BarcodeScan, Item, ItemDetail, ItemForm, StockOverview, StockSettings, StockSettingsForm,
};
use pantry::Error;
use tauri::State;

use crate::{AppState, ACTOR};

#[tauri::command]
pub async fn stock_overview(state: State<'_, AppState>) -> Result<StockOverview, Error> {
    stock::overview(state.db()?).await
}

#[tauri::command]
pub async fn stock_items(
    state: State<'_, AppState>,
    text: String,
    include_inactive: bool,
) -> Result<Vec<Item>, Error> {
    stock::items(state.db()?, &text, include_inactive).await
}

#[tauri::command]
pub async fn stock_item(state: State<'_, AppState>, id: i64) -> Result<ItemDetail, Error> {
    stock::item_detail(state.db()?, id).await
}

#[tauri::command]
pub async fn stock_item_form(state: State<'_, AppState>, id: i64) -> Result<ItemForm, Error> {
    stock::item_form(state.db()?, id).await
}

#[tauri::command]
pub async fn stock_save_item(state: State<'_, AppState>, form: ItemForm) -> Result<Item, Error> {
    stock::save_item(state.db()?, &form, ACTOR).await
}

#[tauri::command]
pub async fn stock_scan(state: State<'_, AppState>, code: String) -> Result<BarcodeScan, Error> {
    stock::scan_barcode(state.db()?, &code).await
}

#[tauri::command]
pub async fn stock_add_barcode(
    state: State<'_, AppState>,
    item_id: i64,
    code: String,
    units: String,
) -> Result<Item, Error> {
    stock::add_barcode(state.db()?, item_id, &code, &units, ACTOR).await
}

#[tauri::command]
pub async fn stock_settings(state: State<'_, AppState>) -> Result<StockSettings, Error> {
    stock::stock_settings(state.db()?).await
}

#[tauri::command]
pub async fn stock_save_settings(
    state: State<'_, AppState>,
    form: StockSettingsForm,
) -> Result<StockSettings, Error> {
    stock::save_stock_settings(state.db()?, &form, ACTOR).await
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
    deliveries::record_delivery(state.db()?, &form).await
}

#[tauri::command]
pub async fn stock_deliveries(state: State<'_, AppState>) -> Result<Vec<Delivery>, Error> {
    deliveries::recent_deliveries(state.db()?, 20).await
}

#[tauri::command]
pub async fn stock_record_waste(
    state: State<'_, AppState>,
    form: WasteForm,
) -> Result<WasteRecord, Error> {
    deliveries::record_waste(state.db()?, &form).await
}

#[tauri::command]
pub async fn stock_waste_past_use_by(
    state: State<'_, AppState>,
    volunteer: String,
) -> Result<WasteRecord, Error> {
    deliveries::waste_past_use_by(state.db()?, &volunteer).await
}

#[tauri::command]
pub async fn stock_open_count(state: State<'_, AppState>) -> Result<Option<StockCount>, Error> {
    counts::open_count(state.db()?).await
}

#[tauri::command]
pub async fn stock_start_count(
    state: State<'_, AppState>,
    volunteer: String,
) -> Result<StockCount, Error> {
    counts::start_count(state.db()?, &volunteer).await
}

#[tauri::command]
pub async fn stock_enter_counted(
    state: State<'_, AppState>,
    count_id: i64,
    item_id: i64,
    counted: String,
) -> Result<CountLine, Error> {
    counts::enter_counted(state.db()?, count_id, item_id, &counted).await
}

#[tauri::command]
pub async fn stock_finalise_count(
    state: State<'_, AppState>,
    count_id: i64,
    volunteer: String,
) -> Result<StockCount, Error> {
    counts::finalise_count(state.db()?, count_id, &volunteer).await
}

#[tauri::command]
pub async fn stock_cancel_count(
    state: State<'_, AppState>,
    count_id: i64,
    volunteer: String,
) -> Result<StockCount, Error> {
    counts::cancel_count(state.db()?, count_id, &volunteer).await
}

#[tauri::command]
pub async fn stock_count_sheet(state: State<'_, AppState>, count_id: i64) -> Result<String, Error> {
    Ok(counts::save_count_sheet(state.db()?, count_id)
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
    opening::import_opening(state.db()?, &file.read()?, dry_run, false, ACTOR).await
}
