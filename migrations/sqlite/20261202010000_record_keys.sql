-- Record keys for the cell key method (docs/report-format.md, "Disclosure control"): every
-- household gets a random whole number from 0 to 255, drawn once and never changed. Its
-- visits, membership events and referrals carry a frozen copy, so a report cell's key (the sum
-- of its records' keys, mod 256) is the same whenever the same records are counted, even after
-- the household is edited or erased. The keys are not personal data and never leave the pantry.

ALTER TABLE households ADD COLUMN record_key INTEGER CHECK (record_key BETWEEN 0 AND 255);
ALTER TABLE visits ADD COLUMN record_key INTEGER CHECK (record_key BETWEEN 0 AND 255);
ALTER TABLE membership_events ADD COLUMN record_key INTEGER CHECK (record_key BETWEEN 0 AND 255);
ALTER TABLE referrals ADD COLUMN record_key INTEGER CHECK (record_key BETWEEN 0 AND 255);

-- A new household draws its key; records written before it had one (its "joined" event, when
-- that trigger ran first) take it too.
CREATE TRIGGER households_record_key AFTER INSERT ON households WHEN NEW.record_key IS NULL
BEGIN
    UPDATE households SET record_key = abs(random() % 256) WHERE id = NEW.id;
    UPDATE membership_events SET record_key = (SELECT record_key FROM households WHERE id = NEW.id)
     WHERE household_id = NEW.id AND record_key IS NULL;
END;

CREATE TRIGGER visits_record_key AFTER INSERT ON visits WHEN NEW.record_key IS NULL
BEGIN
    UPDATE visits SET record_key = (SELECT record_key FROM households WHERE id = NEW.household_id)
     WHERE id = NEW.id;
END;

CREATE TRIGGER membership_events_record_key AFTER INSERT ON membership_events WHEN NEW.record_key IS NULL
BEGIN
    UPDATE membership_events SET record_key = (SELECT record_key FROM households WHERE id = NEW.household_id)
     WHERE id = NEW.id;
END;

CREATE TRIGGER referrals_record_key AFTER INSERT ON referrals WHEN NEW.record_key IS NULL
BEGIN
    UPDATE referrals SET record_key = (SELECT record_key FROM households WHERE id = NEW.household_id)
     WHERE id = NEW.id;
END;

-- Records written before this version. (Kept last: when this migration ended with a
-- CREATE TRIGGER, the database stayed locked after the pool closed; see tests/safety.rs.)
UPDATE households SET record_key = abs(random() % 256);
UPDATE visits SET record_key = (SELECT h.record_key FROM households h WHERE h.id = visits.household_id);
UPDATE membership_events
   SET record_key = (SELECT h.record_key FROM households h WHERE h.id = membership_events.household_id);
UPDATE referrals SET record_key = (SELECT h.record_key FROM households h WHERE h.id = referrals.household_id);
