//! The item catalogue: items with their barcodes (checked, unique), the item form, and what
//! a scanned or typed barcode or name is.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use super::store;
use super::store::catalogue::ItemRecord;
use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::db::Conn;
use crate::db::Db;
use crate::error::{whole_number, Error, FieldError, Result};
use crate::money;
use crate::scan::{self, check_barcode, StockInput};
use crate::settings;

/// A barcode and how many units it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ItemBarcode {
    pub code: String,
    pub units: i64,
}

/// An item with its stock level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub category: String,
    pub unit: String,
    pub pack_size: String,
    pub band: Option<String>,
    #[ts(type = "number")]
    pub points: i64,
    #[ts(type = "number | null")]
    pub value_pence: Option<i64>,
    #[ts(type = "number")]
    pub reorder_level: i64,
    pub active: bool,
    /// Everything in stock, including stock past its use-by date.
    #[ts(type = "number")]
    pub on_hand: i64,
    /// Stock that may be given out (not past its use-by date).
    #[ts(type = "number")]
    pub usable: i64,
    /// Barcodes as `code` or `code×units`, comma-separated.
    pub barcodes: String,
}

pub(crate) async fn item_with(conn: &mut Conn, today: NaiveDate, id: i64) -> Result<Item> {
    store::catalogue::item(conn, today, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Item {id}")))
}

/// Items whose name, category or barcode contains `text` (all when empty), by category.
pub async fn items(
    db: &Db,
    text: &str,
    include_inactive: bool,
    _signed_in: &Actor,
) -> Result<Vec<Item>> {
    let settings = settings::require(db).await?;
    let like = format!("%{}%", text.trim().replace(['%', '_'], ""));
    store::catalogue::search(
        &mut db.acquire().await?,
        settings.date_at(db.now()),
        include_inactive,
        &like,
    )
    .await
}

/// An item as typed in its form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase")]
pub struct ItemForm {
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub name: String,
    pub category: String,
    pub unit: String,
    pub pack_size: String,
    /// A colour band's name, or empty.
    pub band: String,
    pub points: String,
    /// Value of one unit in pounds (for savings estimates), or empty when unknown.
    pub value: String,
    pub reorder_level: String,
    pub active: bool,
    pub barcodes: Vec<BarcodeForm>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BarcodeForm {
    pub code: String,
    pub units: String,
}

/// Checks an item form against the catalogue: names and barcodes are unique, the band exists.
pub(super) async fn validate_item(conn: &mut Conn, form: &ItemForm) -> Result<ItemRecord> {
    let mut errors = crate::text::control_errors(form);
    let text = |errors: &mut Vec<FieldError>, field: &str, value: &str, label: &str, max: usize| {
        let v = value.trim();
        if v.is_empty() && !label.is_empty() {
            errors.push(FieldError::new(field, format!("Enter the item's {label}.")));
        } else if v.chars().count() > max {
            errors.push(FieldError::new(
                field,
                format!("Keep this to {max} characters."),
            ));
        }
        v.to_owned()
    };
    let name = text(&mut errors, "name", &form.name, "name", 80);
    let category = text(&mut errors, "category", &form.category, "category", 40);
    let unit = text(
        &mut errors,
        "unit",
        &form.unit,
        "unit (tin, pack, bottle…)",
        20,
    );
    let pack_size = text(&mut errors, "packSize", &form.pack_size, "", 30);
    if !name.is_empty() {
        let clash = store::catalogue::item_named(&mut *conn, &name, form.id).await?;
        if clash.is_some() {
            errors.push(FieldError::new(
                "name",
                format!("There is already an item called {name}."),
            ));
        }
    }
    let band = form.band.trim();
    let band = if band.is_empty() {
        None
    } else {
        let known = store::bands::band_named(&mut *conn, band).await?;
        if known.is_none() {
            errors.push(FieldError::new(
                "band",
                format!("There is no {band} band; add it in the stock settings first."),
            ));
        }
        known
    };
    let points = if form.points.trim().is_empty() {
        Some(0)
    } else {
        whole_number(&mut errors, "points", &form.points, 0, 100, "Points")
    };
    let value_pence = if form.value.trim().is_empty() {
        None
    } else {
        let v = money::parse_pounds(&form.value);
        if v.is_none() {
            errors.push(FieldError::new(
                "value",
                "Enter the value of one unit in pounds, e.g. 0.85 (or leave it empty).",
            ));
        }
        v
    };
    let reorder_level = if form.reorder_level.trim().is_empty() {
        Some(0)
    } else {
        whole_number(
            &mut errors,
            "reorderLevel",
            &form.reorder_level,
            0,
            100_000,
            "Reorder level",
        )
    };
    let mut barcodes: Vec<ItemBarcode> = Vec::new();
    for (i, b) in form.barcodes.iter().enumerate() {
        if b.code.trim().is_empty() {
            continue;
        }
        let field = format!("barcodes.{i}.code");
        let units = if b.units.trim().is_empty() {
            Some(1)
        } else {
            whole_number(
                &mut errors,
                &format!("barcodes.{i}.units"),
                &b.units,
                1,
                1000,
                "Units per scan",
            )
        };
        match check_barcode(&b.code) {
            Err(message) => errors.push(FieldError::new(&field, message)),
            Ok(code) => {
                let owner = store::catalogue::barcode_owner(&mut *conn, &code, form.id).await?;
                if let Some(owner) = owner {
                    errors.push(FieldError::new(
                        &field,
                        format!("{code} is already the barcode of {owner}."),
                    ));
                } else if barcodes.iter().any(|o| o.code == code) {
                    errors.push(FieldError::new(&field, format!("{code} is listed twice.")));
                } else {
                    barcodes.push(ItemBarcode {
                        code,
                        units: units.map_or(1, i64::from),
                    });
                }
            }
        }
    }
    match (points, reorder_level) {
        (Some(points), Some(reorder_level)) if errors.is_empty() => Ok(ItemRecord {
            name,
            category,
            unit,
            pack_size,
            band,
            points: i64::from(points),
            value_pence,
            reorder_level: i64::from(reorder_level),
            barcodes,
        }),
        _ => Err(Error::Validation(errors)),
    }
}

/// Adds or edits an item (with its barcodes) in one transaction.
pub async fn save_item(db: &Db, form: &ItemForm, actor: &Actor) -> Result<Item> {
    actor.require(db, Operation::EditItems).await?;
    let actor = actor.name();
    let settings = settings::require(db).await?;
    let mut tx = db.begin_write().await?;
    let v = validate_item(&mut tx, form).await?;
    let id = save_item_with(&mut tx, db.now(), form.id, &v, form.active).await?;
    audit::record(
        &mut tx,
        db.now(),
        actor,
        if form.id.is_some() {
            "stock.item.updated"
        } else {
            "stock.item.added"
        },
        Some(Subject::Item(id)),
        &serde_json::json!({ "name": v.name }),
    )
    .await?;
    let item = item_with(&mut tx, settings.date_at(db.now()), id).await?;
    tx.commit().await?;
    Ok(item)
}

pub(super) async fn save_item_with(
    conn: &mut Conn,
    at: DateTime<Utc>,
    id: Option<i64>,
    v: &ItemRecord,
    active: bool,
) -> Result<i64> {
    let id = match id {
        Some(id) => {
            if !store::catalogue::update_item(&mut *conn, id, v, active).await? {
                return Err(Error::not_found(format!("Item {id}")));
            }
            store::catalogue::delete_barcodes(&mut *conn, id).await?;
            id
        }
        None => store::catalogue::insert_item(&mut *conn, v, active, at).await?,
    };
    for b in &v.barcodes {
        store::catalogue::insert_barcode(&mut *conn, id, b).await?;
    }
    Ok(id)
}

/// The form for an item as saved.
pub async fn item_form(db: &Db, id: i64, _signed_in: &Actor) -> Result<ItemForm> {
    let mut conn = db.acquire().await?;
    // The form shows no levels, so the day they are counted on does not matter.
    let item = item_with(&mut conn, db.now().date_naive(), id).await?;
    let barcodes = store::catalogue::barcodes(&mut conn, id).await?;
    Ok(ItemForm {
        id: Some(item.id),
        name: item.name,
        category: item.category,
        unit: item.unit,
        pack_size: item.pack_size,
        band: item.band.unwrap_or_default(),
        points: item.points.to_string(),
        value: item
            .value_pence
            .map(money::pounds_plain)
            .unwrap_or_default(),
        reorder_level: item.reorder_level.to_string(),
        active: item.active,
        barcodes: barcodes
            .into_iter()
            .map(|b| BarcodeForm {
                code: b.code,
                units: b.units.to_string(),
            })
            .collect(),
    })
}

/// What a scanned barcode is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum BarcodeScan {
    /// A known barcode: `units` of this item.
    Found { item: Box<Item>, units: i64 },
    /// Not known yet: offer to add it to an item.
    Unknown { code: String },
}

pub async fn scan_barcode(db: &Db, typed: &str, _signed_in: &Actor) -> Result<BarcodeScan> {
    let code = check_barcode(typed).map_err(|m| Error::invalid("barcode", m))?;
    let settings = settings::require(db).await?;
    let mut conn = db.acquire().await?;
    let found = store::catalogue::barcode(&mut conn, &code).await?;
    Ok(match found {
        Some((item_id, units)) => BarcodeScan::Found {
            item: Box::new(item_with(&mut conn, settings.date_at(db.now()), item_id).await?),
            units,
        },
        None => BarcodeScan::Unknown { code },
    })
}

/// What was scanned or typed in a stock box, as the library reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum StockLookup {
    /// A known barcode (any kind, in-house ones like `PANTRY-0042` too): `units` of this item.
    Found {
        item: Box<Item>,
        #[ts(type = "number")]
        units: i64,
    },
    /// A barcode not known yet: offer to add it to an item.
    Unknown { code: String },
    /// Not a barcode: the active items whose names match (empty when none does).
    Matches { items: Vec<Item> },
}

/// Reads what was scanned or typed in a stock box: a known barcode finds its item; anything
/// shaped like a barcode (digits, or letters and digits with no spaces, such as
/// `PANTRY-0042`) is an unknown barcode; anything else is a name to search for. The screens
/// do not decide which it is.
pub async fn lookup(db: &Db, typed: &str, signed_in: &Actor) -> Result<StockLookup> {
    let code = match scan::stock_input(typed) {
        StockInput::Words(text) if text.is_empty() => {
            return Ok(StockLookup::Matches { items: Vec::new() })
        }
        StockInput::Words(text) => {
            return Ok(StockLookup::Matches {
                items: items(db, &text, false, signed_in).await?,
            })
        }
        StockInput::Barcode(code) => code,
    };
    Ok(match scan_barcode(db, &code, signed_in).await? {
        BarcodeScan::Found { item, units } => StockLookup::Found { item, units },
        BarcodeScan::Unknown { code } => StockLookup::Unknown { code },
    })
}

/// Adds a barcode to an existing item (after scanning an unknown one).
pub async fn add_barcode(
    db: &Db,
    item_id: i64,
    code: &str,
    units: &str,
    actor: &Actor,
) -> Result<Item> {
    let mut form = item_form(db, item_id, actor).await?;
    form.barcodes.push(BarcodeForm {
        code: code.to_owned(),
        units: units.to_owned(),
    });
    save_item(db, &form, actor).await.map_err(|e| match e {
        // The new barcode is the last row; name its fields plainly for the small form.
        Error::Validation(fields) => Error::Validation(
            fields
                .into_iter()
                .map(|f| FieldError {
                    field: f.field.rsplit('.').next().unwrap_or("code").to_owned(),
                    message: f.message,
                })
                .collect(),
        ),
        other => other,
    })
}
