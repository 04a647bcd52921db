//! The type-ahead search over name, membership number, postcode and phone: exact number
//! first, then prefixes, then substrings, then names with a typo ("Fatima Brwon" finds
//! "Fatima Brown"); accent-insensitive ("Zoe" finds "Zoë").

use super::search_store::{self, Words};
use super::{store, HouseholdSummary};
use crate::access::Actor;
use crate::db::Conn;
use crate::db::Db;
use crate::error::Result;
use crate::text;

/// The best `limit` matches for what was typed.
pub async fn search(
    db: &Db,
    typed: &str,
    limit: u32,
    _signed_in: &Actor,
) -> Result<Vec<HouseholdSummary>> {
    let mut conn = db.acquire().await?;
    let ids = matching_ids(&mut conn, typed, limit).await?;
    store::summaries(&mut conn, &ids).await
}

/// Ids of the best matches, best first.
pub(crate) async fn matching_ids(conn: &mut Conn, typed: &str, limit: u32) -> Result<Vec<i64>> {
    let folded = text::fold(typed);
    if folded.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let limit = i64::from(limit);
    let mut found = Found {
        ids: Vec::new(),
        limit,
    };
    let numeric = typed
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '+');
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    // (With no digit typed there is no number or phone to look for.)
    if numeric && !digits.is_empty() {
        found.add(search_store::number_is(conn, &digits).await?);
        // A whole, valid number (a scan) means that household and no other.
        if !found.ids.is_empty() && crate::membership::is_valid_number(&digits) {
            return Ok(found.ids);
        }
        found.add(search_store::number_starts(conn, &digits, limit).await?);
        found.add(search_store::phone_starts(conn, &text::phone_digits(typed), limit).await?);
    }
    if found.full() {
        return Ok(found.ids);
    }
    found.add(search_store::name_starts(conn, &folded, limit).await?);
    if !found.full() {
        found.add(word_prefix_ids(conn, &folded, limit).await?);
    }
    let postcode: String = folded
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if !found.full()
        && postcode.starts_with(|c: char| c.is_ascii_alphabetic())
        && postcode.len() >= 2
    {
        found.add(search_store::postcode_starts(conn, &postcode, limit).await?);
    }
    if found.full() {
        return Ok(found.ids);
    }
    // A name typed in whole words ("fatima brown" typed right) and found already: there is
    // no typo to mend, and for two words or more, matches inside words ("abrownski") are
    // noise. (One word such as "son" still looks inside names: "Johnson".)
    let typed = name_parts(&folded);
    let found_whole = !found.ids.is_empty() && search_store::are_name_words(conn, &typed).await?;
    let inside: Vec<i64> = if found_whole && typed.len() >= 2 {
        Vec::new()
    } else {
        substring_ids(conn, &folded, limit)
            .await?
            .into_iter()
            .filter(|id| !found.ids.contains(id))
            .collect()
    };
    let corrected: Vec<i64> = if found_whole {
        Vec::new()
    } else {
        typo_ids(conn, &typed, limit)
            .await?
            .into_iter()
            .filter(|id| !found.ids.contains(id) && !inside.contains(id))
            .collect()
    };
    // Matches inside words come before corrections, but a few corrections always find a
    // place: a dozen "Chinedu Hussain" for "chinedu sain" must not hide "Chinedu Sahin".
    let room = found.room();
    let shown = corrected.len().min(CORRECTIONS_SHOWN).min(room);
    found.add(inside.into_iter().take(room - shown));
    found.add(corrected);
    Ok(found.ids)
}

/// Places kept for names with a typo corrected when matches inside words would fill the list.
const CORRECTIONS_SHOWN: usize = 5;

struct Found {
    ids: Vec<i64>,
    limit: i64,
}

impl Found {
    fn add(&mut self, more: impl IntoIterator<Item = i64>) {
        for id in more {
            if !self.full() && !self.ids.contains(&id) {
                self.ids.push(id);
            }
        }
    }

    fn full(&self) -> bool {
        self.room() == 0
    }

    /// How many more ids fit.
    fn room(&self) -> usize {
        usize::try_from(self.limit)
            .unwrap_or(usize::MAX)
            .saturating_sub(self.ids.len())
    }
}

/// The words typed, cleaned to what the full-text indexes can take.
fn words(folded: &str) -> Vec<String> {
    folded
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '\'' || *c == '-')
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The words typed as the word index holds them: it splits names at '-' and '\'', so the
/// query does too.
fn name_parts(folded: &str) -> Vec<String> {
    words(folded)
        .iter()
        .flat_map(|w| w.split(['-', '\'']).map(str::to_owned).collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Every word typed starts a word of the name, in any order ("jo bla" finds "John Blacksmith").
async fn word_prefix_ids(conn: &mut Conn, folded: &str, limit: i64) -> Result<Vec<i64>> {
    let parts = name_parts(folded);
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let query = Words::All(parts.into_iter().map(Words::Prefix).collect());
    search_store::words_match(conn, &query, limit).await
}

/// Every word typed appears somewhere (name, postcode, phone or number), in any order.
/// Words of three letters or more use the trigram index; shorter ones filter the name.
async fn substring_ids(conn: &mut Conn, folded: &str, limit: i64) -> Result<Vec<i64>> {
    let words = words(folded);
    let (long, short): (Vec<&String>, Vec<&String>) = words.iter().partition(|w| w.len() >= 3);
    if long.is_empty() {
        return Ok(Vec::new());
    }
    let long: Vec<&str> = long.into_iter().map(String::as_str).collect();
    let short: Vec<&str> = short.into_iter().map(String::as_str).collect();
    search_store::trigrams_match(conn, &long, &short, limit).await
}

/// How many letters a typed word may have wrong (left out, extra, changed or swapped with
/// its neighbour) and still find a name: none in one or two letters, one in three or four,
/// two in longer words.
fn typos_allowed(word: &str) -> usize {
    match word.len() {
        0..=2 => 0,
        3..=4 => 1,
        _ => 2,
    }
}

/// The closest words of the names a typed word could have meant, at most this many (a short
/// surname has dozens of names one letter away: with 12, "grzegorz sain" missed "sahin").
const CORRECTIONS: usize = 40;
/// Households read to rank by closeness, at most.
const CANDIDATES: i64 = 200;

/// Names close to the words typed (`name_parts`), for when the exact tiers found too few:
/// each typed word is corrected against the words of names that start with its first or
/// second letter (optimal string alignment distance, so "brwon" is one step from "brown");
/// households whose name has, for every typed word, a word it starts or a correction of it,
/// nearest first. Only words of letters are corrected (digits are numbers, phones and
/// postcodes).
async fn typo_ids(conn: &mut Conn, typed: &[String], limit: i64) -> Result<Vec<i64>> {
    if typed.is_empty()
        || typed.iter().all(|w| typos_allowed(w) == 0)
        || !typed
            .iter()
            .all(|w| w.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        return Ok(Vec::new());
    }
    let shortest = typed.iter().map(|w| w.len() - typos_allowed(w)).min();
    let longest = typed.iter().map(|w| w.len() + typos_allowed(w)).max();
    let as_i64 = |n: Option<usize>| i64::try_from(n.unwrap_or_default()).unwrap_or(i64::MAX);
    // A typo rarely touches the first letter, or swaps the first two: the words read are
    // those starting with the first or second letter of a typed word.
    let mut letters: Vec<char> = typed.iter().flat_map(|w| w.chars().take(2)).collect();
    letters.sort_unstable();
    letters.dedup();
    let vocabulary =
        search_store::name_words(conn, &letters, as_i64(shortest), as_i64(longest)).await?;
    let close: Vec<Vec<&str>> = typed
        .iter()
        .map(|w| {
            let allowed = typos_allowed(w);
            let mut close: Vec<(usize, &str)> = vocabulary
                .iter()
                .filter_map(|term| {
                    let d = strsim::osa_distance(w, term);
                    (d > 0 && d <= allowed && !term.starts_with(w.as_str()))
                        .then_some((d, term.as_str()))
                })
                .collect();
            close.sort_unstable();
            close
                .into_iter()
                .take(CORRECTIONS)
                .map(|(_, t)| t)
                .collect()
        })
        .collect();
    // Nothing to correct: the word-prefix tier has already asked the same.
    if close.iter().all(Vec::is_empty) {
        return Ok(Vec::new());
    }
    // A correction that another typed word asks for too ("nguyqn" → "nguyen" in "nguyen thi
    // nguyqn") would let one word of a name answer both, and every "Nguyen Thi …" would
    // match: such a correction is asked for as a phrase in the order typed ("nguyen thi
    // nguyen"), the others in any order.
    let asked_by_other = |k: usize, term: &str| {
        typed
            .iter()
            .enumerate()
            .any(|(j, w)| j != k && (term.starts_with(w.as_str()) || close[j].contains(&term)))
    };
    let mut phrases = Vec::new();
    let corrections: Vec<Vec<Words>> = close
        .iter()
        .enumerate()
        .map(|(k, terms)| {
            let mut own = Vec::new();
            for term in terms {
                if asked_by_other(k, term) {
                    let mut words = typed.to_vec();
                    words[k] = (*term).to_owned();
                    phrases.push(Words::Phrase(words));
                } else {
                    own.push(Words::Word((*term).to_owned()));
                }
            }
            own
        })
        .collect();
    // A slip is usually in one word: names with every other word as typed are read first,
    // so that a common name corrected ("andrei" → "andrew") does not crowd out the
    // household meant ("andrei sain" → "Andrei Sahin") from the candidates read. Only when
    // those are too few are names with several words corrected read too.
    let group = |k: usize, corrected: bool| {
        let mut terms = vec![Words::Prefix(typed[k].clone())];
        if corrected {
            terms.extend(corrections[k].iter().cloned());
        }
        Words::Any(terms)
    };
    let one_corrected = (0..typed.len())
        .filter(|k| !corrections[*k].is_empty())
        .map(|k| Words::All((0..typed.len()).map(|j| group(j, j == k)).collect()))
        .chain(phrases)
        .collect::<Vec<_>>();
    let mut found = Vec::new();
    if !one_corrected.is_empty() {
        found =
            search_store::words_match_named(conn, &Words::Any(one_corrected), CANDIDATES).await?;
    }
    let wanted = usize::try_from(limit).unwrap_or(usize::MAX);
    if found.len() < wanted && typed.len() > 1 {
        let all = Words::All((0..typed.len()).map(|k| group(k, true)).collect());
        for more in search_store::words_match_named(conn, &all, CANDIDATES).await? {
            if !found.iter().any(|(id, _)| *id == more.0) {
                found.push(more);
            }
        }
    }
    found.sort_by_cached_key(|(_, name)| (distance(typed, name), name.clone()));
    Ok(found.into_iter().map(|(id, _)| id).take(wanted).collect())
}

/// How far a folded name is from the words typed: the fewest typos that make each typed
/// word start a different word of the name ("nguyen thi nguyqn" is one from "nguyen thi
/// nguyen", but far from "nguyen thi lan": one "nguyen" cannot answer two typed words).
/// Typed words beyond the name's words count as far as can be.
fn distance(typed: &[String], name: &str) -> usize {
    let parts = name_parts(name);
    let cost = |w: &str, p: &str| {
        if p.starts_with(w) {
            0
        } else {
            strsim::osa_distance(w, p)
        }
    };
    // The cheapest assignment of typed words to distinct words of the name, over the sets
    // of name words used so far (names have a handful of words).
    if typed.len() > parts.len() || parts.len() > 16 {
        return usize::MAX;
    }
    let mut best = vec![usize::MAX; 1 << parts.len()];
    best[0] = 0;
    for used in 0..best.len() {
        let assigned = used.count_ones() as usize;
        if best[used] == usize::MAX || assigned >= typed.len() {
            continue;
        }
        for (i, p) in parts.iter().enumerate() {
            if used & (1 << i) == 0 {
                let next = used | (1 << i);
                let total = best[used].saturating_add(cost(&typed[assigned], p));
                best[next] = best[next].min(total);
            }
        }
    }
    best.iter()
        .enumerate()
        .filter(|(used, _)| used.count_ones() as usize == typed.len())
        .map(|(_, d)| *d)
        .min()
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_allowed_grow_with_the_word() {
        assert_eq!(typos_allowed("jo"), 0);
        assert_eq!(typos_allowed("jon"), 1);
        assert_eq!(typos_allowed("iqbl"), 1);
        assert_eq!(typos_allowed("brwon"), 2);
    }

    #[test]
    fn nearer_names_rank_first() {
        let typed = name_parts("jon smyth");
        assert_eq!(distance(&typed, "john smith"), 2);
        assert_eq!(distance(&typed, "jonathan smyth"), 0);
        assert!(distance(&typed, "jon smith") < distance(&typed, "joan smithers-day"));
        assert_eq!(distance(&name_parts("brwon"), "fatima brown"), 1);
        // One word of the name answers one typed word only.
        let typed = name_parts("nguyen thi nguyqn");
        assert_eq!(distance(&typed, "nguyen thi nguyen"), 1);
        assert!(distance(&typed, "nguyen thi lan") > 2);
        assert_eq!(distance(&name_parts("smith john"), "john smith"), 0);
        assert_eq!(distance(&typed, "nguyen thi"), usize::MAX);
    }
}
