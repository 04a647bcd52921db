-- Volunteers who sign in with a PIN (stored only as an Argon2 hash), with a role:
-- counter volunteer < manager < admin. Repeated wrong PINs lock a volunteer out for a while.
CREATE TABLE volunteers (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    role             TEXT    NOT NULL CHECK (role IN ('counter', 'manager', 'admin')),
    pin_hash         TEXT    NOT NULL,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    created_at       TEXT    NOT NULL
) STRICT;

-- The app locks itself after this many idle minutes.
ALTER TABLE pantry_settings ADD COLUMN idle_lock_minutes INTEGER NOT NULL DEFAULT 10
    CHECK (idle_lock_minutes BETWEEN 1 AND 240);
