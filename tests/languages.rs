//! Members' languages against a real database and real tools: the welcome sheet in every
//! shipped language read back with pdftotext, its fonts checked with pdffonts; the glyphs
//! Pantry places compared with HarfBuzz's own `hb-shape`; the language asked at
//! registration, imported from a spreadsheet and included in subject access; the card and
//! the member's copy of a referral slip in the member's language and English.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::run;
use pantry::households::form::HouseholdForm;
use pantry::households::{self, welcome};
use pantry::i18n::{self, MemberTextForm, Msg, LANGUAGES};
use pantry::members::{self, protection};
use pantry::output::{Destination, Existing};
use pantry::print::shaping::{self, Family};
use pantry::print::Weight;
use pantry::{settings, Db, Error};

/// The PDF's text as pdftotext reads it, without the direction marks it adds around
/// right-to-left lines and the numbers and English inside them.
fn pdftotext(pdf: &Path) -> String {
    run(Command::new("pdftotext").arg(pdf).arg("-"))
        .chars()
        .filter(|c| !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

/// Fails unless `text` contains each of `words`.
fn shows(text: &str, words: &[&str]) {
    for w in words {
        assert!(text.contains(w), "no {w:?} in\n{text}");
    }
}

/// A pantry offering every shipped language, with opening times.
async fn multilingual_pantry(engine: pantry::db::Engine) -> (tempfile::TempDir, Db) {
    let (dir, db) = common::fresh_db_on(engine).await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    i18n::save_member_text_settings(
        &db,
        &MemberTextForm {
            languages: LANGUAGES.iter().map(|l| l.code.to_owned()).collect(),
            opening_times: "Tuesday and Friday 10am to 1pm".into(),
        },
        &common::admin(),
    )
    .await
    .unwrap();
    (dir, db)
}

/// Saves `form` as the household's details, as the edit screen does.
async fn edit(db: &Db, id: i64, form: HouseholdForm) -> households::Household {
    households::update(db, id, &form, &common::admin())
        .await
        .unwrap()
}

async fn register_in(db: &Db, name: &str, language: &str) -> households::Household {
    members::register(
        db,
        &HouseholdForm {
            language: language.into(),
            ..common::household(name)
        },
        None,
        &common::admin(),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_language_prints_a_readable_welcome_sheet_with_subset_fonts() {
    let (dir, db) = multilingual_pantry(pantry::db::Engine::Sqlite).await;
    for (i, language) in LANGUAGES.iter().enumerate() {
        let h = register_in(&db, &format!("Member {i}"), language.code).await;
        let file = dir.path().join(format!("welcome-{}.pdf", language.code));
        welcome::print_welcome(
            &db,
            h.id,
            &Destination::file(&file, Existing::Refuse),
            &common::admin(),
        )
        .await
        .unwrap();
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size <= 300 * 1024, "{}: {size} bytes", language.code);

        // Its own words read back in its own script, then the English.
        let text = pdftotext(&file)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let own = i18n::texts(language.code);
        for msg in [Msg::RightsHeading, Msg::DataHeading, Msg::HowHeading] {
            let words = own.get(msg, &[]);
            assert!(
                text.contains(&words),
                "{}: no {words:?} in\n{text}",
                language.code
            );
        }
        assert!(text.contains("Your rights"), "{}", language.code);
        assert!(text.contains("Tuesday and Friday 10am to 1pm"));
        assert!(text.contains("2026-11"), "the privacy wording version");
        assert_eq!(
            text.contains("not yet been checked by a native speaker"),
            language.code != i18n::ENGLISH,
            "{}",
            language.code
        );
        assert!(
            !text.contains('?'),
            "{}: a character was missing",
            language.code
        );

        // Every font embedded and subset; the script's own Noto font among them.
        let fonts = run(Command::new("pdffonts").arg(&file));
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty());
        for row in &rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let n = cols.len();
            assert_eq!(
                (cols[n - 5], cols[n - 4]),
                ("yes", "yes"),
                "{}: {row}",
                language.code
            );
        }
        let noto = match language.code {
            "bn" => Some("NotoSansBengali"),
            "pa" => Some("NotoSansGurmukhi"),
            "ar" | "fa" | "ur" => Some("NotoNaskhArabic"),
            _ => None,
        };
        if let Some(noto) = noto {
            assert!(fonts.contains(noto), "{}: {fonts}", language.code);
        }
    }
}

#[test]
fn every_catalogue_message_is_drawn_with_real_glyphs() {
    let args = [
        ("pantry", "Hillside Pantry"),
        ("fee", "£3.50"),
        ("items", "10"),
        ("visits", "1"),
        ("days", "7"),
        ("times", "Tuesday 10am"),
        ("months", "24"),
        ("landlord", "Northern Homes"),
        ("address", "1 Chapel Street"),
        ("version", "2026-11"),
        ("date", "30/11/2026"),
        ("agency", "Hillside Money Advice"),
        ("reference", "00000016"),
    ];
    for language in LANGUAGES {
        let texts = i18n::texts(language.code);
        for msg in Msg::ALL {
            let text = texts.get(*msg, &args);
            assert!(!text.is_empty(), "{} {}", language.code, msg.id());
            for weight in [Weight::Regular, Weight::Bold] {
                let line = shaping::shape_line(&text, 10.0, weight).unwrap();
                assert!(line.missing.is_empty(), "{}: {text}", language.code);
                assert!(
                    line.glyphs().all(|g| g.gid != 0),
                    "{}: .notdef in {text}",
                    language.code
                );
            }
        }
    }
}

/// HarfBuzz's glyphs for `text` in `font`: (glyph id, x position in font units).
fn hb_shape(font: &Path, text: &str) -> Vec<(u16, i64)> {
    let out = run(Command::new("hb-shape")
        .env("LC_ALL", "C.UTF-8")
        .env("LANG", "C.UTF-8")
        .args(["--no-glyph-names", "--output-format=json"])
        .arg(font)
        .arg(text));
    let glyphs: Vec<serde_json::Value> = serde_json::from_str(out.trim()).unwrap();
    let mut pen = 0;
    glyphs
        .iter()
        .map(|g| {
            let at = pen + g["dx"].as_i64().unwrap();
            pen += g["ax"].as_i64().unwrap();
            (u16::try_from(g["g"].as_u64().unwrap()).unwrap(), at)
        })
        .collect()
}

#[test]
fn glyphs_placed_equal_harfbuzz_for_bengali_gurmukhi_arabic_and_urdu() {
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
    let sentences = [
        // Conjuncts (ণ্ড, স্ব, ক্ষ, প্র, দ্র, ন্ত) and vowel signs before, after and around.
        (
            Family::Bengali,
            "NotoSansBengali-Regular.ttf",
            "আমাদের ভাণ্ডারে আপনাকে স্বাগতম। প্রতি সপ্তাহে ক্ষুদ্র ফি দিন।",
        ),
        (
            Family::Bengali,
            "NotoSansBengali-Regular.ttf",
            "অনুগ্রহ করে প্রতিবার কার্ড সঙ্গে আনুন, কৌতূহল ও শান্তি",
        ),
        // The pre-base vowel sign ਿ, subjoined ੍ਹ, tippi and addak.
        (
            Family::Gurmukhi,
            "NotoSansGurmukhi-Regular.ttf",
            "ਕਿਰਪਾ ਕਰਕੇ ਹਰ ਵਾਰ ਆਪਣਾ ਕਾਰਡ ਨਾਲ ਲਿਆਓ। ਖੁੱਲ੍ਹਣ ਦਾ ਸਮਾਂ",
        ),
        (
            Family::Arabic,
            "NotoNaskhArabic-Regular.ttf",
            "يرجى إحضار بطاقة العضوية في كل زيارة",
        ),
        (
            Family::Arabic,
            "NotoNaskhArabic-Regular.ttf",
            "لا يراها إلا متطوعو المخزن، على حاسوب المخزن نفسه.",
        ),
        (
            Family::Arabic,
            "NotoNaskhArabic-Regular.ttf",
            "براہ کرم ہر بار اپنا رکنیت کارڈ ساتھ لائیں۔",
        ),
        (
            Family::Arabic,
            "NotoNaskhArabic-Regular.ttf",
            "اگر آپ ہمارے آپ کی معلومات استعمال کرنے کے طریقے سے ناخوش ہیں",
        ),
    ];
    for (family, file, text) in sentences {
        let font = fonts.join(file);
        let bytes = std::fs::read(&font).unwrap();
        let units_per_em = ttf_parser::Face::parse(&bytes, 0).unwrap().units_per_em();
        // At this size one font unit is 0.01 mm, so positions compare in whole units.
        let size = f32::from(units_per_em) * 0.01 * 72.0 / 25.4;
        let line = shaping::shape_line(text, size, Weight::Regular).unwrap();
        assert!(line.runs.iter().all(|r| r.family == family), "{text}");
        let ours: Vec<(u16, i64)> = line
            .glyphs()
            .map(|g| (g.gid, (g.x / 0.01).round() as i64))
            .collect();
        assert_eq!(ours, hb_shape(&font, text), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn right_to_left_text_reads_back_in_order_with_its_numbers() {
    let (dir, db) = multilingual_pantry(pantry::db::Engine::Sqlite).await;
    let h = register_in(&db, "Amina Khan", "ur").await;
    let file = dir.path().join("welcome-ur.pdf");
    welcome::print_welcome(
        &db,
        h.id,
        &Destination::file(&file, Existing::Refuse),
        &common::admin(),
    )
    .await
    .unwrap();
    let text = pdftotext(&file);
    // "The fee is £4.00 a week": the Urdu words in their order, with the amount among them.
    let fee_line = text
        .lines()
        .find(|l| l.contains("4.00"))
        .unwrap_or_else(|| panic!("no fee in\n{text}"));
    let words: Vec<&str> = fee_line.split_whitespace().collect();
    let position = |w: &str| words.iter().position(|x| x.contains(w));
    let (fee, every, week) = (position("فیس"), position("ہر"), position("ہفتے"));
    assert!(fee < every && every < week && fee.is_some(), "{fee_line}");
    // Whole sentences without numbers read back exactly.
    for msg in [Msg::RightsCopy, Msg::HowCard] {
        let sentence = i18n::texts("ur").get(msg, &[]);
        assert!(text.contains(&sentence), "no {sentence:?} in\n{text}");
    }
}

on_both_engines! {
async fn the_language_is_asked_at_registration_from_those_switched_on(engine) {
    let (_dir, db) = common::fresh_db_on(engine).await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    // English only until the pantry switches others on.
    let options = households::registration_options(&db, &common::admin())
        .await
        .unwrap();
    assert_eq!(
        options
            .languages
            .iter()
            .map(|l| l.code.as_str())
            .collect::<Vec<_>>(),
        ["en"]
    );
    assert_eq!(options.blank.language, "en");
    let refused = members::register(
        &db,
        &HouseholdForm {
            language: "bn".into(),
            ..common::household("Rahima Begum")
        },
        None,
        &common::admin(),
    )
    .await;
    let Err(Error::Validation(fields)) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert_eq!(fields[0].field, "language");
    assert!(
        fields[0].message.contains("Bengali"),
        "{}",
        fields[0].message
    );

    let saved = i18n::save_member_text_settings(
        &db,
        &MemberTextForm {
            languages: vec!["bn".into(), "ur".into(), "bn".into()],
            opening_times: "  Tuesday   10am to 1pm ".into(),
        },
        &common::admin(),
    )
    .await
    .unwrap();
    assert_eq!(saved.opening_times, "Tuesday 10am to 1pm");
    let on: Vec<&str> = saved
        .languages
        .iter()
        .filter(|l| l.switched_on)
        .map(|l| l.code.as_str())
        .collect();
    assert_eq!(on, ["en", "bn", "ur"]);
    assert!(saved
        .languages
        .iter()
        .all(|l| l.checked == (l.code == "en")));
    let bengali = saved.languages.iter().find(|l| l.code == "bn").unwrap();
    assert_eq!(bengali.native_name, "বাংলা");

    let h = register_in(&db, "Rahima Begum", "bn").await;
    assert_eq!(h.language, "bn");

    // Switched off later, Bengali stays with the household that chose it.
    i18n::save_member_text_settings(
        &db,
        &MemberTextForm {
            languages: vec![],
            opening_times: String::new(),
        },
        &common::admin(),
    )
    .await
    .unwrap();
    let page = members::page(&db, h.id, &common::admin()).await.unwrap();
    assert_eq!(page.form.language, "bn");
    let edited = edit(
        &db,
        h.id,
        HouseholdForm {
            phone: "07700 900123".into(),
            ..page.form.clone()
        },
    )
    .await;
    assert_eq!(edited.language, "bn");

    let unknown = i18n::save_member_text_settings(
        &db,
        &MemberTextForm {
            languages: vec!["tlh".into()],
            opening_times: String::new(),
        },
        &common::admin(),
    )
    .await;
    assert!(matches!(unknown, Err(Error::Validation(_))), "{unknown:?}");
    let counter = i18n::save_member_text_settings(
        &db,
        &MemberTextForm::default(),
        &common::named("Sam", pantry::access::Role::Counter),
    )
    .await;
    assert!(matches!(counter, Err(Error::Forbidden(_))), "{counter:?}");
}
}

on_both_engines! {
async fn subject_access_and_the_edit_history_include_the_preferred_language(engine) {
    let (dir, db) = multilingual_pantry(engine).await;
    let h = register_in(&db, "Rahima Begum", "bn").await;
    let page = members::page(&db, h.id, &common::admin()).await.unwrap();
    edit(
        &db,
        h.id,
        HouseholdForm {
            language: "en".into(),
            ..page.form.clone()
        },
    )
    .await;
    let history = members::page(&db, h.id, &common::admin())
        .await
        .unwrap()
        .history;
    assert!(history
        .iter()
        .any(|e| e.field.as_deref() == Some("Preferred language")
            && e.before.as_deref() == Some("Bengali (বাংলা)")
            && e.after.as_deref() == Some("English")));

    edit(
        &db,
        h.id,
        HouseholdForm {
            language: "bn".into(),
            ..page.form
        },
    )
    .await;
    let report = protection::subject_access(&db, h.id, &common::manager())
        .await
        .unwrap();
    assert_eq!(report.household.language, "bn");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["household"]["language"], "bn");
    let pdf = dir.path().join("sar.pdf");
    std::fs::write(&pdf, protection::subject_access_pdf(&report).unwrap()).unwrap();
    let text = pdftotext(&pdf);
    assert!(text.contains("Preferred language"), "{text}");
    assert!(text.contains("Bengali (বাংলা)"), "{text}");

    // Erasure forgets it too.
    members::erasure::erase(&db, h.id, "the member asked", &common::manager())
        .await
        .unwrap();
    let erased = members::page(&db, h.id, &common::admin())
        .await
        .unwrap()
        .household;
    assert_eq!(erased.language, "en");
}
}

#[tokio::test(flavor = "multi_thread")]
async fn the_language_column_is_imported_by_name_or_code() {
    let (_dir, db) = common::fresh_db().await;
    settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    i18n::save_member_text_settings(
        &db,
        &MemberTextForm {
            languages: vec!["bn".into(), "pl".into()],
            opening_times: String::new(),
        },
        &common::admin(),
    )
    .await
    .unwrap();
    let csv = "Name,Postcode,Language\n\
               Rahima Begum,OL1 3BQ,Bengali\n\
               Łucja Nowak,OL1 3BR,pl\n\
               Amelia Smith,OL1 3BS,\n\
               Amina Khan,OL1 3BT,Urdu\n\
               Kai Jones,OL1 3BU,Klingon\n";
    let sheet = pantry::import::read_sheet(csv.as_bytes(), "members.csv").unwrap();
    let mapping = pantry::import::suggest_mapping(&sheet.headers);
    assert_eq!(mapping[2], Some(pantry::import::ImportField::Language));
    let checked = pantry::import::check(&db, &sheet, &mapping, &common::manager())
        .await
        .unwrap();
    let problems: Vec<(u32, &str)> = checked
        .problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].1.contains("Urdu is not offered"),
        "{problems:?}"
    );
    assert!(problems[1].1.contains("\"Klingon\""), "{problems:?}");
    let imported = pantry::import::import(&db, &sheet, &mapping, &common::manager(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(imported.good, 3);
    let list = households::list(
        &db,
        &households::ListQuery {
            page_size: 10,
            ..households::ListQuery::default()
        },
        &common::admin(),
    )
    .await
    .unwrap();
    let mut languages = Vec::new();
    for item in &list.items {
        let page = members::page(&db, item.id, &common::admin()).await.unwrap();
        languages.push((page.household.lead_name, page.household.language));
    }
    languages.sort();
    assert_eq!(
        languages,
        [
            ("Amelia Smith".to_owned(), "en".to_owned()),
            ("Rahima Begum".to_owned(), "bn".to_owned()),
            ("Łucja Nowak".to_owned(), "pl".to_owned()),
        ]
    );
}

on_both_engines! {
async fn the_card_and_the_members_slip_are_in_the_members_language_and_english(engine) {
    let (dir, db) = multilingual_pantry(engine).await;
    let h = register_in(&db, "Rahima Begum", "bn").await;
    let card = dir.path().join("card.pdf");
    pantry::cards::print_single(
        &db,
        h.id,
        &Destination::file(&card, Existing::Refuse),
        &common::admin(),
    )
    .await
    .unwrap();
    shows(
        &pdftotext(&card),
        &[
            &i18n::texts("bn").get(Msg::CardBring, &[]),
            "Please bring this card to every visit.",
        ],
    );

    let agency = pantry::referrals::save_agency(
        &db,
        None,
        &pantry::referrals::AgencyForm {
            name: "Hillside Money Advice".into(),
            kind: Some(pantry::referrals::AgencyKind::Money),
            phone: "0161 496 0000".into(),
            ..pantry::referrals::AgencyForm::default()
        },
        &common::admin(),
    )
    .await
    .unwrap();
    let referral = pantry::referrals::make(
        &db,
        &pantry::referrals::ReferralForm {
            household_id: Some(h.id),
            agency_id: Some(agency.id),
            reason: Some(pantry::referrals::ReferralReason::DebtAdvice),
            reason_detail: String::new(),
            urgency: pantry::referrals::Urgency::Routine,
            consent_given: true,
        },
        &common::admin(),
    )
    .await
    .unwrap();
    let slip = dir.path().join("slip.pdf");
    pantry::referrals::print_slip(
        &db,
        referral.id,
        &Destination::file(&slip, Existing::Refuse),
        &common::admin(),
    )
    .await
    .unwrap();
    shows(
        &pdftotext(&slip),
        &[
            &i18n::texts("bn").get(Msg::SlipMemberCopy, &[]),
            "Hillside Money Advice will contact you about this referral.",
            &referral.reference,
            "not yet been checked",
        ],
    );
}
}

#[tokio::test(flavor = "multi_thread")]
async fn the_command_line_prints_the_welcome_sheet() {
    let (dir, db) = multilingual_pantry(pantry::db::Engine::Sqlite).await;
    common::admin_alex(&db).await;
    let h = register_in(&db, "Rahima Begum", "bn").await;
    drop(db);
    let file = dir.path().join("welcome.pdf");
    let out = common::pantry(
        dir.path(),
        &[
            "print",
            "welcome",
            "--household",
            &h.membership_number,
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(common::stdout(&out).contains("Wrote the welcome sheet"));
    let text = pdftotext(&file);
    assert!(text.contains("স্বাগতম"), "{text}");
    assert!(text.contains("Welcome to Hillside Pantry"), "{text}");
}
