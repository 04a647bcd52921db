//! Volunteers and roles: every protected operation called as each role (refusals are
//! recorded), PINs only as hashes, lock-out after repeated wrong PINs, sign-ins audited.
#![allow(clippy::unwrap_used)]

mod common;

use pantry::audit::{self, AuditFilter};
use pantry::backups;
use pantry::households::form::HouseholdForm;
use pantry::households::protection;
use pantry::import;
use pantry::reports::export::{self, ReportFormat};
use pantry::reports::{self, Period};
use pantry::stock::{self, counts, CounterStock, StockSettingsForm};
use pantry::volunteers::{self, Actor, Role, VolunteerForm};
use pantry::{households, settings, Db, Error};

fn as_role(role: Role) -> Actor {
    Actor::system(role.label(), role)
}

/// Runs every protected operation as `actor`; returns which were refused.
async fn refused_as(db: &Db, dir: &std::path::Path, actor: &Actor) -> Vec<&'static str> {
    let mut refused = Vec::new();
    let mut note = |name: &'static str, result: Result<(), Error>| match result {
        Err(Error::Forbidden(message)) => {
            assert!(message.contains(actor.role.label()), "{message}");
            refused.push(name);
        }
        Err(other) => panic!(
            "{name} as {:?} failed for another reason: {other}",
            actor.role
        ),
        Ok(()) => {}
    };
    let form = HouseholdForm {
        lead_name: format!("{} household", actor.role.label()),
        adults: "1".into(),
        children: "0".into(),
        postcode: "OL1 3BQ".into(),
        consent_given: true,
        ..HouseholdForm::default()
    };
    let keep = households::register(db, &form, Some("test"), &actor.name)
        .await
        .unwrap()
        .id;
    let gone = households::register(
        db,
        &HouseholdForm {
            lead_name: format!("{} other", actor.role.label()),
            ..form.clone()
        },
        Some("test"),
        &actor.name,
    )
    .await
    .unwrap();

    note(
        "subject access",
        protection::subject_access(db, keep, actor)
            .await
            .map(|_| ()),
    );
    note(
        "merge",
        households::merge(db, keep, gone.id, actor)
            .await
            .map(|_| ()),
    );
    note(
        "erase",
        protection::erase(db, keep, actor).await.map(|_| ()),
    );
    let sheet = import::read_sheet(b"Name,Postcode\nAmy Adams,OL1 3BQ\n", "m.csv").unwrap();
    note(
        "import members",
        import::import(
            db,
            &sheet,
            &import::suggest_mapping(&sheet.headers),
            actor,
            &mut |_| {},
        )
        .await
        .map(|_| ()),
    );
    let stock_sheet = import::read_sheet(b"Name,Quantity\nTea,1\n", "s.csv").unwrap();
    note(
        "import stock",
        pantry::stock::opening::import_opening(db, &stock_sheet, true, false, actor)
            .await
            .map(|_| ()),
    );
    let period = Period::parse("2026-10").unwrap();
    let out = dir.join(format!("{}.csv", actor.role.code()));
    note(
        "export",
        export::export_summary(
            db,
            &period,
            ReportFormat::Csv,
            Some((&out, pantry::output::Existing::Refuse)),
            actor,
        )
        .await
        .map(|_| ()),
    );
    note(
        "audit trail",
        audit::list(db, &AuditFilter::default(), actor)
            .await
            .map(|_| ()),
    );
    match counts::start_count(db, actor).await {
        Ok(c) => {
            note(
                "count",
                counts::cancel_count(db, c.id, actor).await.map(|_| ()),
            );
        }
        other => note("count", other.map(|_| ())),
    }
    note(
        "settings",
        settings::save(db, &common::hillside_form(), actor)
            .await
            .map(|_| ()),
    );
    let stock_form = StockSettingsForm {
        counter_stock: CounterStock::Count,
        points_per_visit: "0".into(),
        use_by_warning_days: "3".into(),
        bands: Vec::new(),
    };
    note(
        "stock settings",
        stock::save_stock_settings(db, &stock_form, actor)
            .await
            .map(|_| ()),
    );
    note(
        "report settings",
        reports::save_report_settings(db, &reports::report_settings(db).await.unwrap(), actor)
            .await
            .map(|_| ()),
    );
    note(
        "backup settings",
        backups::save_settings(db, "", "14", actor)
            .await
            .map(|_| ()),
    );
    let volunteer = VolunteerForm {
        id: None,
        name: format!("new {}", actor.role.code()),
        role: Role::Counter,
        pin: "4321".into(),
        active: true,
    };
    note(
        "volunteers",
        volunteers::save_volunteer(db, actor, &volunteer)
            .await
            .map(|_| ()),
    );
    note(
        "idle lock",
        volunteers::save_idle_lock_minutes(db, actor, "15")
            .await
            .map(|_| ()),
    );
    refused
}

#[tokio::test]
async fn each_protected_operation_is_checked_for_each_role() {
    let (dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let manager_only = [
        "subject access",
        "merge",
        "erase",
        "import members",
        "import stock",
        "export",
        "audit trail",
        "count",
    ];
    let admin_only = [
        "settings",
        "stock settings",
        "report settings",
        "backup settings",
        "volunteers",
        "idle lock",
    ];

    let counter = refused_as(&db, dir.path(), &as_role(Role::Counter)).await;
    assert_eq!(
        counter,
        [manager_only.as_slice(), admin_only.as_slice()].concat()
    );
    let manager = refused_as(&db, dir.path(), &as_role(Role::Manager)).await;
    assert_eq!(manager, admin_only);
    let admin = refused_as(&db, dir.path(), &as_role(Role::Admin)).await;
    assert!(admin.is_empty(), "{admin:?}");

    // Every refusal is in the audit trail.
    let refusals = audit::list(
        &db,
        &AuditFilter {
            action: "refused".into(),
            ..AuditFilter::default()
        },
        &common::manager(),
    )
    .await
    .unwrap();
    assert_eq!(refusals.matching as usize, counter.len() + manager.len());
}

#[tokio::test]
async fn sign_in_locks_out_after_wrong_pins_and_is_audited() {
    let (_dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    assert!(volunteers::needs_first_admin(&db).await.unwrap());
    let Error::Validation(fields) = volunteers::create_first_admin(&db, "Alex", "12")
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(fields[0].field, "adminPin");
    let alex = volunteers::create_first_admin(&db, "Alex", "2468")
        .await
        .unwrap();
    assert_eq!(alex.role, Role::Admin);
    assert!(matches!(
        volunteers::create_first_admin(&db, "Eve", "1357")
            .await
            .unwrap_err(),
        Error::Conflict(_)
    ));

    let sam = volunteers::save_volunteer(
        &db,
        &alex,
        &VolunteerForm {
            id: None,
            name: "Sam".into(),
            role: Role::Counter,
            pin: "1111".into(),
            active: true,
        },
    )
    .await
    .unwrap();
    // The PIN is stored only as an Argon2 hash.
    let stored: String = sqlx::query_scalar("SELECT pin_hash FROM volunteers WHERE id = ?")
        .bind(sam.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2") && !stored.contains("1111"));
    let signed = volunteers::sign_in(&db, "sam", "1111").await.unwrap();
    assert_eq!((signed.name.as_str(), signed.role), ("Sam", Role::Counter));

    for attempt in 1..volunteers::MAX_ATTEMPTS {
        let Error::Validation(fields) = volunteers::sign_in(&db, "Sam", "9999").await.unwrap_err()
        else {
            panic!()
        };
        assert!(fields[0].message.contains(&format!(
            "{} tries left",
            volunteers::MAX_ATTEMPTS - attempt
        )));
    }
    assert!(matches!(
        volunteers::sign_in(&db, "Sam", "9999").await.unwrap_err(),
        Error::Forbidden(_)
    ));
    // Locked out: even the right PIN is refused for now.
    let Error::Forbidden(message) = volunteers::sign_in(&db, "Sam", "1111").await.unwrap_err()
    else {
        panic!()
    };
    assert!(message.contains("too many wrong PINs"));
    // An admin resetting the PIN lifts the lock.
    volunteers::save_volunteer(
        &db,
        &alex,
        &VolunteerForm {
            id: Some(sam.id),
            name: "Sam".into(),
            role: Role::Counter,
            pin: "2222".into(),
            active: true,
        },
    )
    .await
    .unwrap();
    volunteers::sign_in(&db, "Sam", "2222").await.unwrap();

    // The last admin cannot be demoted.
    let Error::Validation(fields) = volunteers::save_volunteer(
        &db,
        &alex,
        &VolunteerForm {
            id: alex.id,
            name: "Alex".into(),
            role: Role::Manager,
            pin: String::new(),
            active: true,
        },
    )
    .await
    .unwrap_err() else {
        panic!()
    };
    assert_eq!(fields[0].field, "role");

    let trail = audit::list(&db, &AuditFilter::default(), &alex)
        .await
        .unwrap();
    let count = |action: &str| trail.entries.iter().filter(|e| e.action == action).count();
    assert_eq!(
        (count("signed-in"), count("sign-in-failed")),
        (2, volunteers::MAX_ATTEMPTS as usize)
    );
    assert!(trail
        .entries
        .iter()
        .all(|e| !e.details.contains("1111") && !e.details.contains("2222")));
}
