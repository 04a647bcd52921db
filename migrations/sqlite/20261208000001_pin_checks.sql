-- PIN checks under way for a volunteer's name, apart from the wrong PINs in a row: a
-- sign-in takes a place before its PIN is hashed and gives it back after, so a volunteer
-- signing in at several desks at once is never locked out by their own right PIN, while
-- guesses sent at once still wait for each other. A place taken by a process that was
-- killed stops counting a minute after pin_checks_since.
ALTER TABLE volunteers ADD COLUMN pin_checks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE volunteers ADD COLUMN pin_checks_since TEXT;
