//! Times and days read as text, the same text on both engines. The laptop's database keeps
//! instants as RFC 3339 text and days as `YYYY-MM-DD`, and much of Pantry reads them as
//! such (wire types carry them to the screens as strings); PostgreSQL keeps them as
//! `timestamptz` and `date`. A row field that is text on SQLite reads the same text from
//! either with `#[sqlx(try_from = "Stamp")]` (an instant), `"Day"` (a day), or
//! `"Maybe<Stamp>"` / `"Maybe<Day>"` for one that may be empty.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Postgres, Sqlite, Type, TypeInfo, ValueRef};

/// An instant as RFC 3339 text in UTC (`2026-12-07T15:48:45.123456+00:00`), as sqlx writes
/// a `DateTime<Utc>` into SQLite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp(pub String);

/// A day as `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day(pub String);

/// A stamp or day that may be missing (NULL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maybe<T>(pub Option<T>);

/// The text of an instant, as on a laptop.
pub fn stamp_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

impl From<Stamp> for String {
    fn from(s: Stamp) -> String {
        s.0
    }
}

impl From<Day> for String {
    fn from(d: Day) -> String {
        d.0
    }
}

impl From<Maybe<Stamp>> for Option<String> {
    fn from(m: Maybe<Stamp>) -> Option<String> {
        m.0.map(|s| s.0)
    }
}

impl From<Maybe<Day>> for Option<String> {
    fn from(m: Maybe<Day>) -> Option<String> {
        m.0.map(|d| d.0)
    }
}

macro_rules! text_on_sqlite {
    ($t:ty) => {
        impl Type<Sqlite> for $t {
            fn type_info() -> SqliteTypeInfo {
                <String as Type<Sqlite>>::type_info()
            }
            fn compatible(ty: &SqliteTypeInfo) -> bool {
                <String as Type<Sqlite>>::compatible(ty)
            }
        }
        impl<'r> Decode<'r, Sqlite> for $t {
            fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok(Self(<String as Decode<Sqlite>>::decode(value)?))
            }
        }
    };
}

text_on_sqlite!(Stamp);
text_on_sqlite!(Day);

/// Whether PostgreSQL sent text (a column kept as text on both engines).
fn is_text(ty: &PgTypeInfo) -> bool {
    <String as Type<Postgres>>::compatible(ty)
}

impl Type<Postgres> for Stamp {
    fn type_info() -> PgTypeInfo {
        <DateTime<Utc> as Type<Postgres>>::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <DateTime<Utc> as Type<Postgres>>::compatible(ty) || is_text(ty)
    }
}

impl<'r> Decode<'r, Postgres> for Stamp {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        if is_text(&value.type_info()) {
            return Ok(Stamp(<String as Decode<Postgres>>::decode(value)?));
        }
        Ok(Stamp(stamp_text(
            <DateTime<Utc> as Decode<Postgres>>::decode(value)?,
        )))
    }
}

impl Type<Postgres> for Day {
    fn type_info() -> PgTypeInfo {
        <NaiveDate as Type<Postgres>>::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <NaiveDate as Type<Postgres>>::compatible(ty) || is_text(ty)
    }
}

impl<'r> Decode<'r, Postgres> for Day {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        if is_text(&value.type_info()) {
            return Ok(Day(<String as Decode<Postgres>>::decode(value)?));
        }
        Ok(Day(<NaiveDate as Decode<Postgres>>::decode(value)?
            .format("%Y-%m-%d")
            .to_string()))
    }
}

impl<T: Type<Sqlite>> Type<Sqlite> for Maybe<T> {
    fn type_info() -> SqliteTypeInfo {
        T::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        ty.is_null() || T::compatible(ty)
    }
}

impl<'r, T: Decode<'r, Sqlite>> Decode<'r, Sqlite> for Maybe<T> {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.is_null() {
            return Ok(Maybe(None));
        }
        Ok(Maybe(Some(T::decode(value)?)))
    }
}

impl<T: Type<Postgres>> Type<Postgres> for Maybe<T> {
    fn type_info() -> PgTypeInfo {
        T::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        T::compatible(ty)
    }
}

impl<'r, T: Decode<'r, Postgres>> Decode<'r, Postgres> for Maybe<T> {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.is_null() {
            return Ok(Maybe(None));
        }
        Ok(Maybe(Some(T::decode(value)?)))
    }
}

/// A small number that may be missing (a birth year), read from either engine's integer.
impl TryFrom<Maybe<i64>> for Option<u16> {
    type Error = std::num::TryFromIntError;
    fn try_from(m: Maybe<i64>) -> Result<Option<u16>, Self::Error> {
        m.0.map(u16::try_from).transpose()
    }
}
