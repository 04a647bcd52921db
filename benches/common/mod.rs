//! What every benchmark starts from.

use std::time::Instant;

use chrono::NaiveDate;
use pantry::demo::{self, DemoSpec};
use pantry::keys::KeyStore;
use pantry::Db;

/// A new, empty pantry database in a temporary folder, encrypted as on a volunteer's laptop
/// (its key in a key folder beside it). The folder is removed when the first value is dropped.
pub async fn encrypted_pantry() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = Db::open_in(dir.path(), &KeyStore::Folder(dir.path().join("keys")))
        .await
        .unwrap();
    (dir, db)
}

/// Fills `db` with a demo pantry of `households` and `weeks` of visits up to 21 November 2026,
/// and prints how long that took.
#[allow(dead_code)]
pub async fn demo_pantry(db: &Db, households: u32, weeks: u32, seed: u64) {
    let spec = DemoSpec {
        households,
        weeks,
        seed,
        until: NaiveDate::from_ymd_opt(2026, 11, 21),
        no_referrals: false,
    };
    let started = Instant::now();
    demo::generate(db, &spec).await.unwrap();
    println!(
        "demo data: {households} households, {weeks} weeks of visits in {:.2} s",
        started.elapsed().as_secs_f64()
    );
}

/// A counter volunteer signed in, for the reads every volunteer may make.
#[allow(dead_code)]
pub fn volunteer() -> pantry::access::Actor {
    pantry::access::Actor::for_tests("bench", pantry::access::Role::Counter)
}

/// The `q` quantile of sorted times, in milliseconds.
#[allow(dead_code)]
pub fn p(sorted: &[std::time::Duration], q: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0
}

/// A typist's slip in the surname, chosen by `n`: two letters swapped, one left out, one
/// doubled or one changed ("Brown" → "Brwon", "Iqbl", "Bbrown", "Bqown").
fn typo(word: &str, n: usize) -> String {
    let mut c: Vec<char> = word.chars().collect();
    let i = 1 + n % (c.len() - 2).max(1);
    match n % 4 {
        0 => c.swap(i, i + 1),
        1 => {
            c.remove(i);
        }
        2 => c.insert(i, c[i]),
        _ => c[i] = if c[i] == 'q' { 'x' } else { 'q' },
    }
    c.into_iter().collect()
}

/// What a counter volunteer types, drawn from a laptop database's own households: queries
/// by kind, and names typed with a typo with the folded name each must find.
#[allow(dead_code)]
pub struct Searches {
    pub queries: Vec<(&'static str, String)>,
    pub typos: Vec<(String, String)>,
}

#[allow(dead_code)]
pub async fn search_queries(db: &Db) -> Searches {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT membership_number, lead_name, postcode, phone FROM households ORDER BY random() LIMIT 400",
    )
    .fetch_all(db.pool().unwrap())
    .await
    .unwrap();
    let mut queries: Vec<(&str, String)> = Vec::new();
    let mut typos: Vec<(String, String)> = Vec::new();
    for (n, (number, name, postcode, phone)) in rows.iter().enumerate() {
        let surname = name.rsplit(' ').next().unwrap().to_owned();
        let first: String = name.chars().take(3).collect();
        queries.push(("exact number", number.clone()));
        queries.push(("number prefix", number[..5].to_owned()));
        queries.push(("name prefix", first));
        queries.push(("surname", surname.chars().take(5).collect()));
        queries.push((
            "first + surname",
            format!("{} {}", name.split(' ').next().unwrap(), &surname),
        ));
        queries.push(("postcode", postcode[..5].to_owned()));
        if !phone.is_empty() {
            queries.push(("phone prefix", phone[..8].to_owned()));
        }
        let folded = pantry::text::fold(name);
        let (first_name, surname) = folded.rsplit_once(' ').unwrap();
        if surname.len() >= 4 && surname.bytes().all(|b| b.is_ascii_alphabetic()) {
            typos.push((format!("{first_name} {}", typo(surname, n)), folded.clone()));
        }
    }
    for fixed in ["fatima brwon", "amelia iqbl", "siobhan dogan"] {
        typos.push((fixed.into(), String::new()));
    }
    queries.push(("accent-free", "zoe".into()));
    queries.push(("accent-free", "lucja nowak".into()));
    Searches { queries, typos }
}

/// Search times, each list sorted.
#[allow(dead_code)]
pub struct SearchTimes {
    pub all: Vec<std::time::Duration>,
    pub by_kind: std::collections::BTreeMap<&'static str, Vec<std::time::Duration>>,
    pub typo: Vec<std::time::Duration>,
}

/// Runs every query three times through the library (after a warm-up), checking that each
/// finds what it should.
#[allow(dead_code)]
pub async fn measure_search(db: &Db, searches: &Searches) -> SearchTimes {
    use pantry::households::search::search;
    for (_, q) in searches.queries.iter().take(200) {
        search(db, q, 20, &volunteer()).await.unwrap();
    }
    let mut times = SearchTimes {
        all: Vec::new(),
        by_kind: Default::default(),
        typo: Vec::new(),
    };
    for _ in 0..3 {
        for (kind, q) in &searches.queries {
            let t = Instant::now();
            let found = search(db, q, 20, &volunteer()).await.unwrap();
            let took = t.elapsed();
            assert!(
                !found.is_empty() || *kind == "accent-free",
                "{kind} {q:?} found nothing"
            );
            times.all.push(took);
            times.by_kind.entry(kind).or_default().push(took);
        }
        for (q, meant) in &searches.typos {
            let t = Instant::now();
            let found = search(db, q, 20, &volunteer()).await.unwrap();
            times.typo.push(t.elapsed());
            assert!(!found.is_empty(), "typo {q:?} found nothing");
            assert!(
                meant.is_empty()
                    || found
                        .iter()
                        .any(|h| pantry::text::fold(&h.lead_name) == *meant),
                "typo {q:?} did not find {meant:?}"
            );
        }
    }
    times.all.sort();
    times.typo.sort();
    for list in times.by_kind.values_mut() {
        list.sort();
    }
    times
}

/// One check-in at the counter through the library: the card scanned, the household found
/// eligible, the visit recorded.
#[allow(dead_code)]
pub async fn check_in(db: &Db, card: &str) {
    use pantry::access::{Actor, Role};
    use pantry::visits::{self, FeeMethod, ScanOutcome, VisitForm};
    let ScanOutcome::Found { check_in } = visits::scan(db, card, &volunteer()).await.unwrap()
    else {
        panic!("card {card} not found")
    };
    assert!(check_in.verdict.eligible, "{:?}", check_in.verdict);
    let form = VisitForm {
        household_id: check_in.household.id,
        request_id: check_in.request_id.clone(),
        card_number: check_in.card_number.clone(),
        items: check_in.items_default.to_string(),
        fee_method: FeeMethod::Cash,
        note: String::new(),
        override_reason: None,
        lines: Vec::new(),
    };
    visits::record_visit(db, &form, &Actor::for_tests("bench", Role::Counter))
        .await
        .unwrap();
}

/// Fills `db` with a demo pantry of 100,000 households and `weeks` of visits up to
/// yesterday (so today at the counter starts empty), and prints what it made.
#[allow(dead_code)]
pub async fn demo_until_yesterday(db: &Db, weeks: u32, seed: u64) -> demo::DemoSummary {
    let until = chrono::Utc::now().date_naive().pred_opt().unwrap();
    let started = Instant::now();
    let made = demo::generate(
        db,
        &DemoSpec {
            households: 100_000,
            weeks,
            seed,
            until: Some(until),
            no_referrals: false,
        },
    )
    .await
    .unwrap();
    println!(
        "demo data: {} households, {} visits in {:.1} s",
        made.households,
        made.visits,
        started.elapsed().as_secs_f64()
    );
    made
}

/// `n` households that may shop today (active, in date, not yet in this week), with their
/// cards, in random order; and the start of this week.
#[allow(dead_code)]
pub async fn may_shop_today(db: &Db, n: i64) -> (Vec<(i64, String)>, String) {
    let settings = pantry::settings::require(db).await.unwrap();
    let today = settings.date_at(db.now());
    let week_start = pantry::clock::week_start_of(today, settings.week_start).to_string();
    let cards: Vec<(i64, String)> = sqlx::query_as(
        "SELECT h.id, c.card_number FROM households h JOIN cards c ON c.household_id = h.id AND c.revoked_at IS NULL
         WHERE h.status = 'active' AND h.expires_on >= ?1 AND h.consent_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id AND v.local_date >= ?2)
         ORDER BY random() LIMIT ?3",
    )
    .bind(today.to_string())
    .bind(&week_start)
    .bind(n)
    .fetch_all(db.pool().unwrap())
    .await
    .unwrap();
    assert_eq!(cards.len() as i64, n, "households that may shop today");
    (cards, week_start)
}
