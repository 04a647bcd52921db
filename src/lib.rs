//! Pantry: the library behind the desktop app and the `pantry` command line.
//!
//! Every rule lives here; the Tauri shell and the CLI are thin callers.

pub mod access;
pub mod app;
pub mod audit;
pub mod backups;
pub mod cards;
#[macro_use]
pub mod choices;
pub mod clock;
pub mod db;
pub mod demo;
pub mod desks;
pub mod encryption;
pub mod error;
pub mod files;
pub mod households;
pub mod i18n;
pub mod import;
pub mod keys;
pub mod members;
pub mod membership;
pub mod money;
pub mod output;
pub mod outreach;
pub mod paths;
pub mod postcode;
pub mod print;
pub mod referrals;
pub mod reports;
pub mod scan;
pub mod settings;
mod shared_folder;
pub mod stock;
pub mod text;
pub mod trail;
pub mod visits;
pub mod volunteers;

pub use db::Db;
pub use error::{Error, Result};
