-- data/schema.sql -- the durable copy of ticketd's state (SQLite).
-- Applied by server/store/sqlite.c at every open (embedded in the binary),
-- so every statement is idempotent, and a change for an older file is made
-- here too (IF NOT EXISTS). The same tables in PostgreSQL's dialect are in
-- server/store/pg_schema.c. The engine thread holds all state in memory;
-- these tables are what a restart reloads. Times are ms since the
-- epoch, money is integer won. PRAGMA user_version is the schema version.

CREATE TABLE IF NOT EXISTS users (
    id          INTEGER PRIMARY KEY,
    uuid        BLOB    NOT NULL UNIQUE CHECK (length(uuid) = 16),
    name        TEXT    NOT NULL,
    balance     INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
    created_at  INTEGER NOT NULL
);

-- One row per queue.join; seq is the place in line. state: 0 waiting,
-- 1 active, 2 expired. since: admission or the end of the last hold (the
-- active window counts from it); admitted_at 0 = never admitted.
CREATE TABLE IF NOT EXISTS queue (
    seq         INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    state       INTEGER NOT NULL CHECK (state IN (0, 1, 2)),
    issued_at   INTEGER NOT NULL,
    since       INTEGER NOT NULL DEFAULT 0,
    admitted_at INTEGER NOT NULL DEFAULT 0
);

-- tz (version 3, venue time): the IANA zone the concert's times are shown
-- in. An older file gets the column from server/store/sqlite.c
-- (sl_added_columns: SQLite cannot add a column IF NOT EXISTS).
CREATE TABLE IF NOT EXISTS concerts (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL CHECK (length(title) > 0),
    venue       TEXT    NOT NULL CHECK (length(venue) > 0),
    created_at  INTEGER NOT NULL,
    tz          TEXT    NOT NULL DEFAULT 'Asia/Seoul' CHECK (length(tz) > 0)
);

-- seq: the per-date event sequence, +1 per seat change, kept here so it
-- keeps rising across restarts.
CREATE TABLE IF NOT EXISTS dates (
    id          INTEGER PRIMARY KEY,
    concert_id  INTEGER NOT NULL REFERENCES concerts(id),
    starts_at   INTEGER NOT NULL,
    on_sale_at  INTEGER NOT NULL,
    seq         INTEGER NOT NULL DEFAULT 0
);

-- Prices only: a seat's state is derived from holds and bookings.
CREATE TABLE IF NOT EXISTS seats (
    date_id     INTEGER NOT NULL REFERENCES dates(id),
    seat_no     INTEGER NOT NULL CHECK (seat_no BETWEEN 1 AND 50),
    price       INTEGER NOT NULL CHECK (price BETWEEN 0 AND 10000000),
    PRIMARY KEY (date_id, seat_no)
) WITHOUT ROWID;

-- state: 0 live, 1 released, 2 lapsed, 3 paid.
CREATE TABLE IF NOT EXISTS holds (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    date_id     INTEGER NOT NULL REFERENCES dates(id),
    seat_no     INTEGER NOT NULL,
    price       INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    state       INTEGER NOT NULL CHECK (state IN (0, 1, 2, 3)),
    ended_at    INTEGER NOT NULL DEFAULT 0
);
-- A second guard behind the in-memory one: one live hold per seat.
CREATE UNIQUE INDEX IF NOT EXISTS holds_live ON holds (date_id, seat_no) WHERE state = 0;

CREATE TABLE IF NOT EXISTS payments (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    balance     INTEGER NOT NULL,
    paid_at     INTEGER NOT NULL,
    request_id  TEXT    NOT NULL
);
-- A request_id pays once per member (the idempotency record says so too;
-- this is the database refusing a second payment under it). Version 2:
-- on an older file this line is the migration.
CREATE UNIQUE INDEX IF NOT EXISTS payments_request ON payments (user_id, request_id);

-- state: 0 paid, 1 refunded.
CREATE TABLE IF NOT EXISTS bookings (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    payment_id  INTEGER NOT NULL REFERENCES payments(id),
    hold_id     INTEGER NOT NULL,
    date_id     INTEGER NOT NULL REFERENCES dates(id),
    seat_no     INTEGER NOT NULL,
    price       INTEGER NOT NULL,
    paid_at     INTEGER NOT NULL,
    state       INTEGER NOT NULL CHECK (state IN (0, 1)),
    refunded_at INTEGER NOT NULL DEFAULT 0
);
-- No seat sold twice, enforced by the database as well.
CREATE UNIQUE INDEX IF NOT EXISTS bookings_sold ON bookings (date_id, seat_no) WHERE state = 0;

-- Door check-in (admin.booking.checkin): a booking's first scan, when
-- (ms) and at which gate ('' none). Later scans change nothing, so one row
-- per booking at most. A table of its own rather than columns of
-- bookings: CREATE TABLE IF NOT EXISTS is the migration of an older file
-- (version 3), where SQLite has no ADD COLUMN IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS checkins (
    booking_id  INTEGER PRIMARY KEY REFERENCES bookings(id),
    at          INTEGER NOT NULL,
    gate        TEXT    NOT NULL
);

-- Wallet ledger: amount is signed (+ charge/refund, - payment), balance is
-- the wallet after the entry; ref is the payment or booking id.
CREATE TABLE IF NOT EXISTS ledger (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    kind        TEXT    NOT NULL CHECK (kind IN ('charge', 'payment', 'refund')),
    amount      INTEGER NOT NULL,
    balance     INTEGER NOT NULL CHECK (balance >= 0),
    at          INTEGER NOT NULL,
    ref         INTEGER NOT NULL DEFAULT 0,
    method      TEXT    NOT NULL DEFAULT '',
    staff       TEXT    NOT NULL DEFAULT ''
);
-- method: how a top-up was paid at the counter ('cash', 'card', 'other';
-- '' = by the member at a kiosk); staff: the staff member who took the
-- money or made the refund ('' = none). Files made before version 3 get
-- both columns from server/store/sqlite.c (sl_added_columns).
-- No index on user_id: the server reads the ledger only when it loads (in
-- id order) and serves wallet.history from memory, while every charge and
-- payment would pay for one more scattered page in each commit (about 8%
-- of a payment's server time, measured). ticket-audit's joins get SQLite's
-- automatic indexes. Databases made before this drop it here.
DROP INDEX IF EXISTS ledger_user;

-- request_id idempotency for wallet.charge and payment.pay: only successes
-- are recorded; params is a canonical text of the request's params and
-- result_ref the ledger entry (charge) or payment (pay) it produced.
CREATE TABLE IF NOT EXISTS idempotency (
    user_id     INTEGER NOT NULL REFERENCES users(id),
    request_id  TEXT    NOT NULL,
    method      TEXT    NOT NULL,
    params      TEXT    NOT NULL,
    result_ref  INTEGER NOT NULL,
    PRIMARY KEY (user_id, request_id)
) WITHOUT ROWID;

-- Queue settings changed by admin.queue.set (they override the flags).
CREATE TABLE IF NOT EXISTS settings (
    key         TEXT    PRIMARY KEY,
    value       INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per pre-queue draw (admin.queue.set opens_at): the members who
-- joined before the opening, seqs first_seq .. first_seq+n-1, take places
-- first_seq+i in the drawn order, ord = n little-endian uint32 offsets
-- (place first_seq+i belongs to seq first_seq+ord[i]). Written in the same
-- commit that clears opens_at, so a draw happens once: a restart before it
-- draws at the first tick, a restart after it reloads this order. ms is
-- how long the draw took in memory.
CREATE TABLE IF NOT EXISTS draws (
    id          INTEGER PRIMARY KEY,
    first_seq   INTEGER NOT NULL CHECK (first_seq >= 1),
    n           INTEGER NOT NULL CHECK (n >= 1),
    drawn_at    INTEGER NOT NULL,
    ms          INTEGER NOT NULL,
    ord         BLOB    NOT NULL CHECK (length(ord) = 4 * n)
);

CREATE TABLE IF NOT EXISTS audit (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    method      TEXT    NOT NULL,
    peer        TEXT    NOT NULL,
    params      TEXT    NOT NULL,
    result      TEXT    NOT NULL,
    staff       TEXT    NOT NULL DEFAULT '',
    node        TEXT    NOT NULL DEFAULT ''
);
-- staff: the staff member whose key made the call (the admin key file's is
-- "admin"); version 3, added to older files as ledger's columns are.
-- node: the ticketd node (--node) that took the call; version 4, added to
-- older files likewise ('' on their rows).

PRAGMA user_version = 4;
