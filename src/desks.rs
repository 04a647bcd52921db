//! What the desks sharing one database see of each other: a stamp of the pantry's activity
//! that changes whenever any desk records a visit, moves stock or writes to the audit trail
//! (every change a volunteer makes). Each screen that shows what others change (the Today
//! panel, an open household, stock levels, the welfare calls) asks for it every second or
//! two and reloads only when it moved: three index lookups, never a full reload.

use crate::access::Actor;
use crate::db::Db;
use crate::error::Result;

/// The activity stamp now: equal stamps mean nothing was written in between.
pub async fn activity(db: &Db, _signed_in: &Actor) -> Result<String> {
    let mut conn = db.acquire().await?;
    let audit = crate::audit::newest_id(&mut conn).await?;
    let visits = crate::visits::newest_id(&mut conn).await?;
    let stock = crate::stock::ledger::newest_movement(&mut conn).await?;
    Ok(format!("{audit}.{visits}.{stock}"))
}
