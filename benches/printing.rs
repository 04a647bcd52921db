//! Printing benchmark (release build): 1,000 membership cards to one PDF (budget ≤ 2 s,
//! with a small file thanks to the subset font). Run with `make bench`.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use pantry::print::cards::{sheets, CardFace, SheetLayout};

fn main() {
    let names = [
        "Łucja Nowak-Wiśniewska",
        "Ștefan Țăranu",
        "Gökhan Öztürk",
        "Nguyễn Thị Thảo",
        "Amelia Smith",
    ];
    let faces: Vec<CardFace> = (1..=1000)
        .map(|i| CardFace {
            pantry: "Demo Community Pantry".into(),
            name: format!("{} {i}", names[i % names.len()]),
            membership_number: pantry::membership::number_for_serial(i as u32).unwrap(),
            card_number: pantry::cards::card_number(i as i64, 1).unwrap(),
        })
        .collect();
    // Warm the font cache once, as the running app has.
    sheets(&faces[..1], SheetLayout::Avery).unwrap();
    let started = Instant::now();
    let printed = sheets(&faces, SheetLayout::Avery).unwrap();
    let took = started.elapsed();
    println!(
        "1,000 membership cards (100 A4 sheets) to one PDF: {:.3} s, {:.0} KB   (budget ≤ 2 s)",
        took.as_secs_f64(),
        printed.pdf.len() as f64 / 1024.0
    );
}
