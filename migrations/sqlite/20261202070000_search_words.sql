-- Each word of the households' folded names (as the word index splits them: runs of letters
-- and digits) and how many households have it, kept by the household store as names are
-- written, inserted, merged away or erased. The typo-tolerant search corrects each typed
-- word against it ("brwon" → "brown"). It replaces reading the word index's vocabulary
-- (`households_words_vocab`), which counts every posting of each word as it is read: at
-- 100,000 households that took milliseconds for one letter.
CREATE TABLE search_words (
    word       TEXT PRIMARY KEY,
    households INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO search_words (word, households) SELECT term, doc FROM households_words_vocab;
DROP TABLE households_words_vocab;
