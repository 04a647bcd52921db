//! Member-facing text in the languages Pantry ships: one Project Fluent catalogue per
//! language (`assets/i18n/<code>.ftl`, built into the app), each saying whether a native
//! speaker has checked it. A message a catalogue lacks (or cannot fill in) is taken from
//! English, never shown as its key. Also the languages a pantry has switched on and the
//! opening times it prints for members (settings; SQL in `store`). The volunteer's screens
//! stay English.

mod store;

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::audit;
use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, FieldError, Result};

/// A language Pantry has a catalogue for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    /// ISO 639-1 code, as stored.
    pub code: &'static str,
    /// Its name in English, as the volunteer's screens and spreadsheets say it.
    pub english_name: &'static str,
    /// Other English names it goes by (accepted on import).
    aliases: &'static [&'static str],
    source: &'static str,
}

pub const ENGLISH: &str = "en";

macro_rules! languages {
    ($($code:literal => $name:literal $([$($alias:literal),*])?;)+) => {
        /// Every shipped language, English first.
        pub const LANGUAGES: &[Language] = &[$(Language {
            code: $code,
            english_name: $name,
            aliases: &[$($($alias),*)?],
            source: include_str!(concat!("../../assets/i18n/", $code, ".ftl")),
        }),+];
    };
}

languages! {
    "en" => "English";
    "ar" => "Arabic";
    "bn" => "Bengali" ["Bangla"];
    "fa" => "Farsi" ["Persian"];
    "pl" => "Polish";
    "pa" => "Punjabi" ["Panjabi", "Punjabi (Gurmukhi)", "Gurmukhi"];
    "ro" => "Romanian";
    "so" => "Somali";
    "uk" => "Ukrainian";
    "ur" => "Urdu";
    "cy" => "Welsh";
}

/// The shipped language with this code.
pub fn language(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code == code)
}

/// A language by its code (`bn`), English name (`Bengali`, any case) or own name (`বাংলা`).
pub fn find(text: &str) -> Option<&'static Language> {
    let wanted = text.trim().to_lowercase();
    if wanted.is_empty() {
        return None;
    }
    LANGUAGES.iter().find(|l| {
        l.code == wanted
            || l.english_name.to_lowercase() == wanted
            || l.aliases.iter().any(|a| a.to_lowercase() == wanted)
            || texts(l.code).native_name().to_lowercase() == wanted
    })
}

/// "Bengali (বাংলা)": how a language is offered in a list.
pub fn label(code: &str) -> String {
    match language(code) {
        Some(l) if l.code == ENGLISH => l.english_name.to_owned(),
        Some(l) => format!("{} ({})", l.english_name, texts(l.code).native_name()),
        None => code.to_owned(),
    }
}

/// The messages member-facing documents use (ids in the catalogues).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    LanguageName,
    TranslationUnchecked,
    WelcomeTitle,
    WelcomeIntro,
    HowHeading,
    HowFee,
    HowFeeFree,
    HowItems,
    HowVisitsWeek,
    HowVisitsDays,
    HowOpening,
    HowCard,
    DataHeading,
    DataHeld,
    DataWhy,
    DataKept,
    DataWho,
    RightsHeading,
    RightsCopy,
    RightsErase,
    RightsHow,
    RightsComplain,
    PrivacyVersion,
    ConsentRecorded,
    ConsentMissing,
    CardBring,
    SlipMemberCopy,
    SlipMemberNote,
}

impl Msg {
    pub const ALL: &'static [Msg] = &[
        Msg::LanguageName,
        Msg::TranslationUnchecked,
        Msg::WelcomeTitle,
        Msg::WelcomeIntro,
        Msg::HowHeading,
        Msg::HowFee,
        Msg::HowFeeFree,
        Msg::HowItems,
        Msg::HowVisitsWeek,
        Msg::HowVisitsDays,
        Msg::HowOpening,
        Msg::HowCard,
        Msg::DataHeading,
        Msg::DataHeld,
        Msg::DataWhy,
        Msg::DataKept,
        Msg::DataWho,
        Msg::RightsHeading,
        Msg::RightsCopy,
        Msg::RightsErase,
        Msg::RightsHow,
        Msg::RightsComplain,
        Msg::PrivacyVersion,
        Msg::ConsentRecorded,
        Msg::ConsentMissing,
        Msg::CardBring,
        Msg::SlipMemberCopy,
        Msg::SlipMemberNote,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Msg::LanguageName => "language-name",
            Msg::TranslationUnchecked => "translation-unchecked",
            Msg::WelcomeTitle => "welcome-title",
            Msg::WelcomeIntro => "welcome-intro",
            Msg::HowHeading => "how-heading",
            Msg::HowFee => "how-fee",
            Msg::HowFeeFree => "how-fee-free",
            Msg::HowItems => "how-items",
            Msg::HowVisitsWeek => "how-visits-week",
            Msg::HowVisitsDays => "how-visits-days",
            Msg::HowOpening => "how-opening",
            Msg::HowCard => "how-card",
            Msg::DataHeading => "data-heading",
            Msg::DataHeld => "data-held",
            Msg::DataWhy => "data-why",
            Msg::DataKept => "data-kept",
            Msg::DataWho => "data-who",
            Msg::RightsHeading => "rights-heading",
            Msg::RightsCopy => "rights-copy",
            Msg::RightsErase => "rights-erase",
            Msg::RightsHow => "rights-how",
            Msg::RightsComplain => "rights-complain",
            Msg::PrivacyVersion => "privacy-version",
            Msg::ConsentRecorded => "consent-recorded",
            Msg::ConsentMissing => "consent-missing",
            Msg::CardBring => "card-bring",
            Msg::SlipMemberCopy => "slip-member-copy",
            Msg::SlipMemberNote => "slip-member-note",
        }
    }
}

/// One language's parsed catalogue.
pub struct Catalogue {
    code: &'static str,
    bundle: FluentBundle<FluentResource>,
    /// Syntax errors in the file (the entries around them are skipped).
    problems: Vec<String>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue")
            .field("code", &self.code)
            .finish()
    }
}

impl Catalogue {
    fn parse(language: &Language) -> Catalogue {
        let mut problems = Vec::new();
        let resource = FluentResource::try_new(language.source.to_owned()).unwrap_or_else(
            |(resource, errors)| {
                problems.extend(errors.iter().map(|e| e.to_string()));
                resource
            },
        );
        let locale = language
            .code
            .parse()
            .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
        // Fluent wraps each filled-in value in invisible isolation marks, so that "£3.50"
        // or "Hillside Pantry" keeps its own order inside Urdu or Arabic (the printer
        // orders by them and draws nothing for them).
        let mut bundle = FluentBundle::new_concurrent(vec![locale]);
        if let Err(errors) = bundle.add_resource(resource) {
            problems.extend(errors.iter().map(|e| e.to_string()));
        }
        Catalogue {
            code: language.code,
            bundle,
            problems,
        }
    }

    /// The message filled in with `args`, or `None` if this catalogue lacks it or
    /// cannot fill it in.
    fn format(&self, id: &str, args: &[(&str, &str)]) -> Option<String> {
        let pattern = self.bundle.get_message(id)?.value()?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, *value);
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        errors.is_empty().then(|| text.into_owned())
    }
}

fn catalogues() -> &'static [Catalogue] {
    static CATALOGUES: OnceLock<Vec<Catalogue>> = OnceLock::new();
    CATALOGUES.get_or_init(|| LANGUAGES.iter().map(Catalogue::parse).collect())
}

fn catalogue(code: &str) -> &'static Catalogue {
    let all = catalogues();
    all.iter()
        .find(|c| c.code == code)
        .unwrap_or_else(|| &all[0])
}

/// Syntax problems in a language's catalogue file (empty when it parses cleanly).
pub fn catalogue_problems(code: &str) -> &'static [String] {
    &catalogue(code).problems
}

/// A language's texts, with English behind every missing message.
#[derive(Debug, Clone, Copy)]
pub struct Texts {
    own: &'static Catalogue,
    english: &'static Catalogue,
}

/// The texts of the language with `code` (English for a code Pantry does not ship).
pub fn texts(code: &str) -> Texts {
    Texts {
        own: catalogue(code),
        english: catalogue(ENGLISH),
    }
}

impl Texts {
    pub fn code(&self) -> &'static str {
        self.own.code
    }

    pub fn is_english(&self) -> bool {
        self.own.code == ENGLISH
    }

    /// The message in this language, else in English.
    pub fn get(&self, msg: Msg, args: &[(&str, &str)]) -> String {
        self.own
            .format(msg.id(), args)
            .or_else(|| self.english.format(msg.id(), args))
            .unwrap_or_default()
    }

    /// Whether this catalogue itself has `msg` (without falling back to English).
    pub fn has(&self, msg: Msg) -> bool {
        self.own.bundle.has_message(msg.id())
    }

    /// The language's name in itself ("বাংলা").
    pub fn native_name(&self) -> String {
        self.own
            .format(Msg::LanguageName.id(), &[])
            .unwrap_or_else(|| {
                language(self.own.code)
                    .map(|l| l.english_name.to_owned())
                    .unwrap_or_default()
            })
    }

    /// Whether a native speaker has checked this translation: its own catalogue says
    /// `translation-checked = yes` (English, the source, says so too).
    pub fn checked(&self) -> bool {
        self.own.format("translation-checked", &[]).as_deref() == Some("yes")
    }
}

/// `msg` in the language with `code`, then in English: one line each (one in all when the
/// language is English).
pub fn bilingual(code: &str, msg: Msg, args: &[(&str, &str)]) -> Vec<String> {
    let own = texts(code);
    let mut lines = vec![own.get(msg, args)];
    if !own.is_english() {
        lines.push(texts(ENGLISH).get(msg, args));
    }
    lines
}

/// The small print under text in a language no native speaker has checked: in that
/// language, then English (none once it is checked).
pub fn unchecked_note(code: &str) -> Vec<String> {
    if texts(code).checked() {
        Vec::new()
    } else {
        bilingual(code, Msg::TranslationUnchecked, &[])
    }
}

/// A language as the Settings screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LanguageStatus {
    pub code: String,
    pub english_name: String,
    pub native_name: String,
    /// A native speaker has checked the translation.
    pub checked: bool,
    /// The pantry offers it to members.
    pub switched_on: bool,
}

/// A language offered in a picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LanguageOption {
    pub code: String,
    pub label: String,
}

/// What members are given in their language: the languages switched on and the opening
/// times printed on the welcome sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MemberTextSettings {
    /// Every shipped language, English first, with its status.
    pub languages: Vec<LanguageStatus>,
    pub opening_times: String,
}

/// The member-text settings as chosen on screen.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MemberTextForm {
    /// Codes of the languages to offer (English is always offered).
    pub languages: Vec<String>,
    /// As printed for members, e.g. "Tuesday and Friday 10am to 1pm".
    pub opening_times: String,
}

/// The languages the pantry offers (English first, always), and its opening times.
pub(crate) async fn switched_on_with(conn: &mut Conn) -> Result<(Vec<&'static Language>, String)> {
    let (codes, opening_times) = store::load(conn)
        .await?
        .ok_or_else(|| Error::not_found("The pantry's settings (finish first-run setup)"))?;
    let on: Vec<&str> = codes.split(',').map(str::trim).collect();
    let languages = LANGUAGES
        .iter()
        .filter(|l| l.code == ENGLISH || on.contains(&l.code))
        .collect();
    Ok((languages, opening_times))
}

/// The languages a household may be given: those switched on, as picker options.
pub async fn options(db: &Db, _signed_in: &Actor) -> Result<Vec<LanguageOption>> {
    let mut conn = db.acquire().await?;
    let (languages, _) = switched_on_with(&mut conn).await?;
    Ok(languages
        .iter()
        .map(|l| LanguageOption {
            code: l.code.to_owned(),
            label: label(l.code),
        })
        .collect())
}

pub async fn member_text_settings(db: &Db, _signed_in: &Actor) -> Result<MemberTextSettings> {
    let mut conn = db.acquire().await?;
    let (on, opening_times) = switched_on_with(&mut conn).await?;
    Ok(MemberTextSettings {
        languages: LANGUAGES
            .iter()
            .map(|l| {
                let texts = texts(l.code);
                LanguageStatus {
                    code: l.code.to_owned(),
                    english_name: l.english_name.to_owned(),
                    native_name: texts.native_name(),
                    checked: texts.checked(),
                    switched_on: on.contains(&l),
                }
            })
            .collect(),
        opening_times,
    })
}

/// Saves the languages offered and the opening times, audited before → after.
pub async fn save_member_text_settings(
    db: &Db,
    form: &MemberTextForm,
    actor: &Actor,
) -> Result<MemberTextSettings> {
    actor.require(db, Operation::ChangeSettings).await?;
    crate::text::refuse_control_in("openingTimes", &form.opening_times, false)?;
    let mut errors = Vec::new();
    let mut codes = vec![ENGLISH];
    for code in &form.languages {
        match language(code.trim()) {
            Some(l) if !codes.contains(&l.code) => codes.push(l.code),
            Some(_) => {}
            None => errors.push(FieldError::new(
                "languages",
                format!("\"{code}\" is not a language Pantry has a translation for."),
            )),
        }
    }
    let opening_times = form
        .opening_times
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if opening_times.chars().count() > 200 {
        errors.push(FieldError::new(
            "openingTimes",
            "Keep the opening times to 200 characters or fewer.",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let stored = LANGUAGES
        .iter()
        .filter(|l| codes.contains(&l.code))
        .map(|l| l.code)
        .collect::<Vec<_>>()
        .join(",");
    let mut tx = db.begin_write().await?;
    let before = store::load(&mut tx).await?;
    store::save(&mut tx, &stored, &opening_times).await?;
    audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "settings.memberText",
        None,
        &serde_json::json!({
            "before": before.map(|(l, t)| serde_json::json!({ "languages": l, "openingTimes": t })),
            "after": { "languages": stored, "openingTimes": opening_times },
        }),
    )
    .await?;
    tx.commit().await?;
    member_text_settings(db, actor).await
}

/// Refuses a household language the pantry does not offer, unless the household already
/// has it (a language switched off later stays with the households that chose it).
pub(crate) async fn check_offered(
    conn: &mut Conn,
    code: &str,
    current: Option<&str>,
) -> Result<()> {
    let (offered, _) = switched_on_with(conn).await?;
    if offered.iter().any(|l| l.code == code) || current == Some(code) {
        return Ok(());
    }
    Err(Error::invalid(
        "language",
        format!(
            "{} is not offered: switch it on in Settings, or choose another language.",
            label(code)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_parses_cleanly() {
        for l in LANGUAGES {
            assert_eq!(catalogue_problems(l.code), &[] as &[String], "{}", l.code);
        }
    }

    #[test]
    fn english_has_every_message_and_only_english_is_checked() {
        let en = texts(ENGLISH);
        for msg in Msg::ALL {
            assert!(en.has(*msg), "{}", msg.id());
        }
        for l in LANGUAGES {
            assert_eq!(texts(l.code).checked(), l.code == ENGLISH, "{}", l.code);
        }
    }

    #[test]
    fn a_missing_message_falls_back_to_english_never_to_its_key() {
        let partial = Catalogue::parse(&Language {
            code: "cy",
            english_name: "Welsh",
            aliases: &[],
            source: "language-name = Cymraeg\n\
                     how-fee = Y ffi yw { $fee } yr wythnos.\n\
                     how-items = Hyd at { $nifer } o eitemau.\n",
        });
        let texts = Texts {
            own: Box::leak(Box::new(partial)),
            english: catalogue(ENGLISH),
        };
        assert_eq!(
            texts.get(Msg::HowFee, &[("fee", "£3.50")]),
            "Y ffi yw \u{2068}£3.50\u{2069} yr wythnos."
        );
        // Not in the catalogue at all.
        assert_eq!(
            texts.get(Msg::HowCard, &[]),
            "Please bring your membership card to every visit."
        );
        // In it, but asking for a value the document does not give: not printed
        // half-filled.
        assert_eq!(
            texts.get(Msg::HowItems, &[("items", "10")]),
            "At each visit you choose up to \u{2068}10\u{2069} items."
        );
        assert!(!texts.checked());
    }

    #[test]
    fn every_translation_has_every_message() {
        for l in LANGUAGES {
            let t = texts(l.code);
            for msg in Msg::ALL {
                assert!(t.has(*msg), "{} lacks {}", l.code, msg.id());
            }
        }
    }

    #[test]
    fn languages_are_found_by_code_english_or_own_name() {
        assert_eq!(find("bn").map(|l| l.code), Some("bn"));
        assert_eq!(find(" bengali ").map(|l| l.code), Some("bn"));
        assert_eq!(find("বাংলা").map(|l| l.code), Some("bn"));
        assert_eq!(find("Persian").map(|l| l.code), Some("fa"));
        assert_eq!(find("Klingon"), None);
        assert_eq!(label("ur"), "Urdu (اردو)");
    }
}
