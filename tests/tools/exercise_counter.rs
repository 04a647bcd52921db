//! For the crash-safety tests, not shipped: records check-ins at the counter for the first
//! households of a demo pantry (each shopping again with an override), as fast as it can,
//! printing each visit's id once it is committed, so that a test can kill it at any moment
//! and then look for every visit it was told of.
//!
//! `exercise-counter DATA_DIR VISITS`, signed in as PANTRY_VOLUNTEER with PANTRY_PIN. Built
//! only with the `test-support` feature, which only the tests turn on.

use std::io::Write;
use std::path::PathBuf;

use pantry::keys::KeyStore;
use pantry::visits::{self, FeeMethod, VisitForm};
use pantry::Db;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(visits)) = (args.next(), args.next()) else {
        return Err("usage: exercise-counter DATA_DIR VISITS".into());
    };
    let visits: usize = visits.parse()?;
    let (db, _) = Db::open_in(&PathBuf::from(dir), &KeyStore::from_env()).await?;
    let actor = pantry::volunteers::sign_in(
        &db,
        &std::env::var("PANTRY_VOLUNTEER")?,
        &std::env::var("PANTRY_PIN")?,
    )
    .await?;
    let ids = pantry::demo::first_households(&db).await?;
    let mut out = std::io::stdout().lock();
    for n in 0..visits {
        let id = ids[n % ids.len()];
        let check_in = visits::check_in(&db, id, None, &actor).await?;
        let form = VisitForm {
            household_id: id,
            request_id: check_in.request_id,
            card_number: None,
            items: "10".into(),
            fee_method: FeeMethod::Cash,
            note: String::new(),
            override_reason: Some("exercise".into()),
            lines: Vec::new(),
        };
        let visit = visits::record_visit(&db, &form, &actor).await?;
        writeln!(out, "{}", visit.id)?;
        out.flush()?;
    }
    db.close().await;
    Ok(())
}
