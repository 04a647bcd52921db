//! The demo pantry's agency directory (money and debt, energy, employment, well-being,
//! tenancy support), referrals made at visits across the whole period in every state (made,
//! contacted, closed with each kind of outcome), and membership renewals.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::store::{NewAgency, NewReferral, NewRenewal, NewVisit};
use super::DemoHousehold;
use crate::membership;
use crate::referrals::{AgencyKind, Outcome, ReferralReason, Urgency};

/// A demo agency: (name, kind, phone, what each referral is about, what comes of it).
type DemoAgency = (
    &'static str,
    AgencyKind,
    &'static str,
    &'static [ReferralReason],
    &'static [Outcome],
);

/// Synthetic agencies: phones are in Ofcom's drama range, addresses and emails are examples.
const AGENCIES: &[DemoAgency] = &[
    (
        "Demo Town Citizens Advice",
        AgencyKind::Money,
        "0161 496 0101",
        &[ReferralReason::DebtAdvice, ReferralReason::BenefitsCheck],
        &[
            Outcome::AdviceGiven,
            Outcome::DebtPlan,
            Outcome::Declined,
            Outcome::NoContact,
        ],
    ),
    (
        "Money Matters Debt Line",
        AgencyKind::Money,
        "0161 496 0102",
        &[ReferralReason::DebtAdvice],
        &[Outcome::DebtPlan, Outcome::AdviceGiven, Outcome::NoContact],
    ),
    (
        "Warm Homes Energy Advice",
        AgencyKind::Energy,
        "0161 496 0103",
        &[ReferralReason::EnergyBills, ReferralReason::FuelVoucher],
        &[
            Outcome::EnergyGrant,
            Outcome::AdviceGiven,
            Outcome::Declined,
        ],
    ),
    (
        "Demo Works Employment Hub",
        AgencyKind::Employment,
        "0161 496 0104",
        &[ReferralReason::JobSearch, ReferralReason::Training],
        &[
            Outcome::JobOrTraining,
            Outcome::AdviceGiven,
            Outcome::NoContact,
        ],
    ),
    (
        "Riverside Well-being Service",
        AgencyKind::Wellbeing,
        "0161 496 0105",
        &[ReferralReason::MentalHealth, ReferralReason::Loneliness],
        &[Outcome::AdviceGiven, Outcome::Declined, Outcome::Other],
    ),
    (
        "Example Homes Tenancy Support",
        AgencyKind::Tenancy,
        "0161 496 0106",
        &[ReferralReason::RentArrears, ReferralReason::Housing],
        &[Outcome::AdviceGiven, Outcome::Other, Outcome::NoContact],
    ),
];

/// About one referral in this many visits, at most `MAX_REFERRALS` in all.
const VISITS_PER_REFERRAL: usize = 40;
const MAX_REFERRALS: usize = 5_000;

/// The agency directory.
pub(super) fn agencies(now: DateTime<Utc>) -> Vec<NewAgency> {
    AGENCIES
        .iter()
        .enumerate()
        .map(|(i, &(name, kind, phone, _, _))| NewAgency {
            id: i as i64 + 1,
            name,
            kind: kind.code(),
            phone,
            email: format!("referrals{}@example.org", i + 1),
            address: format!("{} Example Road, Demo Town", 10 + i),
            opening_hours: "Monday to Friday, 9:30 to 4:30".into(),
            how_to_refer: "Give the member the slip; the agency calls them within a week.".into(),
            at: now,
        })
        .collect()
}

/// Referrals made at some of the visits (in order of the visits, so the same for a seed):
/// those older than the pantry's follow-up days mostly closed, some still waiting (and so
/// due for follow-up); recent ones mostly made or contacted. No step is after `now`.
pub(super) fn referrals(
    rng: &mut fastrand::Rng,
    visits: &[NewVisit],
    follow_up_days: i64,
    until: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<NewReferral> {
    let mut out = Vec::new();
    let wanted = (visits.len() / VISITS_PER_REFERRAL).clamp(1, MAX_REFERRALS);
    let chance = wanted as f64 / visits.len().max(1) as f64;
    for v in visits {
        // Every draw is made for every visit, so the data stays the same for a seed.
        let (roll, agency, reason, urgency, step, outcome, days) = (
            rng.f64(),
            rng.usize(..AGENCIES.len()),
            rng.usize(..2),
            rng.u8(0..10),
            rng.u8(0..100),
            rng.usize(..4),
            (rng.i64(1..6), rng.i64(3..21)),
        );
        if roll >= chance || out.len() >= MAX_REFERRALS {
            continue;
        }
        let Some(reference) = u32::try_from(out.len() + 1)
            .ok()
            .and_then(membership::number_for_serial)
        else {
            break;
        };
        let (_, _, _, reasons, outcomes) = AGENCIES[agency];
        let made_at = v.at + Duration::minutes(5);
        let old = (until - v.local_date).num_days() > follow_up_days;
        // Old: 60 in 100 closed, 20 contacted, 20 waiting. Recent: 15 closed, 35 contacted.
        let (contacted, closed) = if old {
            (step >= 20, step >= 40)
        } else {
            (step >= 50, step >= 85)
        };
        let contacted_at = (made_at + Duration::days(days.0)).min(now);
        let outcome_at = (contacted_at + Duration::days(days.1)).min(now);
        let outcome = outcomes[outcome % outcomes.len()];
        out.push(NewReferral {
            reference,
            household_id: v.household_id,
            agency_id: agency as i64 + 1,
            reason: reasons[reason % reasons.len()].code(),
            urgency: match urgency {
                0 => Urgency::Urgent,
                1..=2 => Urgency::Soon,
                _ => Urgency::Routine,
            }
            .code(),
            made_at,
            made_on: v.local_date,
            made_by: v.volunteer,
            contacted: (contacted || closed).then_some((contacted_at, v.volunteer)),
            outcome: closed.then_some((outcome.code(), outcome_at, v.volunteer)),
        });
    }
    out
}

/// A renewal each time a membership ran its length within the period, on the day it ran out.
pub(super) fn renewals(
    households: &[DemoHousehold],
    first_day: NaiveDate,
    until: NaiveDate,
    weeks: i64,
) -> Vec<NewRenewal> {
    let length = Duration::weeks(weeks);
    let mut out = Vec::new();
    for h in households {
        let r = &h.record;
        let mut due = r.joined_on + length;
        while due < r.expires_on && due <= until {
            if due >= first_day {
                out.push(NewRenewal {
                    household_id: r.id,
                    local_date: due,
                    neighbourhood_id: r.neighbourhood_id,
                    landlord_tenant: r.landlord_tenant,
                });
            }
            due += length;
        }
    }
    out
}
