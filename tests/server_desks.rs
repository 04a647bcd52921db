//! Several desks on one database at once (real connections and real processes, at the same
//! moment): one household checked in at eight desks gets one visit; registrations get
//! distinct membership numbers, and the audit trail stays one unbroken chain, however their
//! transactions interleave.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Stdio;

on_both_engines! {
    /// Eight desks, each with its volunteer signed in, scan one household's number at the
    /// same moment (eight `pantry visit` processes): exactly one visit is recorded, and the
    /// seven others are told that the household already visited this week and exit with
    /// failure.
    async fn eight_desks_checking_one_household_in_at_once_record_one_visit(engine) {
        let (dir, db, env) = common::hillside_with_alex_on(engine).await;
        let household =
            pantry::members::register(&db, &common::household("Amira Haddad"), None, &common::admin())
                .await
                .unwrap();
        for desk in 1..=8 {
            common::add_volunteer(
                &db,
                &common::admin(),
                &format!("Desk{desk} Volunteer"),
                pantry::access::Role::Counter,
                "2468",
            )
            .await;
        }
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let desks: Vec<_> = (1..=8)
            .map(|desk| {
                let volunteer = format!("Desk{desk} Volunteer");
                common::pantry_command(
                    dir.path(),
                    Some((&volunteer, "2468")),
                    &env,
                    &["visit", &household.membership_number],
                )
                .env("PANTRY_DESK", format!("Desk {desk}"))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
            })
            .collect();
        let outputs: Vec<_> = desks
            .into_iter()
            .map(|d| d.wait_with_output().unwrap())
            .collect();
        let recorded: Vec<_> = outputs.iter().filter(|o| o.status.success()).collect();
        assert_eq!(recorded.len(), 1, "{outputs:#?}");
        assert!(common::stdout(recorded[0]).contains("Recorded: household"));
        assert_eq!(common::count(&db, "visits").await, 1);
        // The others are told when and at which desk the household was checked in.
        let (desk,): (String,) = common::rows(&db, "SELECT desk FROM visits", &[]).await.remove(0);
        assert!(desk.starts_with("Desk "), "{desk}");
        for refused in outputs.iter().filter(|o| !o.status.success()) {
            let said = common::stderr(refused);
            assert!(
                said.contains("Not eligible today: Already visited this week (today at ")
                    && said.contains(&format!(" at {desk})")),
                "{said}"
            );
        }
        // Each desk's sign-in is recorded at that desk, its link covering the desk's name.
        let signed_in: Vec<(String,)> = common::rows(
            &db,
            "SELECT desk FROM audit_log WHERE action = 'signed-in' AND desk IS NOT NULL ORDER BY desk",
            &[],
        )
        .await;
        let desks: Vec<String> = signed_in.into_iter().map(|(d,)| d).collect();
        assert_eq!(desks, (1..=8).map(|d| format!("Desk {d}")).collect::<Vec<_>>());
        assert_eq!(pantry::audit::chain::verify(&db).await.unwrap().broken, None);
        // A number that is no household's is told, and records nothing.
        let out = common::pantry_with(dir.path(), Some(("Alex", "3333")), &env, &["visit", "Amira"]);
        assert!(!out.status.success());
        assert!(common::stderr(&out).contains("not a card or membership number"));
        assert_eq!(common::count(&db, "visits").await, 1);
        db.close().await;
    }
}

on_both_engines! {
/// Four desks registering at once get distinct membership numbers; four desks writing a
/// thousand audit entries at once leave one unbroken chain.
async fn desks_registering_at_once_get_distinct_numbers_and_one_unbroken_trail(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    pantry::settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    // Four desks, each with its own connection from the pool, registering at once.
    let desks: Vec<_> = (0..4)
        .map(|desk| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut numbers = Vec::new();
                for i in 0..6 {
                    let form = common::household(&format!("Desk{desk} Member{i}"));
                    let h = pantry::members::register(
                        &db,
                        &form,
                        Some("a different household"),
                        &common::admin(),
                    )
                    .await
                    .unwrap();
                    numbers.push(h.membership_number);
                }
                numbers
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for desk in desks {
        numbers.extend(desk.await.unwrap());
    }
    let distinct: std::collections::BTreeSet<_> = numbers.iter().collect();
    assert_eq!(distinct.len(), 24, "{numbers:?}");
    // Desks writing things that take no other turn (agencies) still add to one chain.
    let desks: Vec<_> = (0..4)
        .map(|desk| {
            let db = db.clone();
            tokio::spawn(async move {
                for i in 0..250 {
                    let form = pantry::referrals::AgencyForm {
                        name: format!("Advice Desk {desk}-{i}"),
                        kind: Some(pantry::referrals::AgencyKind::Money),
                        phone: "0161 496 0000".into(),
                        ..pantry::referrals::AgencyForm::default()
                    };
                    pantry::referrals::save_agency(&db, None, &form, &common::admin())
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for desk in desks {
        desk.await.unwrap();
    }
    let check = pantry::audit::chain::verify(&db).await.unwrap();
    assert_eq!(check.broken, None);
    assert_eq!(check.head.entries, common::count(&db, "audit_log").await);
    assert!(check.head.entries >= 1024);
    db.close().await;
}
}

on_both_engines! {
    /// The same, at the moment of recording: eight desks that each checked the household in
    /// (the counter showed it may shop) press Record at once, each on its own connection.
    /// One visit is recorded; the seven others get the usual verdict, nothing half-written.
    async fn eight_desks_recording_one_household_at_once_record_one_visit(engine) {
        let (_dir, db, _) = common::hillside_with_alex_on(engine).await;
        let household =
            pantry::members::register(&db, &common::household("Amira Haddad"), None, &common::admin())
                .await
                .unwrap();
        let mut forms = Vec::new();
        for _ in 0..8 {
            let check_in = pantry::visits::check_in(&db, household.id, None, &common::admin())
                .await
                .unwrap();
            assert!(check_in.verdict.eligible);
            forms.push(pantry::visits::VisitForm {
                household_id: household.id,
                request_id: check_in.request_id,
                card_number: None,
                items: "10".into(),
                fee_method: pantry::visits::FeeMethod::Cash,
                note: String::new(),
                override_reason: None,
                lines: Vec::new(),
            });
        }
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(forms.len()));
        let desks: Vec<_> = forms
            .into_iter()
            .map(|form| {
                let (db, start) = (db.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    pantry::visits::record_visit(&db, &form, &common::manager()).await
                })
            })
            .collect();
        let mut recorded = 0;
        for desk in desks {
            match desk.await.unwrap() {
                Ok(_) => recorded += 1,
                Err(pantry::Error::NotEligible { reasons }) => {
                    assert!(reasons[0].starts_with("Already visited this week"), "{reasons:?}")
                }
                Err(other) => panic!("{other}"),
            }
        }
        assert_eq!(recorded, 1);
        assert_eq!(common::count(&db, "visits").await, 1);
        db.close().await;
    }
}

on_both_engines! {
    /// Desks often share one volunteer's name (a script at each desk, or a volunteer who
    /// signs in at a second desk): eight `pantry visit` processes signed in as one volunteer
    /// at once, each checking a different household in, are all signed in and all record
    /// their visit; the name is not locked out by its own right PIN, and no place is left
    /// taken.
    async fn eight_desks_signed_in_as_one_volunteer_at_once_all_sign_in(engine) {
        let (dir, db, env) = common::hillside_with_alex_on(engine).await;
        let mut numbers = Vec::new();
        for n in 1..=8 {
            let h = pantry::members::register(
                &db,
                &common::household(&format!("Member{n} Haddad")),
                Some("a different household"),
                &common::admin(),
            )
            .await
            .unwrap();
            numbers.push(h.membership_number);
        }
        common::add_volunteer(&db, &common::admin(), "Sam Okafor", pantry::access::Role::Counter, "2468").await;
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let desks: Vec<_> = numbers
            .iter()
            .map(|number| {
                common::pantry_command(dir.path(), Some(("Sam Okafor", "2468")), &env, &["visit", number])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for desk in desks {
            let out = desk.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", common::stderr(&out));
        }
        assert_eq!(common::count(&db, "visits").await, 8);
        let places: Vec<(i64, i64)> = common::rows(
            &db,
            "SELECT failed_attempts, pin_checks FROM volunteers WHERE name = 'Sam Okafor'",
            &[],
        )
        .await;
        assert_eq!(places, vec![(0, 0)]);
        pantry::volunteers::sign_in(&db, "Sam Okafor", "2468").await.unwrap();
        db.close().await;
    }
}

on_both_engines! {
    /// An undo and an erasure race a check-in of the same household: one order wins each
    /// time, and what is left agrees with what each desk was told (nothing half-done).
    async fn an_undo_and_an_erasure_racing_a_check_in_leave_one_order(engine) {
        let (_dir, db, _) = common::hillside_with_alex_on(engine).await;
        let household =
            pantry::members::register(&db, &common::household("Amira Haddad"), None, &common::admin())
                .await
                .unwrap();
        let first = common::visit(&db, household.id).await;
        // The visit is undone at one desk while another checks the household in again.
        let undo = {
            let db = db.clone();
            tokio::spawn(async move {
                pantry::visits::void_visit(&db, first.id, "recorded by mistake", &common::manager()).await
            })
        };
        let again = {
            let db = db.clone();
            tokio::spawn(async move {
                pantry::visits::record_scanned(
                    &db,
                    &household.membership_number,
                    Some(10),
                    pantry::visits::FeeMethod::Cash,
                    None,
                    &common::manager(),
                )
                .await
            })
        };
        undo.await.unwrap().unwrap();
        let again = again.await.unwrap();
        let live: Vec<(i64,)> = common::rows(
            &db,
            "SELECT COUNT(*) FROM visits WHERE household_id = $1 AND voided_at IS NULL",
            &[household.id],
        )
        .await;
        match again {
            // The undo went first: the new visit stands alone.
            Ok(_) => assert_eq!(live[0].0, 1),
            // The check-in went first and was refused: the week is free again.
            Err(pantry::Error::NotEligible { reasons }) => {
                assert!(reasons[0].starts_with("Already visited this week"), "{reasons:?}");
                assert_eq!(live[0].0, 0);
            }
            Err(other) => panic!("{other}"),
        }
        // The household is erased at one desk while another checks it in.
        let other =
            pantry::members::register(&db, &common::household("Tomasz Zielinski"), None, &common::admin())
                .await
                .unwrap();
        let erase = {
            let db = db.clone();
            tokio::spawn(async move {
                pantry::members::erasure::erase(&db, other.id, "asked to be forgotten", &common::admin()).await
            })
        };
        let check_in = {
            let db = db.clone();
            tokio::spawn(async move {
                pantry::visits::record_scanned(
                    &db,
                    &other.membership_number,
                    Some(10),
                    pantry::visits::FeeMethod::Cash,
                    None,
                    &common::manager(),
                )
                .await
            })
        };
        erase.await.unwrap().unwrap();
        let check_in = check_in.await.unwrap();
        let visits: Vec<(i64,)> = common::rows(
            &db,
            "SELECT COUNT(*) FROM visits WHERE household_id = $1",
            &[other.id],
        )
        .await;
        match check_in {
            // Checked in first: the visit stays as a count with nobody's name on it.
            Ok(_) => assert_eq!(visits[0].0, 1),
            // Erased first: the number is nobody's now, and no visit was written.
            Err(e) => {
                assert_eq!(visits[0].0, 0, "{e}");
            }
        }
        let names: Vec<(String,)> = common::rows(
            &db,
            "SELECT lead_name FROM households WHERE id = $1",
            &[other.id],
        )
        .await;
        assert!(!names[0].0.contains("Tomasz"));
        let check = pantry::audit::chain::verify(&db).await.unwrap();
        assert_eq!(check.broken, None);
        db.close().await;
    }
}

on_both_engines! {
    /// An admin names this computer's desk once (`pantry desk NAME`, kept in the data
    /// folder): the visits and audit entries written here record it without being told
    /// again; a counter volunteer may not rename it.
    async fn a_desk_named_once_is_recorded_with_its_visits_and_entries(engine) {
        let (dir, db, env) = common::hillside_with_alex_on(engine).await;
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let household =
            pantry::members::register(&db, &common::household("Amira Haddad"), None, &common::admin())
                .await
                .unwrap();
        common::add_volunteer(&db, &common::admin(), "Sam Okafor", pantry::access::Role::Counter, "2468").await;
        let out = common::pantry_with(dir.path(), Some(("Sam Okafor", "2468")), &env, &["desk", "Back room"]);
        assert!(!out.status.success());
        assert!(common::stderr(&out).contains("not allowed"), "{}", common::stderr(&out));
        let out = common::pantry_with(dir.path(), Some(("Alex", "3333")), &env, &["desk", "Front\tdoor"]);
        assert!(common::stderr(&out).contains("A desk's name is up to 40"), "{}", common::stderr(&out));
        let out = common::pantry_with(dir.path(), Some(("Alex", "3333")), &env, &["desk", " Front door "]);
        assert!(common::stdout(&out).contains("This computer is Front door"), "{}", common::stderr(&out));
        let out = common::pantry_with(
            dir.path(),
            Some(("Sam Okafor", "2468")),
            &env,
            &["visit", &household.membership_number],
        );
        assert!(out.status.success(), "{}", common::stderr(&out));
        let visits: Vec<(String,)> = common::rows(&db, "SELECT desk FROM visits", &[]).await;
        assert_eq!(visits, vec![("Front door".to_owned(),)]);
        let entries: Vec<(i64, String)> = common::rows(
            &db,
            "SELECT id, action FROM audit_log WHERE desk = 'Front door' ORDER BY id",
            &[],
        )
        .await;
        let actions: Vec<&str> = entries.iter().map(|(_, a)| a.as_str()).collect();
        assert!(actions.contains(&"desk.named") && actions.contains(&"signed-in"), "{actions:?}");
        assert_eq!(pantry::audit::chain::verify(&db).await.unwrap().broken, None);
        db.close().await;
    }
}

on_both_engines! {
    /// The stamp the screens watch moves when another desk (another connection, another
    /// process) records a visit, undoes it or takes stock, and stays when nothing was written.
    async fn the_activity_stamp_moves_with_every_change_at_any_desk(engine) {
        let (dir, db, env) = common::hillside_with_alex_on(engine).await;
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let household =
            pantry::members::register(&db, &common::household("Amira Haddad"), None, &common::admin())
                .await
                .unwrap();
        let first = pantry::desks::activity(&db, &common::admin()).await.unwrap();
        assert_eq!(pantry::desks::activity(&db, &common::admin()).await.unwrap(), first);
        let out = common::pantry_with(
            dir.path(),
            Some(("Alex", "3333")),
            &env,
            &["visit", &household.membership_number],
        );
        assert!(out.status.success(), "{}", common::stderr(&out));
        let second = pantry::desks::activity(&db, &common::admin()).await.unwrap();
        assert_ne!(second, first);
        let visit: Vec<(i64,)> = common::rows(&db, "SELECT id FROM visits", &[]).await;
        pantry::visits::void_visit(&db, visit[0].0, "scanned the wrong card", &common::manager())
            .await
            .unwrap();
        assert_ne!(pantry::desks::activity(&db, &common::admin()).await.unwrap(), second);
        db.close().await;
    }
}
