//! The demo pantry's stock: a catalogue of a few hundred items with barcodes, bands and
//! values; opening stock and twice-weekly deliveries with best-before and use-by dates; and
//! the items taken at recent visits, first-expiring batch first. Balances never go negative.

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

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

struct Move {
    at: String,
    local_date: NaiveDate,
    kind: &'static str,
    item_id: i64,
    batch_id: i64,
    quantity: i64,
    value: i64,
    delivery: Option<i64>,
    visit: Option<i64>,
}

/// A visit the stock is taken for: id, instant, local date, items.
pub(super) struct Taking {
    pub visit_id: i64,
    pub at: String,
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

/// Writes the catalogue, deliveries from `start` to `until` and the items of `takings`
/// (sorted by time, all on or after `start`).
pub(super) async fn generate(
    conn: &mut SqliteConnection,
    rng: &mut fastrand::Rng,
    tz: Tz,
    now: chrono::DateTime<chrono::Utc>,
    start: NaiveDate,
    until: NaiveDate,
    takings: &[Taking],
) -> Result<StockSummary> {
    sqlx::query("INSERT INTO stock_bands (name, per_visit) VALUES ('Red', 2), ('Blue', 8)")
        .execute(&mut *conn)
        .await?;
    let created = now.to_rfc3339();
    let mut items = Vec::new();
    let mut item_rows = Vec::new();
    for (category, unit, chilled, products) in CATALOGUE {
        for product in *products {
            for variant in VARIANTS {
                let id = items.len() as i64 + 1;
                let value = i64::from(rng.u32(25..350));
                let red = *chilled || *category == "Baby" || *category == "Toiletries";
                item_rows.push((
                    id,
                    format!("{product} ({variant})"),
                    *category,
                    *unit,
                    red,
                    value,
                    i64::from(rng.u32(0..4)) * 5,
                ));
                items.push(DemoItem {
                    id,
                    chilled: *chilled,
                    value,
                });
            }
        }
    }
    for chunk in item_rows.chunks(200) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO items (id, name, category, unit, band, points, value_pence, reorder_level, active, created_at) ",
        );
        q.push_values(
            chunk,
            |mut b, (id, name, category, unit, red, value, reorder)| {
                b.push_bind(id)
                    .push_bind(name)
                    .push_bind(*category)
                    .push_bind(*unit)
                    .push_bind(if *red { "Red" } else { "Blue" })
                    .push_bind(if *red { 2 } else { 1 })
                    .push_bind(value)
                    .push_bind(reorder)
                    .push_bind(1)
                    .push_bind(&created);
            },
        );
        q.build().execute(&mut *conn).await?;
    }
    let mut q: QueryBuilder<Sqlite> =
        QueryBuilder::new("INSERT INTO item_barcodes (code, item_id, units) ");
    q.push_values(items.iter().take(300), |mut b, item| {
        b.push_bind(ean13(item.id as u64))
            .push_bind(item.id)
            .push_bind(1);
    });
    q.build().execute(&mut *conn).await?;

    // Enough stock for the expected demand, spread over the delivery days.
    let days = (until - start).num_days().max(1) + 1;
    let demand: i64 = takings.iter().map(|t| t.items).sum();
    let per_delivery = (demand * 12 / 10) / (days / 3 + 1) + 40;
    let mut batches: Vec<DemoBatch> = Vec::new();
    let mut by_item: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut moves = Vec::new();
    let mut deliveries = Vec::new();
    let mut next_taking = 0;
    let mut day = start;
    while day <= until {
        // Deliveries arrive on Mondays and Wednesdays (and the first day: opening stock).
        let delivery_day =
            day == start || matches!(day.format("%a").to_string().as_str(), "Mon" | "Wed");
        if delivery_day {
            let at = tz
                .from_local_datetime(
                    &day.and_time(NaiveTime::from_hms_opt(9, 30, 0).unwrap_or(NaiveTime::MIN)),
                )
                .earliest()
                .map(|t| t.with_timezone(&chrono::Utc).to_rfc3339())
                .unwrap_or_default();
            let delivery = if day == start {
                None
            } else {
                let (source, donor) = SOURCES[rng.usize(..SOURCES.len())];
                deliveries.push((at.clone(), day, source, donor));
                Some(deliveries.len() as i64)
            };
            let mut units = 0;
            let target = if day == start {
                per_delivery * 2
            } else {
                per_delivery
            };
            while units < target {
                let i = rng.usize(..items.len());
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
                moves.push(Move {
                    at: at.clone(),
                    local_date: day,
                    kind: if delivery.is_some() {
                        "delivery"
                    } else {
                        "opening"
                    },
                    item_id: items[i].id,
                    batch_id: batches.len() as i64,
                    quantity: q,
                    value: items[i].value * q,
                    delivery,
                    visit: None,
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
                    moves.push(Move {
                        at: t.at.clone(),
                        local_date: day,
                        kind: "distribution",
                        item_id: items[i].id,
                        batch_id: b.id,
                        quantity: -1,
                        value: -items[i].value,
                        delivery: None,
                        visit: Some(t.visit_id),
                    });
                }
            }
        }
        day += Duration::days(1);
    }

    for (n, chunk) in deliveries.chunks(500).enumerate() {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO deliveries (id, at, local_date, source, donor, volunteer) ",
        );
        q.push_values(
            chunk.iter().enumerate(),
            |mut b, (i, (at, day, source, donor))| {
                b.push_bind((n * 500 + i + 1) as i64)
                    .push_bind(at)
                    .push_bind(day.to_string())
                    .push_bind(*source)
                    .push_bind(*donor)
                    .push_bind("Pat");
            },
        );
        q.build().execute(&mut *conn).await?;
    }
    for chunk in batches.chunks(1_000) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO batches (id, item_id, best_before, use_by, on_hand) ");
        q.push_values(chunk, |mut b, batch| {
            let date = batch.date.to_string();
            b.push_bind(batch.id)
                .push_bind(items[batch.item].id)
                .push_bind((!batch.chilled).then(|| date.clone()))
                .push_bind(batch.chilled.then_some(date))
                .push_bind(batch.on_hand);
        });
        q.build().execute(&mut *conn).await?;
    }
    for chunk in moves.chunks(1_000) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO stock_movements (at, local_date, kind, item_id, batch_id, quantity, value_pence, delivery_id, visit_id) ",
        );
        q.push_values(chunk, |mut b, m| {
            b.push_bind(&m.at)
                .push_bind(m.local_date.to_string())
                .push_bind(m.kind)
                .push_bind(m.item_id)
                .push_bind(m.batch_id)
                .push_bind(m.quantity)
                .push_bind(m.value)
                .push_bind(m.delivery)
                .push_bind(m.visit);
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(StockSummary {
        items: items.len(),
        movements: moves.len(),
    })
}
