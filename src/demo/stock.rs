//! The demo pantry's stock: a catalogue of a few hundred items with barcodes, bands and
//! values; opening stock and twice-weekly deliveries with best-before and use-by dates across
//! the whole period; and the items taken at recent visits, first-expiring batch first.
//! Before the recent weeks (whose visits take items) deliveries are small and of long-life
//! goods only, so stock does not pile up or go past its use-by. Balances never go negative.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::store::{self, NewBatch, NewDelivery, NewItem, NewMovement};
use crate::db::Conn;
use crate::error::Result;

/// (category, unit, dated by use-by, products). Each product comes in three variants.
const CATALOGUE: &[(&str, &str, bool, &[&str])] = &[
    (
        "Tins",
        "tin",
        false,
        &[
            "Baked beans",
            "Chopped tomatoes",
            "Tomato soup",
            "Chicken soup",
            "Vegetable soup",
            "Tuna",
            "Sardines",
            "Sweetcorn",
            "Garden peas",
            "Chickpeas",
            "Kidney beans",
            "Spaghetti hoops",
            "Corned beef",
            "Rice pudding",
            "Custard",
            "Peaches",
            "Pineapple",
            "Sliced carrots",
            "New potatoes",
            "Chilli con carne",
        ],
    ),
    (
        "Dry goods",
        "pack",
        false,
        &[
            "Pasta",
            "Long grain rice",
            "Basmati rice",
            "Noodles",
            "Red lentils",
            "Couscous",
            "Plain flour",
            "Sugar",
            "Stock cubes",
            "Pasta sauce",
            "Curry sauce",
            "Instant mash",
            "Gravy granules",
            "Crackers",
            "Oat biscuits",
        ],
    ),
    (
        "Breakfast",
        "pack",
        false,
        &[
            "Porridge oats",
            "Cornflakes",
            "Wheat biscuits",
            "Rice pops",
            "Jam",
            "Peanut butter",
            "Honey",
            "Muesli",
        ],
    ),
    (
        "Drinks",
        "pack",
        false,
        &[
            "Tea bags",
            "Instant coffee",
            "Orange squash",
            "UHT milk",
            "Long-life orange juice",
            "Hot chocolate",
        ],
    ),
    (
        "Chilled",
        "pack",
        true,
        &[
            "Milk",
            "Cheddar",
            "Yoghurts",
            "Butter",
            "Eggs",
            "Ham slices",
            "Chicken breast",
            "Sausages",
            "Fresh pasta",
            "Hummus",
        ],
    ),
    (
        "Fresh produce",
        "bag",
        true,
        &[
            "Potatoes", "Onions", "Carrots", "Apples", "Bananas", "Salad", "Tomatoes", "Bread",
        ],
    ),
    (
        "Toiletries",
        "item",
        false,
        &[
            "Toothpaste",
            "Toothbrush",
            "Shampoo",
            "Shower gel",
            "Soap",
            "Deodorant",
            "Sanitary pads",
            "Tampons",
            "Toilet roll",
            "Razors",
        ],
    ),
    (
        "Household",
        "item",
        false,
        &[
            "Washing-up liquid",
            "Laundry powder",
            "Bin bags",
            "Kitchen roll",
            "Surface cleaner",
            "Bleach",
        ],
    ),
    (
        "Baby",
        "pack",
        false,
        &[
            "Nappies size 3",
            "Nappies size 5",
            "Baby wipes",
            "Baby porridge",
            "Fruit pouches",
        ],
    ),
];

const VARIANTS: &[&str] = &["value", "own brand", "family size"];

const SOURCES: &[(&str, &str)] = &[
    ("fareshare", "FareShare North West"),
    ("supermarket", "Local supermarket"),
    ("purchase", "Cash and carry"),
    ("donation", "Church collection"),
];

struct DemoItem {
    id: i64,
    chilled: bool,
    value: i64,
}

struct DemoBatch {
    item: usize,
    id: i64,
    on_hand: i64,
    /// Use-by (chilled) or best-before date.
    date: NaiveDate,
    chilled: bool,
}

/// A visit the stock is taken for: id, instant, local date, items.
pub(super) struct Taking {
    pub visit_id: i64,
    pub at: DateTime<Utc>,
    pub local_date: NaiveDate,
    pub items: i64,
}

pub(super) struct StockSummary {
    pub items: usize,
    pub movements: usize,
}

fn ean13(serial: u64) -> String {
    let body = format!("50{serial:010}");
    let sum: u32 = body
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).unwrap_or(0) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// Units of each delivery before the weeks whose visits take items.
const EARLY_DELIVERY_UNITS: i64 = 60;

/// Writes the catalogue, opening stock on `first_day`, deliveries to `until` and the items
/// of `takings` (sorted by time, all on or after `start`).
pub(super) async fn generate(
    conn: &mut Conn,
    rng: &mut fastrand::Rng,
    tz: Tz,
    now: DateTime<Utc>,
    (first_day, start, until): (NaiveDate, NaiveDate, NaiveDate),
    takings: &[Taking],
) -> Result<StockSummary> {
    store::insert_bands(&mut *conn, &[("Red", 2), ("Blue", 8)]).await?;
    let mut items = Vec::new();
    let mut item_rows = Vec::new();
    for (category, unit, chilled, products) in CATALOGUE {
        for product in *products {
            for variant in VARIANTS {
                let id = items.len() as i64 + 1;
                let value = i64::from(rng.u32(25..350));
                let red = *chilled || *category == "Baby" || *category == "Toiletries";
                item_rows.push(NewItem {
                    id,
                    name: format!("{product} ({variant})"),
                    category,
                    unit,
                    band: if red { "Red" } else { "Blue" },
                    points: if red { 2 } else { 1 },
                    value_pence: value,
                    reorder_level: i64::from(rng.u32(0..4)) * 5,
                });
                items.push(DemoItem {
                    id,
                    chilled: *chilled,
                    value,
                });
            }
        }
    }
    store::insert_items(&mut *conn, &item_rows, now).await?;
    let codes: Vec<(String, i64)> = items
        .iter()
        .take(300)
        .map(|item| (ean13(item.id as u64), item.id))
        .collect();
    store::insert_barcodes(&mut *conn, &codes).await?;

    // Enough stock for the expected demand, spread over the delivery days.
    let days = (until - start).num_days().max(1) + 1;
    let demand: i64 = takings.iter().map(|t| t.items).sum();
    let per_delivery = (demand * 12 / 10) / (days / 3 + 1) + 40;
    let mut batches: Vec<DemoBatch> = Vec::new();
    let mut by_item: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut moves = Vec::new();
    let mut deliveries = Vec::new();
    let mut next_taking = 0;
    let long_life: Vec<usize> = (0..items.len()).filter(|&i| !items[i].chilled).collect();
    let first_day = first_day.min(start);
    let mut day = first_day;
    while day <= until {
        let early = day < start;
        // Deliveries arrive on Mondays and Wednesdays (and the first day: opening stock).
        let delivery_day =
            day == first_day || matches!(day.format("%a").to_string().as_str(), "Mon" | "Wed");
        if delivery_day {
            let local = day.and_time(NaiveTime::from_hms_opt(9, 30, 0).unwrap_or(NaiveTime::MIN));
            let at = tz
                .from_local_datetime(&local)
                .earliest()
                .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc));
            let delivery = if day == first_day {
                None
            } else {
                let (source, donor) = SOURCES[rng.usize(..SOURCES.len())];
                let id = deliveries.len() as i64 + 1;
                deliveries.push(NewDelivery {
                    id,
                    at,
                    local_date: day,
                    source,
                    donor,
                    volunteer: "Pat",
                });
                Some(id)
            };
            let mut units = 0;
            let target = match (day == first_day, early) {
                (true, _) => per_delivery * 2,
                (false, true) => EARLY_DELIVERY_UNITS,
                (false, false) => per_delivery,
            };
            while units < target {
                let i = if early {
                    long_life[rng.usize(..long_life.len())]
                } else {
                    rng.usize(..items.len())
                };
                let q = i64::from(rng.u32(6..48));
                units += q;
                let date = if items[i].chilled {
                    day + Duration::days(i64::from(rng.u32(2..9)))
                } else {
                    day + Duration::days(i64::from(rng.u32(20..400)))
                };
                by_item[i].push(batches.len());
                batches.push(DemoBatch {
                    item: i,
                    id: batches.len() as i64 + 1,
                    on_hand: q,
                    date,
                    chilled: items[i].chilled,
                });
                moves.push(NewMovement {
                    at,
                    local_date: day,
                    kind: if delivery.is_some() {
                        "delivery"
                    } else {
                        "opening"
                    },
                    item_id: items[i].id,
                    batch_id: batches.len() as i64,
                    quantity: q,
                    value_pence: items[i].value * q,
                    delivery_id: delivery,
                    visit_id: None,
                });
            }
        }
        // The day's visits take their items, first-expiring usable batch first.
        while next_taking < takings.len() && takings[next_taking].local_date == day {
            let t = &takings[next_taking];
            next_taking += 1;
            for _ in 0..t.items {
                let i = rng.usize(..items.len());
                let best = by_item[i]
                    .iter()
                    .copied()
                    .filter(|&k| {
                        let b = &batches[k];
                        b.on_hand > 0 && (!b.chilled || b.date >= day)
                    })
                    .min_by_key(|&k| (batches[k].date, k));
                if let Some(k) = best {
                    let b = &mut batches[k];
                    b.on_hand -= 1;
                    moves.push(NewMovement {
                        at: t.at,
                        local_date: day,
                        kind: "distribution",
                        item_id: items[i].id,
                        batch_id: b.id,
                        quantity: -1,
                        value_pence: -items[i].value,
                        delivery_id: None,
                        visit_id: Some(t.visit_id),
                    });
                }
            }
        }
        day += Duration::days(1);
    }

    store::insert_deliveries(&mut *conn, &deliveries).await?;
    let batch_rows: Vec<NewBatch> = batches
        .iter()
        .map(|batch| NewBatch {
            id: batch.id,
            item_id: items[batch.item].id,
            best_before: (!batch.chilled).then_some(batch.date),
            use_by: batch.chilled.then_some(batch.date),
            on_hand: batch.on_hand,
        })
        .collect();
    store::insert_batches(&mut *conn, &batch_rows).await?;
    store::insert_movements(&mut *conn, &moves).await?;
    Ok(StockSummary {
        items: items.len(),
        movements: moves.len(),
    })
}
