//! Households against a real database: register, edit with history, search, duplicates,
//! merge, erasure and retention.
#![allow(clippy::unwrap_used)]

mod common;

use pantry::access::Role;
use pantry::households::duplicates;
use pantry::households::form::{Allergen, Dietary, HouseholdForm, MemberForm};
use pantry::households::search::search;
use pantry::households::{self, ListQuery, Status};
use pantry::members;
use pantry::members::{erasure, protection};
use pantry::settings::{self, SettingsForm};
use pantry::{membership, Db, Error};

async fn pantry(engine: pantry::db::Engine) -> (tempfile::TempDir, Db) {
    let (dir, db) = common::fresh_db_on(engine).await;
    let form = SettingsForm {
        districts: "OL1 = Hillside\nOL4 = Brookfield".into(),
        ..common::hillside_form()
    };
    settings::save(&db, &form, &common::admin()).await.unwrap();
    (dir, db)
}

fn household(name: &str, postcode: &str) -> HouseholdForm {
    HouseholdForm {
        lead_name: name.into(),
        adults: "2".into(),
        children: "1".into(),
        postcode: postcode.into(),
        consent_given: true,
        ..HouseholdForm::default()
    }
}

on_both_engines! {
async fn registering_gives_a_checked_number_an_expiry_and_a_suggested_neighbourhood(engine) {
    let (_dir, db) = pantry(engine).await;
    let s = settings::require(&db).await.unwrap();
    let form = HouseholdForm {
        dietary: vec![Dietary::Halal],
        allergies: vec![Allergen::Peanuts],
        members: vec![MemberForm {
            first_name: "Ola".into(),
            birth_year: "2016".into(),
        }],
        ..household("Łucja Nowak-Wiśniewska", "ol1 3bq")
    };
    let h = members::register(&db, &form, None, &common::admin())
        .await
        .unwrap();
    assert!(membership::is_valid_number(&h.membership_number));
    assert_eq!(h.postcode, "OL1 3BQ");
    assert_eq!(h.postcode_district, "OL1");
    assert_eq!(
        h.neighbourhood.as_deref(),
        Some("Hillside"),
        "suggested from the mapped district"
    );
    assert_eq!(h.joined_on, s.date_at(db.now()).to_string());
    assert_eq!(
        h.expires_on,
        households::expiry_from(&s, s.date_at(db.now())).to_string()
    );
    assert_eq!(
        h.consent_version.as_deref(),
        Some(households::form::CONSENT_VERSION)
    );
    assert_eq!(h.members.len(), 1);
    assert_eq!(h.allergies, vec![Allergen::Peanuts]);
    let page = members::page(&db, h.id, &common::admin()).await.unwrap();
    assert_eq!(page.history[0].action, "registered");
    assert_eq!(page.form.lead_name, "Łucja Nowak-Wiśniewska");
}
}

on_both_engines! {
async fn no_household_without_consent_and_bad_input_saves_nothing(engine) {
    let (_dir, db) = pantry(engine).await;
    let no_consent = HouseholdForm {
        consent_given: false,
        ..household("Amelia Smith", "OL1 3BQ")
    };
    let err = members::register(&db, &no_consent, None, &common::admin())
        .await
        .unwrap_err();
    let Error::Validation(fields) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(fields[0].field, "consentGiven");

    // Consent is named with every other mistake at once.
    let bad_and_no_consent = HouseholdForm {
        consent_given: false,
        ..household("", "nowhere")
    };
    let Error::Validation(fields) =
        members::register(&db, &bad_and_no_consent, None, &common::admin())
            .await
            .unwrap_err()
    else {
        panic!()
    };
    let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    for field in ["leadName", "postcode", "consentGiven"] {
        assert!(named.contains(&field), "{named:?}");
    }

    let bad = household("", "nowhere");
    let err = members::register(&db, &bad, None, &common::admin())
        .await
        .unwrap_err();
    let Error::Validation(fields) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
        ["leadName", "postcode"]
    );
    assert_eq!(common::count(&db, "households").await, 0);
    assert_eq!(common::count(&db, "household_changes").await, 0);
}
}

on_both_engines! {
async fn edits_are_recorded_field_by_field(engine) {
    let (_dir, db) = pantry(engine).await;
    let h = members::register(
        &db,
        &household("Amelia Smith", "OL1 3BQ"),
        None,
        &common::admin(),
    )
    .await
    .unwrap();
    let mut form = members::page(&db, h.id, &common::admin())
        .await
        .unwrap()
        .form;
    form.children = "3".into();
    form.phone = "07700 900123".into();
    let after = households::update(&db, h.id, &form, &common::named("manager", Role::Manager))
        .await
        .unwrap();
    assert_eq!(after.children, 3);
    let history = members::page(&db, h.id, &common::admin())
        .await
        .unwrap()
        .history;
    let edits: Vec<_> = history
        .iter()
        .filter(|e| e.action == "edited")
        .map(|e| {
            (
                e.field.clone().unwrap(),
                e.before.clone().unwrap(),
                e.after.clone().unwrap(),
                e.actor.clone(),
            )
        })
        .collect();
    assert!(
        edits.contains(&("Children".into(), "1".into(), "3".into(), "manager".into())),
        "{edits:?}"
    );
    assert!(edits.contains(&(
        "Phone".into(),
        "".into(),
        "07700 900123".into(),
        "manager".into()
    )));
    assert_eq!(edits.len(), 2);

    // A bad edit changes nothing.
    form.adults = "0".into();
    assert!(matches!(
        households::update(&db, h.id, &form, &common::admin()).await,
        Err(Error::Validation(_))
    ));
    assert_eq!(
        members::page(&db, h.id, &common::admin())
            .await
            .unwrap()
            .household
            .adults,
        2
    );
}
}

on_both_engines! {
async fn renew_pause_and_leave_are_recorded(engine) {
    let (_dir, db) = pantry(engine).await;
    let h = members::register(
        &db,
        &household("Amelia Smith", "OL1 3BQ"),
        None,
        &common::admin(),
    )
    .await
    .unwrap();
    let s = settings::require(&db).await.unwrap();
    let renewed = households::renew(&db, h.id, &common::admin())
        .await
        .unwrap();
    let expected = households::expiry_from(
        &s,
        chrono::NaiveDate::parse_from_str(&h.expires_on, "%Y-%m-%d").unwrap(),
    );
    assert_eq!(renewed.expires_on, expected.to_string());
    let paused = households::set_status(
        &db,
        h.id,
        Status::Paused,
        Some("Away for a month"),
        &common::admin(),
    )
    .await
    .unwrap();
    assert_eq!(paused.status, Status::Paused);
    let again = households::set_status(&db, h.id, Status::Paused, None, &common::admin())
        .await
        .unwrap_err();
    assert!(matches!(again, Error::Conflict(_)));
    households::set_status(&db, h.id, Status::Left, None, &common::admin())
        .await
        .unwrap();
    let history = members::page(&db, h.id, &common::admin())
        .await
        .unwrap()
        .history;
    let actions: Vec<_> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["status changed", "status changed", "renewed", "registered"]
    );
    assert_eq!(history[1].reason.as_deref(), Some("Away for a month"));
}
}

on_both_engines! {
async fn search_ranks_number_then_prefix_then_substring_and_ignores_accents(engine) {
    let (_dir, db) = pantry(engine).await;
    let mut ids = Vec::new();
    for (name, postcode, phone) in [
        ("Zoë Öztürk", "OL1 3BQ", ""),
        ("Smithson Jones", "OL4 1AA", ""),
        ("Amelia Smith", "OL1 2CD", "07700 900456"),
        ("John Blacksmith", "M1 1AE", ""),
    ] {
        let form = HouseholdForm {
            phone: phone.into(),
            ..household(name, postcode)
        };
        ids.push(
            members::register(&db, &form, Some("test data"), &common::admin())
                .await
                .unwrap(),
        );
    }
    let names = |v: Vec<households::HouseholdSummary>| {
        v.into_iter().map(|s| s.lead_name).collect::<Vec<_>>()
    };

    assert_eq!(
        names(search(&db, "zoe", 10, &common::admin()).await.unwrap()),
        ["Zoë Öztürk"]
    );
    assert_eq!(
        names(search(&db, "ÖZTÜRK", 10, &common::admin()).await.unwrap()),
        ["Zoë Öztürk"]
    );
    // Prefix of the name before substring matches elsewhere in names.
    assert_eq!(
        names(search(&db, "smith", 10, &common::admin()).await.unwrap()),
        ["Smithson Jones", "Amelia Smith", "John Blacksmith"]
    );
    assert_eq!(
        names(search(&db, "jo bla", 10, &common::admin()).await.unwrap()),
        ["John Blacksmith"]
    );
    let number = &ids[2].membership_number;
    assert_eq!(
        names(search(&db, number, 10, &common::admin()).await.unwrap()),
        ["Amelia Smith"],
        "a whole number finds just that household"
    );
    assert_eq!(
        names(
            search(&db, &number[..6], 10, &common::admin())
                .await
                .unwrap()
        )
        .len(),
        4,
        "a partial number finds by prefix"
    );
    assert_eq!(
        names(
            search(&db, "07700 900", 10, &common::admin())
                .await
                .unwrap()
        ),
        ["Amelia Smith"],
        "phone prefix"
    );
    assert_eq!(
        names(search(&db, "ol4", 10, &common::admin()).await.unwrap()),
        ["Smithson Jones"],
        "postcode prefix"
    );
    assert_eq!(
        names(search(&db, "ol12cd", 10, &common::admin()).await.unwrap()),
        ["Amelia Smith"]
    );
    assert!(search(&db, "   ", 10, &common::admin())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        search(&db, "smith", 1, &common::admin())
            .await
            .unwrap()
            .len(),
        1,
        "the limit holds"
    );
}
}

/// The lead names found for `typed`, in order.
async fn names(db: &Db, typed: &str) -> Vec<String> {
    search(db, typed, 8, &common::admin())
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.lead_name)
        .collect()
}

on_both_engines! {
async fn a_name_typed_with_a_typo_finds_the_household_after_exact_and_prefix_matches(engine) {
    let (_dir, db) = pantry(engine).await;
    for (name, postcode) in [
        ("Fatima Brown", "OL1 3BQ"),
        ("Fatima Khan", "OL1 3BR"),
        ("Amelia Iqbal", "OL4 1AA"),
        ("Amelia Brown", "OL4 1AB"),
        ("Siobhán Doğan", "OL8 2CD"),
        ("John Smith", "OL9 1AE"),
        ("Joan Smithers", "OL9 1AF"),
        ("Sam Brwon", "OL2 1AG"),
    ] {
        members::register(
            &db,
            &household(name, postcode),
            Some("test data"),
            &common::admin(),
        )
        .await
        .unwrap();
    }
    let first = |found: Vec<households::HouseholdSummary>| {
        found
            .first()
            .map(|h| h.lead_name.clone())
            .unwrap_or_default()
    };
    for (typed, meant) in [
        ("Fatima Brwon", "Fatima Brown"),
        ("Amelia Iqbl", "Amelia Iqbal"),
        ("Siobhan Dogan", "Siobhán Doğan"),
        ("Jon Smyth", "John Smith"),
        ("fatma brown", "Fatima Brown"),
    ] {
        assert_eq!(
            first(search(&db, typed, 8, &common::admin()).await.unwrap()),
            meant,
            "{typed}"
        );
    }
    // A typo typed finds the names a typo away; a word typed right finds exactly it.
    assert_eq!(
        names(&db, "brwn").await,
        ["Amelia Brown", "Fatima Brown", "Sam Brwon"]
    );
    assert_eq!(names(&db, "brown").await, ["Fatima Brown", "Amelia Brown"]);
    assert_eq!(
        names(&db, "amelia ibqal").await,
        ["Amelia Iqbal"],
        "a transposed pair is one typo"
    );
    // Nothing near: nobody.
    assert!(search(&db, "Xavier Quigley", 8, &common::admin())
        .await
        .unwrap()
        .is_empty());
    assert!(search(&db, "Zz", 8, &common::admin())
        .await
        .unwrap()
        .is_empty());
}
}

/// The words the typo search corrects against (`search_words`) and the word index's own
/// vocabulary, with how many households have each: they must always agree.
async fn words_and_index(db: &Db) -> (Vec<(String, i64)>, Vec<(String, i64)>) {
    let mut conn = db.pool().unwrap().acquire().await.unwrap();
    sqlx::query(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.index_words \
         USING fts5vocab (main, households_words, row)",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    let words = sqlx::query_as("SELECT word, households FROM search_words ORDER BY word")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    let index = sqlx::query_as("SELECT term, doc FROM temp.index_words ORDER BY term")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    (words, index)
}

/// Registers a household for each name, all at `postcode`; their ids, in order.
async fn register_all<S: AsRef<str>>(
    db: &Db,
    names: impl IntoIterator<Item = S>,
    postcode: &str,
) -> Vec<i64> {
    let mut ids = Vec::new();
    for name in names {
        let form = household(name.as_ref(), postcode);
        let h = members::register(db, &form, Some("test"), &common::admin())
            .await
            .unwrap();
        ids.push(h.id);
    }
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn the_words_of_names_follow_every_registration_edit_merge_and_erasure() {
    let (_dir, db) = pantry(pantry::db::Engine::Sqlite).await;
    let ids = register_all(
        &db,
        [
            "Nguyễn Thị Nguyễn",
            "Mary-Jane O'Brien",
            "Amelia Smith",
            "Amelia Smyth",
            "Son Tran",
            "Mark Johnson",
        ],
        "OL1 3BQ",
    )
    .await;
    let (words, index) = words_and_index(&db).await;
    assert_eq!(words, index);
    assert!(words.contains(&("nguyen".into(), 1)) && words.contains(&("amelia".into(), 2)));

    households::update(
        &db,
        ids[2],
        &household("Amelia Jones", "OL1 3BQ"),
        &common::admin(),
    )
    .await
    .unwrap();
    members::merge(&db, ids[2], ids[3], &common::manager())
        .await
        .unwrap();
    erasure::erase(&db, ids[1], "asked to be forgotten", &common::manager())
        .await
        .unwrap();
    let (words, index) = words_and_index(&db).await;
    assert_eq!(words, index);
    let known: Vec<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
    for gone in ["smith", "smyth", "mary", "jane", "brien"] {
        assert!(!known.contains(&gone), "{gone} is still a word of a name");
    }
    assert!(words.contains(&("amelia".into(), 1)) && known.contains(&"jones"));

    // One word of a name answers one typed word: among many "Nguyen Thi …", the one with
    // "Nguyen" twice comes first for "nguyen thi nguyqn", even past the candidates read.
    let lans = (0..210).map(|n: usize| {
        let letter = char::from(b'a' + u8::try_from(n % 26).unwrap());
        format!("Nguyễn Thị Lan{}", letter.to_string().repeat(1 + n / 26))
    });
    register_all(&db, lans, "OL4 1AA").await;
    register_all(&db, ["Nguyen Thi Nguyen"], "OL4 1AB").await;
    assert_eq!(
        names(&db, "nguyen thi nguyqn").await[..2],
        ["Nguyễn Thị Nguyễn", "Nguyen Thi Nguyen"]
    );
    // A slip in one word is read before names with every word corrected: 205 "Andrew Said"
    // (each word one letter from "andrei sain") do not crowd out "Andrei Sahin".
    let saids = std::iter::repeat_n("Andrew Said", 205).chain(["Andrei Sahin"]);
    register_all(&db, saids, "OL4 1AC").await;
    assert_eq!(
        names(&db, "andrei sain").await.first().map(String::as_str),
        Some("Andrei Sahin")
    );
    // Matches inside words ("sain" in "Hussain") come first but leave room for a typo.
    let hussains = std::iter::repeat_n("Chinedu Hussain", 25).chain(["Chinedu Sahin"]);
    register_all(&db, hussains, "OL4 1AD").await;
    let found = names(&db, "chinedu sain").await;
    assert_eq!(found.first().map(String::as_str), Some("Chinedu Hussain"));
    assert!(found.contains(&"Chinedu Sahin".to_owned()), "{found:?}");
    // One word typed still looks inside names; a whole name typed right does not.
    assert_eq!(names(&db, "son").await, ["Son Tran", "Mark Johnson"]);
    assert_eq!(names(&db, "amelia jones").await, ["Amelia Jones"]);
}

on_both_engines! {
async fn likely_duplicates_are_found_and_need_a_reason(engine) {
    let (_dir, db) = pantry(engine).await;
    let first = HouseholdForm {
        phone: "07700 900111".into(),
        email: "a.smith@example.org".into(),
        members: vec![MemberForm {
            first_name: "Jayden".into(),
            birth_year: "2014".into(),
        }],
        ..household("Amelia Smith", "OL1 3BQ")
    };
    let existing = members::register(&db, &first, None, &common::admin())
        .await
        .unwrap();

    let same_surname = household("Mark Smith", "ol13bq");
    let found = duplicates::find(&db, &same_surname, None, &common::admin())
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].household.id, existing.id);
    assert_eq!(found[0].reasons, ["Same surname and postcode"]);

    let same_phone = HouseholdForm {
        phone: "+44 7700 900111".into(),
        ..household("Bo Lee", "M1 1AE")
    };
    assert_eq!(
        duplicates::find(&db, &same_phone, None, &common::admin())
            .await
            .unwrap()[0]
            .reasons,
        ["Same phone number"]
    );
    let same_email = HouseholdForm {
        email: "A.Smith@example.org".into(),
        ..household("Bo Lee", "M1 1AE")
    };
    assert_eq!(
        duplicates::find(&db, &same_email, None, &common::admin())
            .await
            .unwrap()[0]
            .reasons,
        ["Same email address"]
    );
    let similar_child = HouseholdForm {
        members: vec![MemberForm {
            first_name: "Jaydon".into(),
            birth_year: "2014".into(),
        }],
        ..household("Bo Lee", "M1 1AE")
    };
    assert_eq!(
        duplicates::find(&db, &similar_child, None, &common::admin())
            .await
            .unwrap()[0]
            .reasons,
        ["A member with a similar name born in 2014"]
    );
    assert!(
        duplicates::find(&db, &household("Bo Lee", "M1 1AE"), None, &common::admin())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        duplicates::find(&db, &first, Some(existing.id), &common::admin())
            .await
            .unwrap()
            .is_empty(),
        "not a duplicate of itself"
    );

    let refused = members::register(&db, &same_surname, None, &common::admin())
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Conflict(_)), "{refused:?}");
    assert_eq!(common::count(&db, "households").await, 1);
    let second = members::register(
        &db,
        &same_surname,
        Some("Different family, same flat share"),
        &common::admin(),
    )
    .await
    .unwrap();
    let history = members::page(&db, second.id, &common::admin())
        .await
        .unwrap()
        .history;
    assert_eq!(history[0].action, "registered despite a possible duplicate");
    assert_eq!(
        history[0].reason.as_deref(),
        Some("Different family, same flat share")
    );
}
}

on_both_engines! {
async fn merging_moves_visits_members_and_history_to_the_one_kept(engine) {
    let (_dir, db) = pantry(engine).await;
    let keep = members::register(
        &db,
        &household("Amelia Smith", "OL1 3BQ"),
        None,
        &common::admin(),
    )
    .await
    .unwrap();
    let remove_form = HouseholdForm {
        members: vec![MemberForm {
            first_name: "Ola".into(),
            birth_year: "2015".into(),
        }],
        ..household("Amelia Smyth", "OL4 1AA")
    };
    let remove = members::register(&db, &remove_form, None, &common::admin())
        .await
        .unwrap();
    common::visit(&db, keep.id).await;
    common::visit(&db, remove.id).await;
    let merged = members::merge(&db, keep.id, remove.id, &common::manager())
        .await
        .unwrap();
    assert_eq!(merged.members.len(), 1);
    let page = members::page(&db, keep.id, &common::admin()).await.unwrap();
    assert_eq!(page.visits.len(), 2);
    assert_eq!(page.history[0].action, "merged");
    assert!(
        page.history
            .iter()
            .filter(|e| e.action == "registered")
            .count()
            == 2
    );
    assert!(matches!(
        members::page(&db, remove.id, &common::admin()).await,
        Err(Error::NotFound { .. })
    ));
    assert!(members::merge(&db, keep.id, keep.id, &common::manager())
        .await
        .is_err());
}
}

#[tokio::test(flavor = "multi_thread")]
async fn erasure_removes_personal_data_and_keeps_anonymous_counts() {
    let (dir, db) = pantry(pantry::db::Engine::Sqlite).await;
    let form = HouseholdForm {
        phone: "07700 900222".into(),
        members: vec![MemberForm {
            first_name: "Ola".into(),
            birth_year: "2015".into(),
        }],
        ..household("Zoë Öztürk", "OL1 3BQ")
    };
    let h = members::register(&db, &form, None, &common::admin())
        .await
        .unwrap();
    let mut edit = members::page(&db, h.id, &common::admin())
        .await
        .unwrap()
        .form;
    edit.notes = "Prefers Tuesday".into();
    households::update(&db, h.id, &edit, &common::admin())
        .await
        .unwrap();
    common::visit(&db, h.id).await;

    let access = protection::subject_access(&db, h.id, &common::manager())
        .await
        .unwrap();
    assert_eq!(access.household.lead_name, "Zoë Öztürk");
    assert_eq!(access.visits.len(), 1);
    let files = protection::write_subject_access(&db, h.id, Some(dir.path()), &common::manager())
        .await
        .unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    assert_eq!(json["household"]["leadName"], "Zoë Öztürk");
    let text = std::process::Command::new("pdftotext")
        .arg(&files[1])
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("What we hold about you")
            && text.contains("Zoë Öztürk")
            && text.contains("Prefers Tuesday"),
        "{text}"
    );

    erasure::erase(&db, h.id, "asked at the counter", &common::manager())
        .await
        .unwrap();
    let erased = members::page(&db, h.id, &common::admin())
        .await
        .unwrap()
        .household;
    assert!(erased.erased);
    assert_eq!(erased.lead_name, "Erased household");
    assert_eq!(
        (
            erased.postcode.as_str(),
            erased.phone.as_str(),
            erased.notes.as_str()
        ),
        ("", "", "")
    );
    assert_eq!(
        erased.postcode_district, "OL1",
        "the district stays for reports"
    );
    assert_eq!((erased.adults, erased.children), (2, 1));
    assert!(erased.members.is_empty());
    let page = members::page(&db, h.id, &common::admin()).await.unwrap();
    assert_eq!(page.visits.len(), 1, "anonymous visit kept");
    assert!(
        page.history
            .iter()
            .all(|e| e.before.is_none() && e.after.is_none()),
        "no personal values left in history"
    );
    assert!(search(&db, "ozturk", 10, &common::admin())
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        households::update(&db, h.id, &edit, &common::admin()).await,
        Err(Error::Conflict(_))
    ));
    let dump: Vec<String> = sqlx::query_scalar("SELECT details FROM audit_log")
        .fetch_all(db.pool().unwrap())
        .await
        .unwrap();
    assert!(
        !dump.join(" ").contains("Tuesday"),
        "the audit trail holds no personal values"
    );
}

on_both_engines! {
async fn retention_previews_then_anonymises_only_long_absent_households(engine) {
    let (_dir, db) = pantry(engine).await;
    let (db, clock) = common::at(db, "2021-03-01T11:00:00Z");
    let old = members::register(
        &db,
        &household("Old Member", "OL1 3BQ"),
        None,
        &common::admin(),
    )
    .await
    .unwrap();
    let recent = members::register(
        &db,
        &household("Recent Visitor", "OL1 3BR"),
        None,
        &common::admin(),
    )
    .await
    .unwrap();
    common::visit(&db, old.id).await;

    clock.set(chrono::Utc::now());
    members::register(
        &db,
        &household("New Member", "OL1 3BS"),
        None,
        &common::admin(),
    )
    .await
    .unwrap();
    households::renew(&db, recent.id, &common::admin())
        .await
        .unwrap();
    common::visit(&db, recent.id).await;

    let preview = protection::retention_preview(&db, &common::manager())
        .await
        .unwrap();
    assert_eq!(preview.months, 24);
    assert_eq!(preview.households.len(), 1);
    assert_eq!(preview.households[0].household.lead_name, "Old Member");
    assert_eq!(
        preview.households[0].last_visit.as_deref(),
        Some("2021-03-01")
    );
    assert_eq!(
        members::page(&db, old.id, &common::admin())
            .await
            .unwrap()
            .household
            .lead_name,
        "Old Member",
        "preview changes nothing"
    );

    assert_eq!(
        protection::apply_retention(&db, &common::admin())
            .await
            .unwrap(),
        1
    );
    assert!(
        members::page(&db, old.id, &common::admin())
            .await
            .unwrap()
            .household
            .erased
    );
    assert!(
        !members::page(&db, recent.id, &common::admin())
            .await
            .unwrap()
            .household
            .erased
    );
    assert!(protection::retention_preview(&db, &common::manager())
        .await
        .unwrap()
        .households
        .is_empty());
}
}

on_both_engines! {
async fn the_members_list_filters_and_pages(engine) {
    let (_dir, db) = pantry(engine).await;
    for i in 0..30 {
        let form = household(
            &format!("Member {i:02} Test"),
            if i % 2 == 0 { "OL1 3BQ" } else { "OL4 1AA" },
        );
        members::register(&db, &form, Some("test data"), &common::admin())
            .await
            .unwrap();
    }
    let page = households::list(
        &db,
        &ListQuery {
            page_size: 10,
            ..ListQuery::default()
        },
        &common::admin(),
    )
    .await
    .unwrap();
    assert_eq!((page.total, page.items.len()), (30, 10));
    assert_eq!(page.items[0].lead_name, "Member 00 Test");
    let second = households::list(
        &db,
        &ListQuery {
            page: 1,
            page_size: 10,
            ..ListQuery::default()
        },
        &common::admin(),
    )
    .await
    .unwrap();
    assert_eq!(second.items[0].lead_name, "Member 10 Test");
    let s = settings::require(&db).await.unwrap();
    let brookfield = s
        .neighbourhoods
        .iter()
        .find(|n| n.name == "Brookfield")
        .unwrap()
        .id;
    let filtered = households::list(
        &db,
        &ListQuery {
            neighbourhood_id: Some(brookfield),
            page_size: 50,
            ..ListQuery::default()
        },
        &common::admin(),
    )
    .await
    .unwrap();
    assert_eq!(filtered.total, 15);
    let texted = households::list(
        &db,
        &ListQuery {
            text: "member 2".into(),
            page_size: 50,
            ..ListQuery::default()
        },
        &common::admin(),
    )
    .await
    .unwrap();
    // Prefix matches (Member 20 … 29) first, then names holding both words (02, 12).
    assert_eq!(texted.total, 12);
    assert_eq!(texted.items[0].lead_name, "Member 20 Test");
    assert_eq!(texted.items[10].lead_name, "Member 02 Test");
    let soon = households::list(
        &db,
        &ListQuery {
            expiring_soon: true,
            page_size: 50,
            ..ListQuery::default()
        },
        &common::admin(),
    )
    .await
    .unwrap();
    assert_eq!(soon.total, 0, "new memberships last 52 weeks");
}
}
