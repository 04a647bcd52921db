//! Starting from a spreadsheet: `sheet` reads CSV or `.xlsx` into text cells (members and
//! opening stock both start there); `members` maps columns to household fields, checks every
//! row and imports the good rows in one transaction.

mod members;
mod sheet;

pub use members::{
    check, import, preview, suggest_mapping, ImportField, ImportPreview, ImportProgress,
    ImportReport,
};
pub use sheet::{read_sheet, ImportFile, RowProblem, Sheet, SheetRow};
