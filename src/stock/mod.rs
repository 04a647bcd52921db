//! Stock: the item catalogue and its barcodes, the stock settings (how the counter records
//! items, colour-band and points limits), and what the Stock screen shows (levels, low stock,
//! use-by soon, past best-before). Quantities only ever change through the `ledger`.

pub mod counts;
pub mod deliveries;
pub mod distribution;
pub mod ledger;
pub mod opening;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, SqliteConnection};
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::audit;
use crate::clock::local_date_of;
use crate::db::Db;
use crate::error::{whole_number, Error, FieldError, Result};
use crate::money;
use crate::settings::{self, Settings};

use ledger::When;

impl When {
    pub(crate) fn at(now: DateTime<Utc>, settings: &Settings) -> When {
        When {
            at: now.to_rfc3339(),
            local_date: local_date_of(now, settings.tz()),
        }
    }
}

/// How the counter records what a household took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CounterStock {
    /// Just the number of items.
    Count,
    /// The items themselves: stock moves out with the visit, within the per-visit limits.
    Items,
}

/// A colour band and how many of its items a household may take per visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Band {
    pub name: String,
    #[ts(type = "number")]
    pub per_visit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StockSettings {
    pub counter_stock: CounterStock,
    /// Points a household may spend per visit (0 = no points limit).
    #[ts(type = "number")]
    pub points_per_visit: i64,
    #[ts(type = "number")]
    pub use_by_warning_days: i64,
    pub bands: Vec<Band>,
}

/// The stock settings as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StockSettingsForm {
    pub counter_stock: CounterStock,
    pub points_per_visit: String,
    pub use_by_warning_days: String,
    pub bands: Vec<BandForm>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BandForm {
    pub name: String,
    pub per_visit: String,
}

pub(crate) async fn stock_settings_with(conn: &mut SqliteConnection) -> Result<StockSettings> {
    let (counter_stock, points_per_visit, use_by_warning_days): (String, i64, i64) = sqlx::query_as(
        "SELECT counter_stock, points_per_visit, use_by_warning_days FROM pantry_settings WHERE id = 1",
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("The pantry's settings (finish first-run setup)"))?;
    let bands = sqlx::query_as("SELECT name, per_visit FROM stock_bands ORDER BY name")
        .fetch_all(&mut *conn)
        .await?;
    Ok(StockSettings {
        counter_stock: if counter_stock == "items" {
            CounterStock::Items
        } else {
            CounterStock::Count
        },
        points_per_visit,
        use_by_warning_days,
        bands,
    })
}

pub async fn stock_settings(db: &Db) -> Result<StockSettings> {
    stock_settings_with(&mut *db.pool().acquire().await?).await
}

/// Saves the stock settings; a band still used by an item cannot be removed.
pub async fn save_stock_settings(
    db: &Db,
    form: &StockSettingsForm,
    actor: &Actor,
) -> Result<StockSettings> {
    actor.require(db, Operation::ChangeStockSettings).await?;
    crate::text::refuse_control(form)?;
    let actor = actor.name.as_str();
    let mut errors = Vec::new();
    let points = whole_number(
        &mut errors,
        "pointsPerVisit",
        &form.points_per_visit,
        0,
        1000,
        "Points per visit",
    );
    let warn = whole_number(
        &mut errors,
        "useByWarningDays",
        &form.use_by_warning_days,
        0,
        60,
        "Days of use-by warning",
    );
    let mut bands: Vec<Band> = Vec::new();
    for (i, b) in form.bands.iter().enumerate() {
        let name = b.name.trim();
        if name.is_empty() && b.per_visit.trim().is_empty() {
            continue;
        }
        if name.is_empty() || name.chars().count() > 30 {
            errors.push(FieldError::new(
                &format!("bands.{i}.name"),
                "Name the colour band in up to 30 characters.",
            ));
        } else if bands.iter().any(|o| o.name.eq_ignore_ascii_case(name)) {
            errors.push(FieldError::new(
                &format!("bands.{i}.name"),
                format!("{name} is listed twice."),
            ));
        }
        let per_visit = whole_number(
            &mut errors,
            &format!("bands.{i}.perVisit"),
            &b.per_visit,
            0,
            100,
            "Items of this colour per visit",
        );
        bands.push(Band {
            name: name.to_owned(),
            per_visit: per_visit.map_or(0, i64::from),
        });
    }
    let (Some(points), Some(warn)) = (points, warn) else {
        return Err(Error::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let mut tx = db.begin_write().await?;
    let before = stock_settings_with(&mut tx).await?;
    for old in &before.bands {
        if bands.iter().any(|b| b.name.eq_ignore_ascii_case(&old.name)) {
            continue;
        }
        let used: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM items WHERE band = ?")
            .bind(&old.name)
            .fetch_one(&mut *tx)
            .await?;
        if used > 0 {
            return Err(Error::invalid(
                "bands",
                format!(
                    "{} items are in the {} band; move them to another band before removing it.",
                    used, old.name
                ),
            ));
        }
        sqlx::query("DELETE FROM stock_bands WHERE name = ?")
            .bind(&old.name)
            .execute(&mut *tx)
            .await?;
    }
    for b in &bands {
        sqlx::query(
            "INSERT INTO stock_bands (name, per_visit) VALUES (?, ?)
             ON CONFLICT (name) DO UPDATE SET per_visit = excluded.per_visit",
        )
        .bind(&b.name)
        .bind(b.per_visit)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE pantry_settings SET counter_stock = ?, points_per_visit = ?, use_by_warning_days = ? WHERE id = 1",
    )
    .bind(match form.counter_stock {
        CounterStock::Count => "count",
        CounterStock::Items => "items",
    })
    .bind(i64::from(points))
    .bind(i64::from(warn))
    .execute(&mut *tx)
    .await?;
    let after = stock_settings_with(&mut tx).await?;
    audit::record(
        &mut tx,
        db.now(),
        actor,
        "stock.settings",
        None,
        &serde_json::json!({ "before": before, "after": after }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A barcode and how many units it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ItemBarcode {
    pub code: String,
    #[ts(type = "number")]
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

const ITEM_SELECT: &str = "SELECT i.id, i.name, i.category, i.unit, i.pack_size, i.band, i.points,
        i.value_pence, i.reorder_level, i.active,
        COALESCE((SELECT SUM(on_hand) FROM batches b WHERE b.item_id = i.id), 0) AS on_hand,
        COALESCE((SELECT SUM(on_hand) FROM batches b WHERE b.item_id = i.id
                  AND (b.use_by IS NULL OR b.use_by >= ?1)), 0) AS usable,
        COALESCE((SELECT group_concat(code || CASE WHEN units > 1 THEN '×' || units ELSE '' END, ', ')
                  FROM item_barcodes c WHERE c.item_id = i.id), '') AS barcodes
     FROM items i";

pub(crate) async fn item_with(conn: &mut SqliteConnection, today: &str, id: i64) -> Result<Item> {
    sqlx::query_as(&format!("{ITEM_SELECT} WHERE i.id = ?2"))
        .bind(today)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| Error::not_found(format!("Item {id}")))
}

/// Items whose name, category or barcode contains `text` (all when empty), by category.
pub async fn items(db: &Db, text: &str, include_inactive: bool) -> Result<Vec<Item>> {
    let settings = settings::require(db).await?;
    let like = format!("%{}%", text.trim().replace(['%', '_'], ""));
    Ok(sqlx::query_as(&format!(
        "{ITEM_SELECT} WHERE (?2 OR i.active = 1)
           AND (i.name LIKE ?3 OR i.category LIKE ?3
                OR EXISTS (SELECT 1 FROM item_barcodes c WHERE c.item_id = i.id AND c.code LIKE ?3))
         ORDER BY i.category, i.name"
    ))
    .bind(settings.date_at(db.now()).to_string())
    .bind(include_inactive)
    .bind(like)
    .fetch_all(&mut *db.pool().acquire().await?)
    .await?)
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

/// Checks a barcode: EAN-13, EAN-8 and UPC-A must have a right check digit; other codes
/// (in-house) are 3 to 32 letters, digits or dashes. Returns the code without spaces.
pub fn check_barcode(text: &str) -> std::result::Result<String, String> {
    let code: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = code.chars().all(|c| c.is_ascii_digit());
    if digits && matches!(code.len(), 8 | 12 | 13) {
        return if gtin_check_ok(&code) {
            Ok(code)
        } else {
            Err(format!(
                "{code} does not check out as an EAN/UPC barcode; scan or type it again."
            ))
        };
    }
    if (3..=32).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Ok(code)
    } else {
        Err("A barcode is 3 to 32 letters, digits or dashes.".into())
    }
}

/// GS1 check digit: weights 3 and 1 alternate from the right, excluding the check digit.
fn gtin_check_ok(code: &str) -> bool {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    let Some((&check, body)) = digits.split_last() else {
        return false;
    };
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10 == check
}

struct ValidItem {
    name: String,
    category: String,
    unit: String,
    pack_size: String,
    band: Option<String>,
    points: i64,
    value_pence: Option<i64>,
    reorder_level: i64,
    barcodes: Vec<ItemBarcode>,
}

async fn validate_item(conn: &mut SqliteConnection, form: &ItemForm) -> Result<ValidItem> {
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
        let clash: Option<i64> =
            sqlx::query_scalar("SELECT id FROM items WHERE name = ? AND id IS NOT ?")
                .bind(&name)
                .bind(form.id)
                .fetch_optional(&mut *conn)
                .await?;
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
        let known: Option<String> =
            sqlx::query_scalar("SELECT name FROM stock_bands WHERE name = ?")
                .bind(band)
                .fetch_optional(&mut *conn)
                .await?;
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
                let owner: Option<String> = sqlx::query_scalar(
                    "SELECT i.name FROM item_barcodes c JOIN items i ON i.id = c.item_id
                     WHERE c.code = ? AND c.item_id IS NOT ?",
                )
                .bind(&code)
                .bind(form.id)
                .fetch_optional(&mut *conn)
                .await?;
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
        (Some(points), Some(reorder_level)) if errors.is_empty() => Ok(ValidItem {
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
    let actor = actor.name.as_str();
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
        Some(&format!("item:{id}")),
        &serde_json::json!({ "name": v.name }),
    )
    .await?;
    let item = item_with(&mut tx, &settings.date_at(db.now()).to_string(), id).await?;
    tx.commit().await?;
    Ok(item)
}

async fn save_item_with(
    conn: &mut SqliteConnection,
    at: DateTime<Utc>,
    id: Option<i64>,
    v: &ValidItem,
    active: bool,
) -> Result<i64> {
    let id = match id {
        Some(id) => {
            let done = sqlx::query(
                "UPDATE items SET name = ?, category = ?, unit = ?, pack_size = ?, band = ?, points = ?,
                     value_pence = ?, reorder_level = ?, active = ? WHERE id = ?",
            )
            .bind(&v.name)
            .bind(&v.category)
            .bind(&v.unit)
            .bind(&v.pack_size)
            .bind(&v.band)
            .bind(v.points)
            .bind(v.value_pence)
            .bind(v.reorder_level)
            .bind(active)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            if done.rows_affected() == 0 {
                return Err(Error::not_found(format!("Item {id}")));
            }
            sqlx::query("DELETE FROM item_barcodes WHERE item_id = ?")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            id
        }
        None => {
            sqlx::query_scalar(
                "INSERT INTO items (name, category, unit, pack_size, band, points, value_pence,
                     reorder_level, active, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(&v.name)
            .bind(&v.category)
            .bind(&v.unit)
            .bind(&v.pack_size)
            .bind(&v.band)
            .bind(v.points)
            .bind(v.value_pence)
            .bind(v.reorder_level)
            .bind(active)
            .bind(at.to_rfc3339())
            .fetch_one(&mut *conn)
            .await?
        }
    };
    for b in &v.barcodes {
        sqlx::query("INSERT INTO item_barcodes (code, item_id, units) VALUES (?, ?, ?)")
            .bind(&b.code)
            .bind(id)
            .bind(b.units)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

/// The form for an item as saved.
pub async fn item_form(db: &Db, id: i64) -> Result<ItemForm> {
    let mut conn = db.pool().acquire().await?;
    let item = item_with(&mut conn, "", id).await?;
    let barcodes: Vec<ItemBarcode> =
        sqlx::query_as("SELECT code, units FROM item_barcodes WHERE item_id = ? ORDER BY code")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum BarcodeScan {
    /// A known barcode: `units` of this item.
    Found {
        item: Box<Item>,
        #[ts(type = "number")]
        units: i64,
    },
    /// Not known yet: offer to add it to an item.
    Unknown { code: String },
}

pub async fn scan_barcode(db: &Db, typed: &str) -> Result<BarcodeScan> {
    let code = check_barcode(typed).map_err(|m| Error::invalid("barcode", m))?;
    let settings = settings::require(db).await?;
    let mut conn = db.pool().acquire().await?;
    let found: Option<(i64, i64)> =
        sqlx::query_as("SELECT item_id, units FROM item_barcodes WHERE code = ?")
            .bind(&code)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match found {
        Some((item_id, units)) => BarcodeScan::Found {
            item: Box::new(
                item_with(&mut conn, &settings.date_at(db.now()).to_string(), item_id).await?,
            ),
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
pub async fn lookup(db: &Db, typed: &str) -> Result<StockLookup> {
    let text = typed.trim();
    if text.is_empty() {
        return Ok(StockLookup::Matches { items: Vec::new() });
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits_only = compact.chars().all(|c| c.is_ascii_digit());
    let barcode_shaped = (digits_only && compact.len() >= 6)
        || (!text.contains(char::is_whitespace)
            && compact.chars().any(|c| c.is_ascii_digit())
            && check_barcode(&compact).is_ok());
    if !barcode_shaped {
        return Ok(StockLookup::Matches {
            items: items(db, text, false).await?,
        });
    }
    Ok(match scan_barcode(db, &compact).await? {
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
    let mut form = item_form(db, item_id).await?;
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

/// Stock of one item that arrived together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub item_id: i64,
    pub item: String,
    pub unit: String,
    #[ts(type = "number")]
    pub on_hand: i64,
    pub best_before: Option<String>,
    pub use_by: Option<String>,
}

const BATCH_SELECT: &str =
    "SELECT b.id, b.item_id, i.name AS item, i.unit, b.on_hand, b.best_before, b.use_by
     FROM batches b JOIN items i ON i.id = b.item_id WHERE b.on_hand > 0";

/// What the Stock screen opens on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StockOverview {
    pub today: String,
    #[ts(type = "number")]
    pub use_by_warning_days: i64,
    /// Active items below their reorder level.
    pub low_stock: Vec<Item>,
    /// Batches whose use-by date is today or within the warning days.
    pub use_by_soon: Vec<Batch>,
    /// Batches past their use-by date: they can only be recorded as waste.
    pub past_use_by: Vec<Batch>,
    /// Batches past best-before (still allowed out; flagged).
    pub past_best_before: Vec<Batch>,
    #[ts(type = "number")]
    pub items: i64,
    #[ts(type = "number")]
    pub units_on_hand: i64,
    /// The stock count in progress, if any.
    #[ts(type = "number | null")]
    pub open_count: Option<i64>,
}

pub async fn overview(db: &Db) -> Result<StockOverview> {
    let settings = settings::require(db).await?;
    let mut conn = db.pool().acquire().await?;
    let stock = stock_settings_with(&mut conn).await?;
    let today = settings.date_at(db.now());
    let t = today.to_string();
    let soon = (today + Duration::days(stock.use_by_warning_days)).to_string();
    let low_stock = sqlx::query_as(&format!(
        "SELECT * FROM ({ITEM_SELECT} WHERE i.active = 1 AND i.reorder_level > 0)
         WHERE usable < reorder_level ORDER BY category, name"
    ))
    .bind(&t)
    .fetch_all(&mut *conn)
    .await?;
    let batches = |filter: &str| {
        format!("{BATCH_SELECT} AND {filter} ORDER BY COALESCE(b.use_by, b.best_before), i.name")
    };
    let use_by_soon = sqlx::query_as(&batches("b.use_by BETWEEN ?1 AND ?2"))
        .bind(&t)
        .bind(&soon)
        .fetch_all(&mut *conn)
        .await?;
    let past_use_by = sqlx::query_as(&batches("b.use_by < ?1"))
        .bind(&t)
        .fetch_all(&mut *conn)
        .await?;
    let past_best_before = sqlx::query_as(&batches(
        "b.best_before < ?1 AND (b.use_by IS NULL OR b.use_by >= ?1)",
    ))
    .bind(&t)
    .fetch_all(&mut *conn)
    .await?;
    let (items, units_on_hand): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM items WHERE active = 1), COALESCE((SELECT SUM(on_hand) FROM batches), 0)",
    )
    .fetch_one(&mut *conn)
    .await?;
    let open_count = sqlx::query_scalar("SELECT id FROM stock_counts WHERE status = 'open'")
        .fetch_optional(&mut *conn)
        .await?;
    Ok(StockOverview {
        today: t,
        use_by_warning_days: stock.use_by_warning_days,
        low_stock,
        use_by_soon,
        past_use_by,
        past_best_before,
        items,
        units_on_hand,
        open_count,
    })
}

/// One line of an item's ledger, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct MovementLine {
    pub at: String,
    pub local_date: String,
    pub kind: String,
    #[ts(type = "number")]
    pub quantity: i64,
    pub best_before: Option<String>,
    pub use_by: Option<String>,
    /// The document: "Delivery 12 (FareShare)", "Visit 301", "Count 3", "Waste 4: reason".
    pub document: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ItemDetail {
    pub item: Item,
    pub batches: Vec<Batch>,
    pub movements: Vec<MovementLine>,
}

pub async fn item_detail(db: &Db, id: i64) -> Result<ItemDetail> {
    let settings = settings::require(db).await?;
    let mut conn = db.pool().acquire().await?;
    let item = item_with(&mut conn, &settings.date_at(db.now()).to_string(), id).await?;
    let batches = sqlx::query_as(&format!(
        "{BATCH_SELECT} AND b.item_id = ? ORDER BY COALESCE(b.use_by, b.best_before) IS NULL,
             COALESCE(b.use_by, b.best_before), b.id"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let movements = sqlx::query_as(
        "SELECT m.at, m.local_date, m.kind, m.quantity, b.best_before, b.use_by,
             CASE WHEN m.delivery_id IS NOT NULL THEN 'Delivery ' || m.delivery_id || ' (' || d.source || CASE WHEN d.donor <> '' THEN ', ' || d.donor ELSE '' END || ')'
                  WHEN m.visit_id IS NOT NULL THEN 'Visit ' || m.visit_id
                  WHEN m.waste_id IS NOT NULL THEN 'Waste ' || m.waste_id || ': ' || w.reason
                  WHEN m.count_id IS NOT NULL THEN 'Stock count ' || m.count_id
                  ELSE 'Opening stock' END AS document
         FROM stock_movements m JOIN batches b ON b.id = m.batch_id
         LEFT JOIN deliveries d ON d.id = m.delivery_id
         LEFT JOIN wastes w ON w.id = m.waste_id
         WHERE m.item_id = ? ORDER BY m.id DESC LIMIT 100",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ItemDetail {
        item,
        batches,
        movements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ean_upc_check_digits_are_checked() {
        assert_eq!(
            check_barcode("5012345678900").as_deref(),
            Ok("5012345678900")
        );
        assert_eq!(check_barcode("9638 5074").as_deref(), Ok("96385074"));
        assert_eq!(check_barcode("036000291452").as_deref(), Ok("036000291452"));
        assert!(check_barcode("5012345678901").is_err());
        assert!(check_barcode("96385075").is_err());
        assert_eq!(check_barcode("PANTRY-0042").as_deref(), Ok("PANTRY-0042"));
        assert!(check_barcode("ab").is_err());
        assert!(check_barcode("tin/beans").is_err());
    }
}
