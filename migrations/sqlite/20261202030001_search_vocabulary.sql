-- The distinct words of every household's folded name, read from the word-prefix index
-- itself (no copy to keep up to date): the typo-tolerant search corrects each typed word
-- against this vocabulary ("brwon" → "brown") before asking the index.
CREATE VIRTUAL TABLE households_words_vocab USING fts5vocab (households_words, row);
