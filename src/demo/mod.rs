//! Synthetic demo data: a realistic pantry for trying the app and for benchmarks.
//! Deterministic for a seed and an end date. Every name is a random pairing from lists
//! of common first names and surnames of many origins; no real person is described. All its
//! SQL is in `store` (households and cards go in through their own stores).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use crate::access::{Actor, Role};
use crate::db::{self, Db, DbLock};
use crate::error::{Error, Result};
use crate::files;
use crate::households::form::{flags_to_text, Allergen, Dietary, CONSENT_VERSION};
use crate::households::HouseholdRecord;
use crate::households::Status;
use crate::i18n::MemberTextForm;
use crate::keys::KeyStore;
use crate::membership;
use crate::settings::{self, SettingsForm};

mod outreach;
mod referrals;
mod stock;
mod store;

use store::NewVisit;

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub households: u32,
    pub weeks: u32,
    pub seed: u64,
    /// The last day with visits (in the pantry's time zone); `None`: the pantry's today.
    pub until: Option<NaiveDate>,
    /// Leave out the agency directory and referrals (to try the Referrals screen from empty).
    pub no_referrals: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub households: u64,
    pub visits: u64,
    pub items: u64,
    pub stock_movements: u64,
    pub referrals: u64,
    pub renewals: u64,
    pub delivery_rounds: u64,
    pub welfare_calls: u64,
    /// The last day with visits.
    pub until: NaiveDate,
}

/// Weeks of stock history (opening stock, deliveries, items taken at visits) in the demo.
const STOCK_WEEKS: i64 = 2;
/// The most recent visits given items, at most (keeps huge demo pantries quick to make).
const MAX_VISITS_WITH_ITEMS: usize = 20_000;

const FIRST_NAMES: &[&str] = &[
    "Amelia",
    "Oliver",
    "Jack",
    "Olivia",
    "Sophie",
    "Liam",
    "Chloe",
    "Harry",
    "Megan",
    "Callum",
    "Łucja",
    "Wojciech",
    "Agnieszka",
    "Grzegorz",
    "Małgorzata",
    "Paweł",
    "Zoë",
    "Chloë",
    "Siobhán",
    "Seán",
    "Niamh",
    "Ciarán",
    "Ștefan",
    "Ioana",
    "Mihaela",
    "Andrei",
    "Gökhan",
    "Ayşe",
    "Çağla",
    "Emre",
    "Şükrü",
    "Nguyễn Thị",
    "Minh",
    "Thảo",
    "Huy",
    "Mohammed",
    "Fatima",
    "Aisha",
    "Omar",
    "Yusuf",
    "Zainab",
    "Abdirahman",
    "Hodan",
    "Chinedu",
    "Ngozi",
    "Oluwaseun",
    "Adaeze",
    "Kwame",
    "Abena",
    "Priya",
    "Arjun",
    "Harpreet",
    "Gurpreet",
    "Imran",
    "Nasreen",
    "Bilal",
    "Ayesha",
    "José",
    "María",
    "Inês",
    "João",
    "Renée",
    "Noël",
    "Jürgen",
    "Dorota",
    "Tomás",
    "Bríd",
];

const SURNAMES: &[&str] = &[
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "Nowak-Wiśniewska",
    "Kowalski",
    "Wójcik",
    "Dąbrowski",
    "Lewandowska",
    "Zieliński",
    "O'Sullivan",
    "Ó Briain",
    "Mac Giolla Phádraig",
    "Popescu",
    "Ionescu",
    "Țăranu",
    "Dumitrescu",
    "Yılmaz",
    "Öztürk",
    "Çelik",
    "Şahin",
    "Doğan",
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Al-Sayed",
    "Hussain",
    "Khan",
    "Ahmed",
    "Rahman",
    "Abdullahi",
    "Warsame",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Boateng",
    "Patel",
    "Sharma",
    "Kaur",
    "Singh",
    "Begum",
    "Iqbal",
    "García",
    "Fernández",
    "Gonçalves",
    "Müller",
    "Lefèvre",
    "Ní Bhriain",
    "Ferreira",
    "Kovačević",
];

/// Demo volunteers who can sign in, one per role (synthetic; the PINs are in the README).
pub const DEMO_VOLUNTEERS: &[(&str, Role, &str)] = &[
    ("Sam", Role::Counter, "1111"),
    ("Pat", Role::Manager, "2222"),
    ("Alex", Role::Admin, "3333"),
];

const VOLUNTEERS: &[&str] = &["Sam", "Pat", "Jo", "Alex", "Chris", "Robin", "Kim", "Lee"];

/// Neighbourhoods of the demo pantry, each with its (synthetic) postcode district.
const DEMO_AREAS: &[(&str, &str)] = &[
    ("Northgate", "OL1"),
    ("Riverside", "OL4"),
    ("St Mary's", "OL8"),
    ("Hollins", "OL9"),
    ("Westwood", "OL2"),
    ("Greenacres", "OL6"),
];

/// Letters allowed in the last two places of a UK postcode.
const POSTCODE_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// The languages the demo pantry offers besides English, and one in `1 / OTHER_LANGUAGE_ODDS`
/// of its households prefers one of them.
const DEMO_LANGUAGES: &[&str] = &["pl", "ar", "so", "ur", "uk"];
const OTHER_LANGUAGE_ODDS: u8 = 6;

/// Days the demo pantry opens, with its opening hours.
const OPEN_DAYS: &[Weekday] = &[Weekday::Tue, Weekday::Thu, Weekday::Sat];

/// Makes the demo pantry in the data folder's database, which must be empty: it is made in
/// a staged file and put in place whole, so a demo stopped half-made (a closed terminal, a
/// killed process) leaves the database empty, and the command can simply be run again.
pub async fn make(
    data_dir: &std::path::Path,
    keys: &KeyStore,
    spec: &DemoSpec,
) -> Result<DemoSummary> {
    // Opened as any command opens it first: a new pantry gets its key.
    let (current, _) = Db::open_in(data_dir, keys).await?;
    let db_path = current.path().to_owned();
    current.close().await;
    let lock = DbLock::exclusive(&db_path)?;
    let key = db::key_for(&db_path, keys)?;
    let (current, _) = Db::open_locked(&db_path, &lock, &key).await?;
    let empty = refuse_unless_empty(&current, spec).await;
    current.close().await;
    empty?;
    let staged = files::stage_beside(&db_path, |_| Ok(()))?;
    let (demo, _) = Db::open_locked(staged.path(), &lock, &key).await?;
    let made = match generate(&demo, spec).await {
        Ok(summary) => demo.checkpoint().await.map(|()| summary),
        Err(err) => Err(err),
    };
    demo.close().await;
    let summary = made?;
    db::put_in_place(staged, &db_path)?;
    // The empty database's trail is gone with it.
    keys.remember_head(&db_path, "");
    Ok(summary)
}

/// Refuses a database that holds anything of a pantry: a real pantry's settings, volunteers
/// or stock never get synthetic data mixed in.
async fn refuse_unless_empty(db: &Db, spec: &DemoSpec) -> Result<()> {
    let existing = store::household_count(&mut db.acquire().await?).await?;
    if existing > 0 {
        return Err(Error::Conflict(format!(
            "This database already holds {existing} households; demo data only goes into an empty pantry. \
             Use a new data directory (--data-dir)."
        )));
    }
    if spec.households > membership::MAX_SERIAL {
        return Err(Error::invalid(
            "households",
            "Choose at most 9,999,999 households.",
        ));
    }
    if let Some(real) = settings::load(db).await? {
        return Err(Error::Conflict(format!(
            "This database is already set up as {}; demo data only goes into an empty pantry. \
             Nothing was changed. Use a new data directory (--data-dir).",
            real.name
        )));
    }
    Ok(())
}

/// Fills an empty database with a demo pantry: settings, households and visits (`make` puts
/// one in a data folder; tests and benchmarks fill a database of their own).
pub async fn generate(db: &Db, spec: &DemoSpec) -> Result<DemoSummary> {
    refuse_unless_empty(db, spec).await?;
    let settings = settings::save(
        db,
        &demo_settings_form(),
        &Actor::system("demo-data", Role::Admin),
    )
    .await?;
    crate::i18n::save_member_text_settings(
        db,
        &MemberTextForm {
            languages: DEMO_LANGUAGES.iter().map(|c| (*c).to_owned()).collect(),
            opening_times: String::new(),
        },
        &Actor::system("demo-data", Role::Admin),
    )
    .await?;
    let tz: Tz = settings
        .time_zone
        .parse()
        .map_err(|_| Error::invalid("timeZone", "The saved time zone is not recognised."))?;
    let areas: Vec<(i64, String)> = settings
        .neighbourhoods
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let district = DEMO_AREAS
                .iter()
                .find(|(name, _)| *name == n.name)
                .map_or_else(|| format!("ZZ{}", i % 99 + 1), |(_, d)| (*d).to_owned());
            (n.id, district)
        })
        .collect();

    let mut rng = fastrand::Rng::with_seed(spec.seed);
    // Languages come from a stream of their own, so every other draw is as it was for a seed.
    let mut tongues = fastrand::Rng::with_seed(spec.seed ^ 0x1a46_0a6e);
    // No visit is made up for later today.
    let now = db.now();
    let until = spec.until.unwrap_or_else(|| settings.date_at(now));
    let first_day = until - Duration::weeks(i64::from(spec.weeks));
    let mut households = Vec::with_capacity(spec.households as usize);
    let mut visits = Vec::new();
    for serial in 1..=spec.households {
        let mut h = demo_household(&mut rng, serial, &areas, first_day, until, spec, &settings)?;
        if tongues.u8(0..OTHER_LANGUAGE_ODDS) == 0 {
            h.language = *pick(&mut tongues, DEMO_LANGUAGES);
            h.record.language = h.language.to_owned();
        }
        demo_visits(
            &mut rng,
            serial,
            &h,
            first_day,
            until,
            tz,
            &settings,
            now,
            &mut visits,
        );
        households.push(h);
    }
    // Outreach draws from a stream of its own too.
    let mut reach = fastrand::Rng::with_seed(spec.seed ^ 0x0d31_7e5e);
    let outreach_plan = outreach::plan(&households, until, first_day);
    let stops = outreach::visits(&mut reach, &outreach_plan, &households, tz, &mut visits);

    let records: Vec<HouseholdRecord> = households.iter().map(|h| h.record.clone()).collect();
    let mut tx = db.begin_write().await?;
    crate::households::insert_registered(&mut tx, &records, &[]).await?;
    // Demo members already hold their first card, printed when they joined.
    let first_cards: Vec<(i64, DateTime<Utc>)> = records
        .iter()
        .map(|r| {
            (
                r.id,
                Utc.from_utc_datetime(&r.joined_on.and_time(NaiveTime::MIN)),
            )
        })
        .collect();
    crate::cards::issue_first(&mut tx, &first_cards, true).await?;
    store::insert_visits(&mut tx, &visits).await?;
    let (rounds, calls) = outreach::write(
        &mut tx,
        &mut reach,
        &outreach_plan,
        &households,
        &stops,
        tz,
        until,
        now,
    )
    .await?;
    for (name, role, pin) in DEMO_VOLUNTEERS {
        let pin_hash = crate::volunteers::hash_pin(pin)?;
        store::insert_volunteer(&mut tx, name, role.code(), &pin_hash, now).await?;
    }
    let made = if spec.no_referrals {
        Vec::new()
    } else {
        store::insert_agencies(&mut tx, &referrals::agencies(now)).await?;
        referrals::referrals(
            &mut rng,
            &visits,
            i64::from(settings.referral_follow_up_days),
            until,
            now,
        )
    };
    store::insert_referrals(&mut tx, &made).await?;
    let renewals = referrals::renewals(
        &households,
        first_day,
        until,
        i64::from(settings.membership_weeks),
    );
    store::insert_renewals(&mut tx, &renewals).await?;
    let stock_start = (until - Duration::weeks(STOCK_WEEKS)).max(first_day);
    let mut takings: Vec<stock::Taking> = visits
        .iter()
        .enumerate()
        .filter(|(_, v)| v.local_date >= stock_start)
        .map(|(i, v)| stock::Taking {
            visit_id: i as i64 + 1,
            at: v.at,
            local_date: v.local_date,
            items: v.items,
        })
        .collect();
    takings.sort_by_key(|t| t.at);
    let recent = takings.split_off(takings.len().saturating_sub(MAX_VISITS_WITH_ITEMS));
    // When older visits in the window are left without items, stock starts with the rest.
    let start = match (takings.is_empty(), recent.first()) {
        (false, Some(first)) => first.local_date,
        _ => stock_start,
    };
    let stock = stock::generate(
        &mut tx,
        &mut rng,
        tz,
        now,
        (first_day, start, until),
        &recent,
    )
    .await?;
    outreach::standard_parcel(&mut tx).await?;
    tx.commit().await?;
    Ok(DemoSummary {
        households: households.len() as u64,
        visits: visits.len() as u64,
        items: stock.items as u64,
        stock_movements: stock.movements as u64,
        referrals: made.len() as u64,
        renewals: renewals.len() as u64,
        delivery_rounds: rounds as u64,
        welfare_calls: calls as u64,
        until,
    })
}

/// The first 50 households not erased, for the crash-safety tests' counter exerciser
/// (`tests/tools/exercise_counter.rs`) to record visits for.
pub async fn first_households(db: &Db) -> Result<Vec<i64>> {
    let ids = store::first_households(&mut db.acquire().await?, 50).await?;
    if ids.is_empty() {
        return Err(Error::Conflict(
            "There are no households: run demo-data first.".into(),
        ));
    }
    Ok(ids)
}

/// The demo pantry's settings, used when the database has none.
pub fn demo_settings_form() -> SettingsForm {
    SettingsForm {
        name: "Demo Community Pantry".into(),
        short_code: "DEMO".into(),
        address: "1 Example Street, Demo Town".into(),
        landlord_name: "Example Homes Housing Association".into(),
        neighbourhoods: DEMO_AREAS
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join("\n"),
        districts: DEMO_AREAS
            .iter()
            .map(|(name, district)| format!("{district} = {name}"))
            .collect::<Vec<_>>()
            .join("\n"),
        ..SettingsForm::default()
    }
}

struct DemoHousehold {
    record: HouseholdRecord,
    left_on: Option<NaiveDate>,
    /// Chance of coming in any one week.
    attendance: f64,
    /// `record.language`, as each of its visits keeps it.
    language: &'static str,
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn demo_household(
    rng: &mut fastrand::Rng,
    serial: u32,
    areas: &[(i64, String)],
    first_day: NaiveDate,
    until: NaiveDate,
    spec: &DemoSpec,
    settings: &settings::Settings,
) -> Result<DemoHousehold> {
    let number = membership::number_for_serial(serial).ok_or_else(|| {
        Error::invalid("households", "Too many households for membership numbers.")
    })?;
    let (neighbourhood_id, district) = pick(rng, areas);
    let inward = format!(
        "{}{}{}",
        rng.u8(1..10),
        char::from(*pick(rng, POSTCODE_LETTERS)),
        char::from(*pick(rng, POSTCODE_LETTERS))
    );
    let adults = match rng.u8(0..10) {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    let children = match rng.u8(0..10) {
        0..=3 => 0,
        4..=5 => 1,
        6..=7 => 2,
        8 => 3,
        _ => 4,
    };
    // Seven in ten were members before the period began; the rest join during it.
    let span_days = i64::from(spec.weeks) * 7;
    let joined = if rng.u8(0..10) < 7 {
        first_day - Duration::days(rng.i64(0..365))
    } else {
        first_day + Duration::days(rng.i64(0..span_days.max(1)))
    };
    let length = Duration::weeks(i64::from(settings.membership_weeks));
    let mut expires = joined + length;
    while expires < until {
        expires += length;
    }
    let (status, left_on) = match rng.u8(0..100) {
        0..=2 => (
            Status::Left,
            Some(joined + Duration::days(rng.i64(7..(span_days + 8)))),
        ),
        3..=7 => (Status::Paused, None),
        _ => (Status::Active, None),
    };
    let tenant = rng.u8(0..100) < 65;
    let created_at = Utc.from_utc_datetime(&joined.and_time(NaiveTime::MIN));
    let allergies: &[Allergen] = match rng.u8(0..20) {
        0 => &[Allergen::Peanuts, Allergen::TreeNuts],
        1 => &[Allergen::Milk],
        2 => &[Allergen::Gluten],
        _ => &[],
    };
    let dietary: &[Dietary] = match rng.u8(0..10) {
        0 => &[Dietary::Halal],
        1 => &[Dietary::Vegetarian],
        2 => &[Dietary::Diabetic],
        _ => &[],
    };
    let record = HouseholdRecord {
        id: i64::from(serial),
        membership_number: number,
        lead_name: format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, SURNAMES)),
        adults,
        children,
        postcode: format!("{district} {inward}"),
        postcode_district: district.clone(),
        neighbourhood_id: Some(*neighbourhood_id),
        landlord_tenant: tenant,
        tenancy_ref: if tenant {
            format!("T{:06}", rng.u32(0..1_000_000))
        } else {
            String::new()
        },
        // Ofcom's range for drama (07700 900000–900999), so no real phone is ever listed.
        phone: if serial <= 1000 {
            format!("07700 900{:03}", serial - 1)
        } else {
            String::new()
        },
        email: if rng.u8(0..10) < 3 {
            format!("member{serial}@example.org")
        } else {
            String::new()
        },
        dietary: flags_to_text(dietary, Dietary::code),
        allergies: flags_to_text(allergies, Allergen::code),
        dietary_notes: String::new(),
        notes: String::new(),
        consent_at: Some(created_at),
        consent_version: Some(CONSENT_VERSION.to_owned()),
        joined_on: joined,
        expires_on: expires,
        status,
        created_at,
        language: crate::i18n::ENGLISH.to_owned(),
    };
    Ok(DemoHousehold {
        record,
        left_on,
        attendance: 0.35 + rng.f64() * 0.6,
        language: crate::i18n::ENGLISH,
    })
}

#[allow(clippy::too_many_arguments)]
fn demo_visits(
    rng: &mut fastrand::Rng,
    serial: u32,
    h: &DemoHousehold,
    first_day: NaiveDate,
    until: NaiveDate,
    tz: Tz,
    settings: &settings::Settings,
    not_after: DateTime<Utc>,
    out: &mut Vec<NewVisit>,
) {
    let last_day = h.left_on.map_or(until, |l| l.min(until));
    let joined = h.record.joined_on;
    let mut week_start =
        first_day - Duration::days(i64::from(first_day.weekday().num_days_from_monday()));
    while week_start <= last_day {
        if rng.f64() < h.attendance {
            let day =
                week_start + Duration::days(i64::from(pick(rng, OPEN_DAYS).num_days_from_monday()));
            if day >= joined && day >= first_day && day <= last_day {
                let minutes = rng.u32(10 * 60..15 * 60);
                let local = day.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minutes));
                if let Some(at) = tz.from_local_datetime(&local).earliest() {
                    let method = match rng.u8(0..20) {
                        0..=11 => "cash",
                        12..=17 => "card",
                        18 => "voucher",
                        _ => "waived",
                    };
                    let items = i64::from(settings.items_per_visit) - i64::from(rng.u8(0..10) == 0);
                    let volunteer = VOLUNTEERS[rng.usize(..VOLUNTEERS.len())];
                    // Every draw is made first, so skipping a visit still to come keeps the
                    // rest of the data the same for a seed.
                    let at = at.with_timezone(&Utc);
                    if at <= not_after {
                        out.push(NewVisit {
                            household_id: i64::from(serial),
                            at,
                            local_date: day,
                            items,
                            fee_pence: if method == "waived" {
                                0
                            } else {
                                i64::from(settings.weekly_fee_pence)
                            },
                            fee_method: method,
                            volunteer,
                            adults: h.record.adults,
                            children: h.record.children,
                            neighbourhood_id: h.record.neighbourhood_id,
                            landlord_tenant: h.record.landlord_tenant,
                            language: h.language,
                            method: "counter",
                        });
                    }
                }
            }
        }
        week_start += Duration::weeks(1);
    }
}
