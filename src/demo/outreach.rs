//! The demo pantry's outreach: households with support needs (about one in forty), a few
//! dozen delivery households with synthetic addresses, weekly delivery rounds over the last
//! weeks with every outcome (a delivered parcel is that week's visit, so delivery households
//! do not also come to the counter then), today's round planned and packed, the standard
//! parcel, and welfare calls with every outcome. Drawn from a stream of its own, so the rest
//! of the demo is as it was for a seed.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::store::NewVisit;
use super::DemoHousehold;
use crate::db::Conn;
use crate::error::Result;
use crate::households::Status;
use crate::outreach::store::{self, NewAttempt, NewDelivery, NewNeed};
use crate::outreach::{ContactOutcome, DeliveryOutcome, SupportNeed};
use crate::visits::FeeMethod;

/// One household in this many has a support need recorded; one in `DELIVERY_EVERY` of those
/// receives deliveries, at most `MAX_DELIVERY` in all.
const NEED_EVERY: u32 = 40;
const DELIVERY_EVERY: u32 = 4;
const MAX_DELIVERY: usize = 30;
/// Weeks of past rounds (each Thursday).
const ROUND_WEEKS: i64 = 8;

const STREETS: &[&str] = &[
    "Example Street",
    "Sample Road",
    "Demo Avenue",
    "Placeholder Lane",
    "Test Close",
    "Fictional Way",
];
const ACCESS: &[&str] = &[
    "",
    "Side door, ring twice",
    "Third floor, lift to the left",
    "Leave with the neighbour at number 4 if out",
    "",
];
const REASONS: &[(SupportNeed, &str)] = &[
    (
        SupportNeed::Isolated,
        "Lives alone; asked for a weekly call",
    ),
    (
        SupportNeed::LimitedMobility,
        "Cannot manage the bus to the pantry",
    ),
    (SupportNeed::Disability, "Needs help carrying shopping"),
    (SupportNeed::MentalHealth, "Finds the busy pantry hard"),
    (SupportNeed::Caring, "Cares for a relative full time"),
    (
        SupportNeed::SelfIsolating,
        "Recovering after a hospital stay",
    ),
];

/// What the demo's outreach planned, for the visits and the summary.
pub(super) struct Plan {
    /// Households (indexes into the demo's list) receiving deliveries, and with needs.
    delivery: Vec<usize>,
    needs: Vec<usize>,
    /// Past round days, oldest first.
    rounds: Vec<NaiveDate>,
}

/// Which households have support needs and which receive deliveries, and the round days.
pub(super) fn plan(households: &[DemoHousehold], until: NaiveDate, first_day: NaiveDate) -> Plan {
    let active = |h: &DemoHousehold| h.left_on.is_none() && h.record.status == Status::Active;
    let needs: Vec<usize> = (0..households.len())
        .filter(|&i| i as u32 % NEED_EVERY == 3 && active(&households[i]))
        .collect();
    let delivery: Vec<usize> = needs
        .iter()
        .copied()
        .filter(|i| (*i as u32 / NEED_EVERY).is_multiple_of(DELIVERY_EVERY))
        .take(MAX_DELIVERY)
        .collect();
    let mut last = until - Duration::days(1);
    while last.weekday() != Weekday::Thu {
        last -= Duration::days(1);
    }
    let rounds = (0..ROUND_WEEKS)
        .rev()
        .map(|w| last - Duration::weeks(w))
        .filter(|d| *d >= first_day)
        .collect();
    Plan {
        delivery,
        needs,
        rounds,
    }
}

/// Takes out the counter visits of delivery households in the weeks of the rounds (their
/// parcels are those weeks' visits) and adds a delivery visit for each parcel delivered.
/// Returns, per round and stop, the outcome and the index of its visit.
pub(super) fn visits(
    rng: &mut fastrand::Rng,
    plan: &Plan,
    households: &[DemoHousehold],
    tz: Tz,
    visits: &mut Vec<NewVisit>,
) -> Vec<Vec<(usize, DeliveryOutcome, Option<usize>)>> {
    let Some(&first) = plan.rounds.first() else {
        return Vec::new();
    };
    let delivered_to: std::collections::HashSet<i64> = plan
        .delivery
        .iter()
        .map(|&i| households[i].record.id)
        .collect();
    visits.retain(|v| {
        !(delivered_to.contains(&v.household_id) && v.local_date >= first - Duration::days(3))
    });
    plan.rounds
        .iter()
        .map(|&day| {
            plan.delivery
                .iter()
                .map(|&i| {
                    let outcome = match rng.u8(0..20) {
                        0 | 1 => DeliveryOutcome::NotIn,
                        2 => DeliveryOutcome::Refused,
                        _ => DeliveryOutcome::Delivered,
                    };
                    let visit = (outcome == DeliveryOutcome::Delivered).then(|| {
                        let h = &households[i];
                        visits.push(NewVisit {
                            household_id: h.record.id,
                            at: afternoon(tz, day),
                            local_date: day,
                            items: 10,
                            fee_pence: 0,
                            fee_method: "waived",
                            volunteer: "Pat",
                            adults: h.record.adults,
                            children: h.record.children,
                            neighbourhood_id: h.record.neighbourhood_id,
                            landlord_tenant: h.record.landlord_tenant,
                            language: h.language,
                            method: "delivery",
                        });
                        visits.len() - 1
                    });
                    (i, outcome, visit)
                })
                .collect()
        })
        .collect()
}

fn afternoon(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    tz.from_local_datetime(&day.and_hms_opt(14, 30, 0).unwrap_or_default())
        .earliest()
        .map_or_else(
            || day.and_hms_opt(14, 30, 0).unwrap_or_default().and_utc(),
            |t| t.with_timezone(&Utc),
        )
}

/// Writes the outreach rows; `outcomes` from `visits`, whose visits have ids index + 1.
/// Returns the number of rounds and of calls.
#[allow(clippy::too_many_arguments)]
pub(super) async fn write(
    conn: &mut Conn,
    rng: &mut fastrand::Rng,
    plan: &Plan,
    households: &[DemoHousehold],
    outcomes: &[Vec<(usize, DeliveryOutcome, Option<usize>)>],
    tz: Tz,
    until: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(usize, usize)> {
    for (n, &i) in plan.needs.iter().enumerate() {
        let (need, reason) = REASONS[n % REASONS.len()];
        store::put_need(
            conn,
            &NewNeed {
                household_id: households[i].record.id,
                need,
                until: (need == SupportNeed::SelfIsolating).then(|| until + Duration::days(10)),
                reason,
                at: now,
                by: "Pat",
            },
        )
        .await?;
    }
    for (n, &i) in plan.delivery.iter().enumerate() {
        let h = &households[i].record;
        store::put_delivery(
            conn,
            &NewDelivery {
                household_id: h.id,
                until: None,
                address_lines: &format!("{} {}", 2 + n * 3, STREETS[n % STREETS.len()]),
                postcode: &h.postcode,
                access_notes: ACCESS[n % ACCESS.len()],
                phone: "",
                fee_method: FeeMethod::Waived,
                at: now,
                by: "Pat",
            },
        )
        .await?;
    }
    let mut rounds = 0;
    for (day, stops) in plan.rounds.iter().zip(outcomes) {
        let round =
            store::insert_round(conn, *day, afternoon(tz, *day - Duration::days(1)), "Pat").await?;
        rounds += 1;
        for (position, (i, outcome, visit)) in stops.iter().enumerate() {
            let id = store::insert_stop(
                conn,
                round,
                households[*i].record.id,
                position as i64 + 1,
                1,
            )
            .await?;
            store::mark_packed(conn, id, 10, afternoon(tz, *day - Duration::days(1)), "Pat")
                .await?;
            let visit_id = visit.map(|v| v as i64 + 1);
            store::set_outcome(conn, id, *outcome, afternoon(tz, *day), "Pat", visit_id).await?;
        }
    }
    // Today's round, planned and not yet packed.
    if !plan.delivery.is_empty() && until.weekday() == Weekday::Thu {
        let round = store::insert_round(conn, until, now, "Pat").await?;
        rounds += 1;
        for (position, &i) in plan.delivery.iter().enumerate() {
            store::insert_stop(conn, round, households[i].record.id, position as i64 + 1, 1)
                .await?;
        }
    }
    let mut calls = 0;
    for &i in &plan.needs {
        for back in (1..=rng.u8(0..4)).rev() {
            let day = until - Duration::days(i64::from(back) * 9 + rng.i64(0..3));
            let outcome = ContactOutcome::ALL[rng.usize(..ContactOutcome::ALL.len())];
            let follow_up_on = match outcome {
                ContactOutcome::NoAnswer | ContactOutcome::LeftMessage => {
                    Some(day + Duration::days(3))
                }
                ContactOutcome::NeedsHelp => Some(day + Duration::days(7)),
                _ => None,
            };
            store::insert_attempt(
                conn,
                &NewAttempt {
                    household_id: households[i].record.id,
                    at: afternoon(tz, day),
                    local_date: day,
                    volunteer: "Pat",
                    outcome,
                    note: "",
                    follow_up_on,
                    referral_id: None,
                },
            )
            .await?;
            calls += 1;
        }
    }
    Ok((rounds, calls))
}

/// The standard parcel: the best-stocked item that keeps (no use-by) of eight categories of the
/// demo catalogue, one each per household and one of the first three per person.
pub(super) async fn standard_parcel(conn: &mut Conn) -> Result<()> {
    let items = super::store::best_stocked_items(&mut *conn, 8).await?;
    let lines: Vec<(i64, i64, i64)> = items
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, 1, i64::from(i < 3)))
        .collect();
    store::replace_parcel_lines(conn, &lines).await
}
