//! Printing benchmark (release build): 1,000 membership cards to one PDF, their member
//! lines in English and in every shipped language mixed (budget ≤ 2 s, with a small file
//! thanks to the subset fonts), and a bilingual welcome sheet in every shipped language
//! (budget ≤ 200 ms and ≤ 300 KB each). Run with `make bench`.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use pantry::access::{Actor, Role};
use pantry::households::form::HouseholdForm;
use pantry::households::welcome;
use pantry::i18n::{self, MemberTextForm, Msg, LANGUAGES};
use pantry::members;
use pantry::print::cards::{sheets, CardFace, SheetLayout};
use pantry::settings::{self, SettingsForm};
use pantry::Db;

fn cards(faces: &[CardFace], what: &str) {
    // Warm the font cache once, as the running app has.
    sheets(&faces[..1], SheetLayout::Avery).unwrap();
    let started = Instant::now();
    let printed = sheets(faces, SheetLayout::Avery).unwrap();
    let took = started.elapsed();
    println!(
        "1,000 membership cards (100 A4 sheets), {what}: {:.3} s, {:.0} KB   (budget ≤ 2 s)",
        took.as_secs_f64(),
        printed.pdf.len() as f64 / 1024.0
    );
}

#[tokio::main]
async fn main() {
    let names = [
        "Łucja Nowak-Wiśniewska",
        "Ștefan Țăranu",
        "Gökhan Öztürk",
        "Nguyễn Thị Thảo",
        "Amelia Smith",
    ];
    let face = |i: usize, language: &str| CardFace {
        pantry: "Demo Community Pantry".into(),
        name: format!("{} {i}", names[i % names.len()]),
        membership_number: pantry::membership::number_for_serial(i as u32).unwrap(),
        card_number: pantry::cards::card_number(i as i64, 1).unwrap(),
        member_text: i18n::bilingual(language, Msg::CardBring, &[]),
    };
    let english: Vec<CardFace> = (1..=1000).map(|i| face(i, i18n::ENGLISH)).collect();
    cards(&english, "English");
    let mixed: Vec<CardFace> = (1..=1000)
        .map(|i| face(i, LANGUAGES[i % LANGUAGES.len()].code))
        .collect();
    cards(&mixed, "languages mixed");

    let (_dir, db) = common::encrypted_pantry().await;
    let admin = Actor::for_tests("bench", Role::Admin);
    welcome_sheets(&db, &admin).await;
}

async fn welcome_sheets(db: &Db, admin: &Actor) {
    let form = SettingsForm {
        name: "Demo Community Pantry".into(),
        short_code: "DEMO1".into(),
        address: "1 Chapel Street, Oldham".into(),
        landlord_name: "Northern Homes".into(),
        neighbourhoods: "Hillside".into(),
        ..SettingsForm::default()
    };
    settings::save(db, &form, admin).await.unwrap();
    i18n::save_member_text_settings(
        db,
        &MemberTextForm {
            languages: LANGUAGES.iter().map(|l| l.code.to_owned()).collect(),
            opening_times: "Tuesday and Friday 10am to 1pm".into(),
        },
        admin,
    )
    .await
    .unwrap();
    let mut slowest = (0.0, "");
    for (i, language) in LANGUAGES.iter().enumerate() {
        let h = members::register(
            db,
            &HouseholdForm {
                lead_name: format!("Member {i}"),
                adults: "1".into(),
                children: "0".into(),
                postcode: format!("OL1 {i}AB"),
                consent_given: true,
                language: language.code.into(),
                ..HouseholdForm::default()
            },
            None,
            admin,
        )
        .await
        .unwrap();
        // The first sheet in a script also reads its fonts; the running app keeps them.
        welcome::welcome_pdf(db, h.id, admin).await.unwrap();
        let started = Instant::now();
        let pdf = welcome::welcome_pdf(db, h.id, admin).await.unwrap();
        let took = started.elapsed().as_secs_f64() * 1000.0;
        println!(
            "welcome sheet, {} and English: {took:.1} ms, {:.0} KB   (budget ≤ 200 ms, ≤ 300 KB)",
            language.english_name,
            pdf.len() as f64 / 1024.0
        );
        if took > slowest.0 {
            slowest = (took, language.english_name);
        }
    }
    println!(
        "slowest welcome sheet: {} at {:.1} ms",
        slowest.1, slowest.0
    );
}
