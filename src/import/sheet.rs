//! Reading a spreadsheet into text cells: CSV (UTF-8 with or without BOM, or
//! Windows-1252) or `.xlsx`, told apart by content; the file as the UI sends it (base64);
//! and what is common to checking any sheet row by row (problems by line and column,
//! headers compared loosely).

use std::io::Cursor;

use base64::Engine;
use calamine::{Data, DataType, Reader, Xlsx};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// A file as the UI sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportFile {
    pub file_name: String,
    /// The file's bytes, base64-encoded.
    pub base64: String,
}

/// A spreadsheet read into text cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<SheetRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    /// Line (CSV) or row (xlsx) number as the user sees it in their program.
    pub line: u32,
    pub cells: Vec<String>,
}

/// One thing wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RowProblem {
    pub line: u32,
    pub column: String,
    pub message: String,
}

impl ImportFile {
    pub fn read(&self) -> Result<Sheet> {
        read_sheet(&self.bytes()?, &self.file_name)
    }

    /// The file's bytes.
    pub fn bytes(&self) -> Result<Vec<u8>> {
        base64::engine::general_purpose::STANDARD
            .decode(self.base64.as_bytes())
            .map_err(|_| {
                Error::invalid(
                    "file",
                    "The file could not be received; please choose it again.",
                )
            })
    }
}

/// Reads CSV or xlsx (told apart by content, not only by name).
pub fn read_sheet(bytes: &[u8], file_name: &str) -> Result<Sheet> {
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let sheet = if is_zip || file_name.to_lowercase().ends_with(".xlsx") {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    if sheet.headers.iter().all(|h| h.trim().is_empty()) {
        return Err(Error::invalid(
            "file",
            "The file is empty: the first row should name the columns.",
        ));
    }
    Ok(sheet)
}

fn read_csv(bytes: &[u8]) -> Result<Sheet> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let unreadable =
        |e: csv::Error| Error::invalid("file", format!("The file could not be read as CSV: {e}"));
    let headers: Vec<String> = match records.next() {
        Some(first) => first
            .map_err(unreadable)?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect(),
        None => Vec::new(),
    };
    let mut rows = Vec::new();
    // Line numbers counted from byte offsets (the reader's own count slips on CRLF files).
    let (mut line, mut counted_to) = (1u32, 0usize);
    for record in records {
        let record = record.map_err(unreadable)?;
        let start = record
            .position()
            .map_or(counted_to, |p| {
                usize::try_from(p.byte()).unwrap_or(usize::MAX)
            })
            .clamp(counted_to, text.len());
        // A record's position can point at the end of the previous line's CRLF.
        let start = text.as_bytes()[start..]
            .iter()
            .position(|b| *b != b'\r' && *b != b'\n')
            .map_or(text.len(), |skip| start + skip);
        let newlines = text.as_bytes()[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        counted_to = start;
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push(SheetRow { line, cells });
        }
    }
    Ok(Sheet { headers, rows })
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet> {
    let unreadable = |e: calamine::XlsxError| {
        Error::invalid(
            "file",
            format!("The file could not be read as an Excel (.xlsx) workbook: {e}"),
        )
    };
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let range = match book.worksheet_range_at(0) {
        Some(range) => range.map_err(unreadable)?,
        None => return Err(Error::invalid("file", "The workbook has no sheets.")),
    };
    let first_row = range.start().map_or(0, |(r, _)| r);
    let mut rows = range.rows().enumerate();
    let headers = rows
        .next()
        .map(|(_, r)| r.iter().map(cell_text).collect())
        .unwrap_or_default();
    let rows = rows
        .map(|(i, r)| SheetRow {
            line: first_row + u32::try_from(i).unwrap_or(u32::MAX) + 1,
            cells: r.iter().map(cell_text).collect(),
        })
        .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(Sheet { headers, rows })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::DateTime(_) | Data::DateTimeIso(_) => cell
            .as_date()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Empty | Data::Error(_) => String::new(),
        other => other.to_string().trim().to_owned(),
    }
}

/// A header as compared with the names a column may have: letters, digits and `-` only,
/// lower case ("E-mail address" → `e-mailaddress`).
pub(crate) fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_lowercase()
}
