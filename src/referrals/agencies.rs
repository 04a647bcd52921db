//! The agency directory: the agencies members are referred to, as typed and as kept.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, FieldError, Result};

use super::{store, AgencyKind};

/// An agency as typed into the directory form.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgencyForm {
    pub name: String,
    pub kind: Option<AgencyKind>,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub opening_hours: String,
    pub how_to_refer: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Agency {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub kind: AgencyKind,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub opening_hours: String,
    pub how_to_refer: String,
    pub active: bool,
}

impl TryFrom<store::AgencyRow> for Agency {
    type Error = Error;
    fn try_from(r: store::AgencyRow) -> Result<Self> {
        Ok(Agency {
            id: r.id,
            name: r.name,
            kind: AgencyKind::stored(&r.kind, "agency kind")?,
            contact_person: r.contact_person,
            phone: r.phone,
            email: r.email,
            address: r.address,
            opening_hours: r.opening_hours,
            how_to_refer: r.how_to_refer,
            active: r.active,
        })
    }
}

pub async fn agencies(db: &Db, _signed_in: &Actor) -> Result<Vec<Agency>> {
    let rows = store::agencies(&mut db.acquire().await?).await?;
    rows.into_iter().map(Agency::try_from).collect()
}

/// The agencies in use that a referral can go to, whose name or kind holds `text` (folded
/// as every search in Pantry is: no case, no accents, single spaces), in directory order;
/// all of them when `text` is blank. Their ids, for the referral form's finder.
pub async fn find_agencies(db: &Db, text: &str, signed_in: &Actor) -> Result<Vec<i64>> {
    let wanted = crate::text::fold(text);
    Ok(agencies(db, signed_in)
        .await?
        .into_iter()
        .filter(|a| a.active)
        .filter(|a| {
            wanted.is_empty()
                || crate::text::fold(&format!("{} {}", a.name, a.kind.label())).contains(&wanted)
        })
        .map(|a| a.id)
        .collect())
}

pub(super) async fn agency_with(conn: &mut Conn, id: i64) -> Result<Agency> {
    store::agency(conn, id)
        .await?
        .map(Agency::try_from)
        .transpose()?
        .ok_or_else(|| Error::not_found(format!("Agency {id}")))
}

/// Adds an agency (`id` None) or saves changes to one; checked field by field.
pub async fn save_agency(
    db: &Db,
    id: Option<i64>,
    form: &AgencyForm,
    actor: &Actor,
) -> Result<Agency> {
    actor.require(db, Operation::EditAgencies).await?;
    let actor = actor.name();
    let mut errors = crate::text::control_errors(form);
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push(FieldError::new(
            "name",
            "Enter the agency's name (up to 120 characters).",
        ));
    }
    let Some(kind) = form.kind else {
        errors.push(FieldError::new(
            "kind",
            "Choose the kind of help the agency gives.",
        ));
        return Err(Error::Validation(errors));
    };
    if form.phone.trim().is_empty()
        && form.email.trim().is_empty()
        && form.address.trim().is_empty()
    {
        errors.push(FieldError::new(
            "phone",
            "Give at least a phone number, an email or an address.",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let mut tx = db.begin_write().await?;
    if store::agency_name_taken(&mut tx, name, id).await? {
        return Err(Error::invalid(
            "name",
            "An agency with this name is already in the directory.",
        ));
    }
    let fields = store::AgencyFields {
        name,
        kind,
        contact_person: form.contact_person.trim(),
        phone: form.phone.trim(),
        email: form.email.trim(),
        address: form.address.trim(),
        opening_hours: form.opening_hours.trim(),
        how_to_refer: form.how_to_refer.trim(),
    };
    let saved_id = match id {
        Some(id) => {
            agency_with(&mut tx, id).await?;
            store::update_agency(&mut tx, id, fields, form.active, db.now()).await?;
            id
        }
        None => store::insert_agency(&mut tx, fields, db.now()).await?,
    };
    audit::record(
        &mut tx,
        db.now(),
        actor,
        "agency.saved",
        Some(Subject::Agency(saved_id)),
        &serde_json::json!({}),
    )
    .await?;
    let agency = agency_with(&mut tx, saved_id).await?;
    tx.commit().await?;
    Ok(agency)
}
