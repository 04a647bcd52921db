-- Stock: the item catalogue, batches with their dates, and the append-only ledger of
-- movements written by the documents that cause them (deliveries, visits, waste, counts,
-- opening stock). On-hand = sum of movements; batches.on_hand caches it, updated in the
-- same transaction as each movement (a test recomputes it) and never below zero.

-- How the counter records what a household took: 'count' (just the number of items) or
-- 'items' (the items themselves, moving stock out and keeping to the per-visit limits).
ALTER TABLE pantry_settings ADD COLUMN counter_stock TEXT NOT NULL DEFAULT 'count'
    CHECK (counter_stock IN ('count', 'items'));
-- Points a household may spend per visit when items carry points (0 = no points limit).
ALTER TABLE pantry_settings ADD COLUMN points_per_visit INTEGER NOT NULL DEFAULT 0
    CHECK (points_per_visit >= 0);
-- The Stock screen warns about use-by dates this many days ahead.
ALTER TABLE pantry_settings ADD COLUMN use_by_warning_days INTEGER NOT NULL DEFAULT 3
    CHECK (use_by_warning_days >= 0);

-- Colour bands (e.g. 2 red + 8 blue per visit). A band is never deleted while items use it.
CREATE TABLE stock_bands (
    name       TEXT    PRIMARY KEY COLLATE NOCASE,
    per_visit  INTEGER NOT NULL CHECK (per_visit >= 0)
) STRICT;

CREATE TABLE items (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    category       TEXT    NOT NULL,
    unit           TEXT    NOT NULL,
    pack_size      TEXT    NOT NULL DEFAULT '',
    band           TEXT    REFERENCES stock_bands (name),
    points         INTEGER NOT NULL DEFAULT 0 CHECK (points >= 0),
    value_pence    INTEGER CHECK (value_pence >= 0),
    reorder_level  INTEGER NOT NULL DEFAULT 0 CHECK (reorder_level >= 0),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT    NOT NULL
) STRICT;
CREATE INDEX idx_items_category ON items (category, name);

-- A barcode (EAN-13, EAN-8, UPC-A or in-house) stands for `units` of one item.
CREATE TABLE item_barcodes (
    code     TEXT    PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES items (id),
    units    INTEGER NOT NULL DEFAULT 1 CHECK (units > 0)
) STRICT;
CREATE INDEX idx_item_barcodes_item ON item_barcodes (item_id);

CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    local_date  TEXT    NOT NULL,
    source      TEXT    NOT NULL CHECK (source IN ('fareshare', 'supermarket', 'purchase', 'donation', 'other')),
    donor       TEXT    NOT NULL DEFAULT '',
    note        TEXT    NOT NULL DEFAULT '',
    volunteer   TEXT    NOT NULL
) STRICT;
CREATE INDEX idx_deliveries_local_date ON deliveries (local_date);

CREATE TABLE wastes (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    local_date  TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    volunteer   TEXT    NOT NULL
) STRICT;

-- A stock-take: expected quantities are snapshotted when it starts; counted ones are entered
-- (NULL = not counted yet, which is not zero). Finalising posts the adjustments and freezes it.
CREATE TABLE stock_counts (
    id            INTEGER PRIMARY KEY,
    started_at    TEXT    NOT NULL,
    started_by    TEXT    NOT NULL,
    -- The last ledger movement when the count started: later ones happened during the count.
    after_movement  INTEGER NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'finalised', 'cancelled')),
    closed_at     TEXT,
    closed_by     TEXT,
    note          TEXT    NOT NULL DEFAULT ''
) STRICT;
-- At most one count is open at a time.
CREATE UNIQUE INDEX idx_stock_counts_one_open ON stock_counts (status) WHERE status = 'open';

CREATE TABLE stock_count_lines (
    count_id  INTEGER NOT NULL REFERENCES stock_counts (id),
    item_id   INTEGER NOT NULL REFERENCES items (id),
    expected  INTEGER NOT NULL,
    counted   INTEGER CHECK (counted >= 0),
    PRIMARY KEY (count_id, item_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER stock_count_lines_frozen BEFORE UPDATE ON stock_count_lines
WHEN (SELECT status FROM stock_counts WHERE id = OLD.count_id) <> 'open'
BEGIN SELECT RAISE(ABORT, 'this stock count is closed'); END;
CREATE TRIGGER stock_counts_frozen BEFORE UPDATE ON stock_counts
WHEN OLD.status <> 'open'
BEGIN SELECT RAISE(ABORT, 'this stock count is closed'); END;

-- Stock of one item that arrived together with the same dates.
CREATE TABLE batches (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES items (id),
    best_before  TEXT,
    use_by       TEXT,
    on_hand      INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0)
) STRICT;
CREATE INDEX idx_batches_item ON batches (item_id, on_hand);

-- The ledger. Exactly one document column is set, matching the kind.
CREATE TABLE stock_movements (
    id           INTEGER PRIMARY KEY,
    at           TEXT    NOT NULL,
    local_date   TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('opening', 'delivery', 'distribution', 'return', 'waste', 'adjustment')),
    item_id      INTEGER NOT NULL REFERENCES items (id),
    batch_id     INTEGER NOT NULL REFERENCES batches (id),
    quantity     INTEGER NOT NULL CHECK (quantity <> 0),
    value_pence  INTEGER,
    delivery_id  INTEGER REFERENCES deliveries (id),
    visit_id     INTEGER REFERENCES visits (id),
    waste_id     INTEGER REFERENCES wastes (id),
    count_id     INTEGER REFERENCES stock_counts (id),
    CHECK ((delivery_id IS NOT NULL) + (visit_id IS NOT NULL) + (waste_id IS NOT NULL) + (count_id IS NOT NULL)
           = (kind <> 'opening'))
) STRICT;
CREATE INDEX idx_stock_movements_item ON stock_movements (item_id, id);
CREATE INDEX idx_stock_movements_visit ON stock_movements (visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX idx_stock_movements_delivery ON stock_movements (delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX idx_stock_movements_date ON stock_movements (local_date, kind);

CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock movements are append-only: record a correction instead'); END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock movements are append-only: record a correction instead'); END;
