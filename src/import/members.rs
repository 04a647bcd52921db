//! Members from a spreadsheet: map columns to household fields → check every row → import
//! the good rows in one transaction. Nothing is written until the caller commits;
//! re-importing the same file adds nobody twice.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::sheet::{header_key, RowProblem, Sheet};
use crate::access::{Actor, Operation};
use crate::audit;
use crate::choices::FlagOption;
use crate::clock;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::households::form::{Allergen, Dietary, HouseholdForm, ValidHousehold};
use crate::households::{self, record_from};
use crate::i18n;
use crate::membership;
use crate::settings;
use crate::text;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ImportField {
    MembershipNumber,
    LeadName,
    Postcode,
    Adults,
    Children,
    Phone,
    Email,
    Neighbourhood,
    LandlordTenant,
    TenancyRef,
    JoinedOn,
    ConsentDate,
    Dietary,
    Allergies,
    Notes,
    Language,
}

impl ImportField {
    pub const ALL: &'static [ImportField] = &[
        ImportField::MembershipNumber,
        ImportField::LeadName,
        ImportField::Postcode,
        ImportField::Adults,
        ImportField::Children,
        ImportField::Phone,
        ImportField::Email,
        ImportField::Neighbourhood,
        ImportField::LandlordTenant,
        ImportField::TenancyRef,
        ImportField::JoinedOn,
        ImportField::ConsentDate,
        ImportField::Dietary,
        ImportField::Allergies,
        ImportField::Notes,
        ImportField::Language,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ImportField::MembershipNumber => "Membership number",
            ImportField::LeadName => "Lead member's name",
            ImportField::Postcode => "Postcode",
            ImportField::Adults => "Adults",
            ImportField::Children => "Children",
            ImportField::Phone => "Phone",
            ImportField::Email => "Email",
            ImportField::Neighbourhood => "Neighbourhood",
            ImportField::LandlordTenant => "Landlord tenant (yes/no)",
            ImportField::TenancyRef => "Tenancy reference",
            ImportField::JoinedOn => "Date joined",
            ImportField::ConsentDate => "Consent given (date or yes)",
            ImportField::Dietary => "Dietary needs",
            ImportField::Allergies => "Allergies",
            ImportField::Notes => "Notes",
            ImportField::Language => "Preferred language",
        }
    }

    /// Header words that suggest this field.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            ImportField::MembershipNumber => &[
                "membershipnumber",
                "membershipno",
                "memberno",
                "membernumber",
                "cardnumber",
            ],
            ImportField::LeadName => &[
                "name",
                "leadname",
                "leadmember",
                "fullname",
                "membername",
                "mainmember",
            ],
            ImportField::Postcode => &["postcode", "postalcode", "zip"],
            ImportField::Adults => &["adults", "noofadults", "numberofadults"],
            ImportField::Children => &["children", "kids", "noofchildren", "numberofchildren"],
            ImportField::Phone => &["phone", "telephone", "mobile", "tel", "phonenumber"],
            ImportField::Email => &["email", "emailaddress", "e-mail"],
            ImportField::Neighbourhood => &["neighbourhood", "neighborhood", "area", "estate"],
            ImportField::LandlordTenant => &["tenant", "landlordtenant", "istenant"],
            ImportField::TenancyRef => &["tenancyref", "tenancyreference", "tenancy"],
            ImportField::JoinedOn => &["joined", "joinedon", "datejoined", "joindate", "startdate"],
            ImportField::ConsentDate => &["consent", "consentdate", "consentgiven"],
            ImportField::Dietary => &["dietary", "diet", "dietaryneeds"],
            ImportField::Allergies => &["allergies", "allergy", "allergens"],
            ImportField::Notes => &["notes", "note", "comments"],
            ImportField::Language => &["language", "preferredlanguage", "lang", "homelanguage"],
        }
    }
}

/// What the mapping screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    pub headers: Vec<String>,
    /// The first few rows, as read.
    pub sample: Vec<Vec<String>>,
    pub row_count: u32,
    /// A suggested field for each column (by its header).
    pub suggested: Vec<Option<ImportField>>,
    pub fields: Vec<FlagOption<ImportField>>,
}

/// The result of checking (or importing) a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Rows that are ready (or were imported).
    pub good: u32,
    /// Rows already in the register (same number, or same name and postcode): skipped.
    pub already_present: u32,
    pub problems: Vec<RowProblem>,
    /// Whether rows were written.
    pub imported: bool,
}

/// Progress of a long import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
}

/// A field for each column, guessed from its header; each field used at most once.
pub fn suggest_mapping(headers: &[String]) -> Vec<Option<ImportField>> {
    let mut used = HashSet::new();
    headers
        .iter()
        .map(|h| {
            let key = header_key(h);
            let field = ImportField::ALL
                .iter()
                .copied()
                .find(|f| !used.contains(f) && f.synonyms().contains(&key.as_str()))?;
            used.insert(field);
            Some(field)
        })
        .collect()
}

pub fn preview(sheet: &Sheet) -> ImportPreview {
    ImportPreview {
        headers: sheet.headers.clone(),
        sample: sheet.rows.iter().take(5).map(|r| r.cells.clone()).collect(),
        row_count: u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX),
        suggested: suggest_mapping(&sheet.headers),
        fields: ImportField::ALL
            .iter()
            .map(|f| FlagOption {
                value: *f,
                label: f.label().to_owned(),
            })
            .collect(),
    }
}

/// A checked row, ready to store.
struct ReadyRow {
    valid: ValidHousehold,
    number: Option<String>,
    consent_at: Option<DateTime<Utc>>,
}

struct Checked {
    ready: Vec<ReadyRow>,
    already_present: u32,
    problems: Vec<RowProblem>,
}

/// Checks every row; writes nothing. A manager's, as the import is: its answers say whether
/// a name and postcode belong to a member.
pub async fn check(
    db: &Db,
    sheet: &Sheet,
    mapping: &[Option<ImportField>],
    actor: &Actor,
) -> Result<ImportReport> {
    actor.require(db, Operation::ImportMembers).await?;
    let checked = check_rows(db, sheet, mapping, &mut |_| {}).await?;
    Ok(report(&checked, false))
}

fn report(c: &Checked, imported: bool) -> ImportReport {
    ImportReport {
        good: u32::try_from(c.ready.len()).unwrap_or(u32::MAX),
        already_present: c.already_present,
        problems: c.problems.clone(),
        imported,
    }
}

/// Imports the good rows in one transaction (rows with problems are left out; the caller
/// chose to go ahead after seeing them). Reports progress as rows are checked and stored.
pub async fn import(
    db: &Db,
    sheet: &Sheet,
    mapping: &[Option<ImportField>],
    actor: &Actor,
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> Result<ImportReport> {
    actor.require(db, Operation::ImportMembers).await?;
    let actor = actor.name();
    let checked = check_rows(db, sheet, mapping, progress).await?;
    if checked.ready.is_empty() {
        // Nothing is written, not even an audit entry saying "imported 0".
        return Ok(report(&checked, false));
    }
    let settings = settings::require(db).await?;
    let total = u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX);
    let mut tx = db.begin_write().await?;
    // Numbers in the file are taken first, so the new ones given out never clash with them.
    let mut numbered = Vec::with_capacity(checked.ready.len());
    let mut unnumbered = 0;
    for row in &checked.ready {
        if let Some(n) = &row.number {
            numbered.push((serial_of(n), n.clone()));
        } else {
            unnumbered += 1;
        }
    }
    let taken: Vec<i64> = numbered.iter().map(|(id, _)| *id).collect();
    let mut fresh = households::allocate_serials(&mut tx, unnumbered, &taken)
        .await?
        .into_iter();
    let at = db.now();
    let mut records = Vec::with_capacity(checked.ready.len());
    let mut members = Vec::new();
    let mut given = numbered.into_iter();
    for row in &checked.ready {
        let (id, number) = match &row.number {
            Some(_) => given.next().ok_or_else(|| {
                Error::Conflict("The numbers in the file were miscounted.".into())
            })?,
            None => {
                let id = fresh
                    .next()
                    .ok_or_else(|| Error::Conflict("All membership numbers are used up.".into()))?;
                let number = membership::number_for_serial(u32::try_from(id).unwrap_or(u32::MAX))
                    .ok_or_else(|| {
                    Error::Conflict("All membership numbers are used up.".into())
                })?;
                (id, number)
            }
        };
        let mut record = record_from(&row.valid, &settings, id, number, at);
        // Consent as the file records it (its date), not as given today.
        record.consent_version = row.consent_at.as_ref().map(|_| "imported".to_owned());
        record.consent_at = row.consent_at;
        records.push(record);
        if !row.valid.members.is_empty() {
            members.push((id, row.valid.members.clone()));
        }
    }
    for (i, chunk) in records.chunks(5_000).enumerate() {
        let ids: HashSet<i64> = chunk.iter().map(|r| r.id).collect();
        let theirs: Vec<_> = members
            .iter()
            .filter(|(id, _)| ids.contains(id))
            .cloned()
            .collect();
        households::insert_registered(&mut tx, chunk, &theirs).await?;
        let done = u32::try_from((i + 1) * 5_000)
            .unwrap_or(u32::MAX)
            .min(total);
        progress(ImportProgress { done, total });
    }
    let first_cards: Vec<(i64, DateTime<Utc>)> = records.iter().map(|r| (r.id, at)).collect();
    crate::cards::issue_first(&mut tx, &first_cards, false).await?;
    audit::record(
        &mut tx,
        db.now(),
        actor,
        "households.imported",
        None,
        &serde_json::json!({ "imported": records.len(), "alreadyPresent": checked.already_present, "problems": checked.problems.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(report(&checked, true))
}

fn serial_of(number: &str) -> i64 {
    number[..membership::NUMBER_LENGTH - 1]
        .parse()
        .unwrap_or_default()
}

async fn check_rows(
    db: &Db,
    sheet: &Sheet,
    mapping: &[Option<ImportField>],
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> Result<Checked> {
    let column = |field: ImportField| mapping.iter().position(|m| *m == Some(field));
    let mut seen = HashSet::new();
    for field in mapping.iter().flatten() {
        if !seen.insert(*field) {
            return Err(Error::invalid(
                "mapping",
                format!("\"{}\" is chosen for two columns.", field.label()),
            ));
        }
    }
    let missing: Vec<&str> = [ImportField::LeadName, ImportField::Postcode]
        .into_iter()
        .filter(|f| column(*f).is_none())
        .map(ImportField::label)
        .collect();
    if !missing.is_empty() {
        return Err(Error::invalid(
            "mapping",
            format!("Choose which column holds: {}.", missing.join(" and ")),
        ));
    }
    let settings = settings::require(db).await?;
    let today = settings.date_at(db.now());
    let mut conn = db.acquire().await?;
    let existing = households::existing_keys(&mut conn).await?;
    let (offered, _) = i18n::switched_on_with(&mut conn).await?;
    drop(conn);
    let total = u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX);
    let header = |i: usize| {
        sheet
            .headers
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("Column {}", i + 1))
    };
    let field_column: HashMap<&str, String> = [
        ("leadName", ImportField::LeadName),
        ("postcode", ImportField::Postcode),
        ("adults", ImportField::Adults),
        ("children", ImportField::Children),
        ("phone", ImportField::Phone),
        ("email", ImportField::Email),
        ("neighbourhoodId", ImportField::Neighbourhood),
        ("tenancyRef", ImportField::TenancyRef),
        ("joinedOn", ImportField::JoinedOn),
        ("notes", ImportField::Notes),
    ]
    .into_iter()
    .map(|(f, field)| {
        (
            f,
            column(field).map_or_else(|| field.label().to_owned(), header),
        )
    })
    .collect();

    let mut checked = Checked {
        ready: Vec::new(),
        already_present: 0,
        problems: Vec::new(),
    };
    let mut in_file: HashMap<(String, String), u32> = HashMap::new();
    let mut numbers_in_file: HashMap<String, u32> = HashMap::new();
    for (i, row) in sheet.rows.iter().enumerate() {
        if i % 5_000 == 0 {
            progress(ImportProgress {
                done: u32::try_from(i).unwrap_or(u32::MAX),
                total,
            });
        }
        let cell = |field: ImportField| {
            column(field)
                .and_then(|c| row.cells.get(c))
                .map_or("", String::as_str)
        };
        let mut problems = Vec::new();
        let mut problem = |field: ImportField, message: String| {
            problems.push(RowProblem {
                line: row.line,
                column: column(field).map_or_else(|| field.label().to_owned(), header),
                message,
            });
        };
        let neighbourhood_id = match cell(ImportField::Neighbourhood) {
            "" => None,
            name => {
                let found = settings
                    .neighbourhoods
                    .iter()
                    .find(|n| n.name.to_lowercase() == name.to_lowercase());
                if found.is_none() {
                    problem(
                        ImportField::Neighbourhood,
                        format!("\"{name}\" is not one of the pantry's neighbourhoods."),
                    );
                }
                found.map(|n| n.id)
            }
        };
        let landlord_tenant = match yes_no(cell(ImportField::LandlordTenant)) {
            Some(v) => v,
            None => {
                problem(ImportField::LandlordTenant, "Write yes or no.".into());
                false
            }
        };
        let dietary = flags(
            cell(ImportField::Dietary),
            Dietary::find,
            Dietary::ALL,
            Dietary::label,
            &mut |m| problem(ImportField::Dietary, m),
        );
        let allergies = flags(
            cell(ImportField::Allergies),
            Allergen::find,
            Allergen::ALL,
            Allergen::label,
            &mut |m| problem(ImportField::Allergies, m),
        );
        let consent_at = match cell(ImportField::ConsentDate) {
            "" => None,
            v if yes_no(v) == Some(false) => None,
            v if yes_no(v) == Some(true) => Some(db.now()),
            v => match clock::parse_uk_date(v) {
                Some(d) if d <= today => Some(midnight_utc(d)),
                _ => {
                    problem(
                        ImportField::ConsentDate,
                        "Write the date consent was given (day/month/year), yes, or no.".into(),
                    );
                    None
                }
            },
        };
        let language = match cell(ImportField::Language).trim() {
            "" => i18n::ENGLISH,
            name => match i18n::find(name) {
                Some(l) if offered.contains(&l) => l.code,
                Some(l) => {
                    problem(
                        ImportField::Language,
                        format!(
                            "{} is not offered yet: switch it on in Settings first.",
                            l.english_name
                        ),
                    );
                    i18n::ENGLISH
                }
                None => {
                    problem(
                        ImportField::Language,
                        format!("\"{name}\" is not a language Pantry has a translation for: write its English name (e.g. Bengali) or its code (bn)."),
                    );
                    i18n::ENGLISH
                }
            },
        };
        let number = match cell(ImportField::MembershipNumber) {
            "" => None,
            n => match membership::number_problem(n) {
                None => Some(n.to_owned()),
                Some(why) => {
                    problem(ImportField::MembershipNumber, why);
                    None
                }
            },
        };
        let form = HouseholdForm {
            lead_name: cell(ImportField::LeadName).to_owned(),
            adults: if cell(ImportField::Adults).is_empty() {
                "1".into()
            } else {
                cell(ImportField::Adults).to_owned()
            },
            children: if cell(ImportField::Children).is_empty() {
                "0".into()
            } else {
                cell(ImportField::Children).to_owned()
            },
            postcode: cell(ImportField::Postcode).to_owned(),
            neighbourhood_id,
            landlord_tenant,
            tenancy_ref: cell(ImportField::TenancyRef).to_owned(),
            phone: cell(ImportField::Phone).to_owned(),
            email: cell(ImportField::Email).to_owned(),
            dietary,
            allergies,
            notes: cell(ImportField::Notes).to_owned(),
            joined_on: cell(ImportField::JoinedOn).to_owned(),
            consent_given: consent_at.is_some(),
            language: language.to_owned(),
            ..HouseholdForm::default()
        };
        let valid = match form.validate(&settings, today) {
            Ok(valid) => Some(valid),
            Err(Error::Validation(fields)) => {
                for f in fields {
                    problems.push(RowProblem {
                        line: row.line,
                        column: field_column
                            .get(f.field.as_str())
                            .cloned()
                            .unwrap_or(f.field),
                        message: f.message,
                    });
                }
                None
            }
            Err(other) => return Err(other),
        };
        if !problems.is_empty() {
            checked.problems.extend(problems);
            continue;
        }
        let Some(valid) = valid else { continue };
        let key = (text::fold(&valid.lead_name), valid.postcode.key());
        if existing.names.contains(&key)
            || number
                .as_ref()
                .is_some_and(|n| existing.numbers.contains(n))
        {
            checked.already_present += 1;
            continue;
        }
        if let Some(first) = in_file
            .get(&key)
            .or_else(|| number.as_ref().and_then(|n| numbers_in_file.get(n)))
        {
            checked.problems.push(RowProblem {
                line: row.line,
                column: header(column(ImportField::LeadName).unwrap_or(0)),
                message: format!("Repeats the household on line {first}."),
            });
            continue;
        }
        in_file.insert(key, row.line);
        if let Some(n) = &number {
            numbers_in_file.insert(n.clone(), row.line);
        }
        checked.ready.push(ReadyRow {
            valid,
            number,
            consent_at,
        });
    }
    progress(ImportProgress { done: total, total });
    Ok(checked)
}

fn midnight_utc(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(chrono::NaiveTime::MIN).and_utc()
}

fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" => Some(false),
        "yes" | "y" | "true" | "1" => Some(true),
        _ => None,
    }
}

fn flags<F: Copy>(
    text: &str,
    find: fn(&str) -> Option<F>,
    all: &[F],
    label: fn(F) -> &'static str,
    problem: &mut dyn FnMut(String),
) -> Vec<F> {
    let mut out = Vec::new();
    for part in text
        .split([',', ';', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match find(part) {
            Some(f) => out.push(f),
            None => problem(format!(
                "\"{part}\" is not one the pantry knows; use: {}.",
                all.iter().map(|f| label(*f)).collect::<Vec<_>>().join(", ")
            )),
        }
    }
    out
}
