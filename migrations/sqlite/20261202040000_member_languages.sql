-- Member-facing languages: those the pantry offers (comma-separated codes; English is
-- always offered), its opening times as printed for members, and each household's
-- preferred language for what is printed for it.
ALTER TABLE pantry_settings ADD COLUMN member_languages TEXT NOT NULL DEFAULT 'en';
ALTER TABLE pantry_settings ADD COLUMN opening_times TEXT NOT NULL DEFAULT '';
ALTER TABLE households ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
