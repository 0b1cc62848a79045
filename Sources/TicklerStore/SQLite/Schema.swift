import GRDB

/// The store's schema as GRDB migrations. A shipped migration is never edited; changes add a new one.
///
/// Case tables hold the firm's data and are written by integrations and `tickler import`; they carry no
/// foreign keys so a sync may write them in any order (import checks references itself). Times are
/// instants stored as RFC 3339 UTC text (`2026-09-01T16:00:00Z`). `tickler_*` tables are Tickler's own.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-case-tables") { db in
            try db.execute(sql: """
                CREATE TABLE people (
                    id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, email TEXT, role TEXT, manager_id TEXT,
                    active INTEGER NOT NULL DEFAULT 1);
                CREATE TABLE cases (
                    id TEXT PRIMARY KEY NOT NULL, number TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
                    client_name TEXT NOT NULL DEFAULT '', client_email TEXT, status TEXT NOT NULL,
                    practice_area TEXT, office TEXT, assignee_id TEXT, attorney_id TEXT,
                    opened_at TEXT NOT NULL, closed_at TEXT, tags TEXT NOT NULL DEFAULT '[]', updated_at TEXT NOT NULL);
                CREATE TABLE communications (
                    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL,
                    kind TEXT NOT NULL DEFAULT 'other', occurred_at TEXT NOT NULL, responded_at TEXT);
                CREATE INDEX communications_case ON communications(case_id);
                CREATE TABLE deadlines (
                    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
                    kind TEXT NOT NULL, due_at TEXT NOT NULL, completed_at TEXT);
                CREATE INDEX deadlines_case ON deadlines(case_id);
                CREATE TABLE document_requests (
                    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
                    requested_at TEXT NOT NULL, received_at TEXT);
                CREATE INDEX document_requests_case ON document_requests(case_id);
                CREATE TABLE appointments (
                    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
                    starts_at TEXT NOT NULL, with_client INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0);
                CREATE INDEX appointments_case ON appointments(case_id);
                """)
        }
        m.registerMigration("v1-tickler-tables") { db in
            try db.execute(sql: """
                CREATE TABLE tickler_ledger (
                    fire_id TEXT PRIMARY KEY NOT NULL,
                    policy TEXT NOT NULL, subject TEXT NOT NULL, anchor_at TEXT NOT NULL,
                    stage INTEGER NOT NULL, repeat INTEGER NOT NULL,
                    case_id TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('fired', 'skipped')),
                    action TEXT, due_at TEXT NOT NULL, fired_at TEXT NOT NULL, deliver_at TEXT,
                    recipients TEXT, channels TEXT, explanation TEXT, recorded_at TEXT NOT NULL,
                    UNIQUE (policy, subject, anchor_at, stage, repeat));
                CREATE INDEX tickler_ledger_case ON tickler_ledger(case_id);
                CREATE TABLE tickler_snoozes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL, policy TEXT,
                    until_at TEXT NOT NULL, reason TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL);
                CREATE INDEX tickler_snoozes_case ON tickler_snoozes(case_id);
                CREATE TABLE tickler_state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                """)
        }
        m.registerMigration("v2-change-feed") { db in
            // Every write to a case table, by any writer, appends the case it touched (NULL for people), so
            // the daemon reads only what changed since its last tick. The sequence is also the store's
            // generation: two reads that see the same last sequence saw the same data.
            try db.execute(sql: """
                CREATE TABLE tickler_changes (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL, case_id TEXT)
                """)
            // The case tables as of this migration; later tables add their triggers in their own migration.
            for table in ["people", "cases", "communications", "deadlines", "document_requests", "appointments"] {
                try feedTriggers(db, table: table)
            }
        }
        m.registerMigration("v3-delivery-queue") { db in
            // One row per (fire, recipient, channel), written in the transaction that claims the fire, so a
            // crash can never leave a recorded fire without its deliveries. The journal channel is not
            // queued: the fire's journal entry is its delivery there.
            try db.execute(sql: """
                CREATE TABLE tickler_deliveries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    fire_id TEXT NOT NULL REFERENCES tickler_ledger(fire_id),
                    recipient TEXT NOT NULL, channel TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, last_error TEXT,
                    delivered_at TEXT,
                    UNIQUE (fire_id, recipient, channel));
                CREATE INDEX tickler_deliveries_pending ON tickler_deliveries(status, next_attempt_at);
                """)
        }
        m.registerMigration("v4-delivery") { db in
            // Deliveries carry a kind: a fire's message, or a person's daily digest (which has no ledger
            // row, so the queue no longer references the ledger). Every attempt is kept; the outbox holds
            // fires for the firm's own systems; a digest is claimed once per person and business day.
            try db.execute(sql: """
                CREATE TABLE tickler_deliveries_v4 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL DEFAULT 'fire' CHECK (kind IN ('fire', 'digest')),
                    fire_id TEXT NOT NULL, recipient TEXT NOT NULL, channel TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, last_error TEXT,
                    delivered_at TEXT,
                    UNIQUE (fire_id, recipient, channel));
                INSERT INTO tickler_deliveries_v4 (id, fire_id, recipient, channel, status, attempts, next_attempt_at,
                    last_error, delivered_at)
                    SELECT id, fire_id, recipient, channel, status, attempts, next_attempt_at, last_error, delivered_at
                    FROM tickler_deliveries;
                DROP TABLE tickler_deliveries;
                ALTER TABLE tickler_deliveries_v4 RENAME TO tickler_deliveries;
                CREATE INDEX tickler_deliveries_due ON tickler_deliveries(channel, status, next_attempt_at);
                CREATE INDEX tickler_deliveries_status ON tickler_deliveries(status, attempts);
                CREATE TABLE tickler_delivery_attempts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    delivery_id INTEGER NOT NULL REFERENCES tickler_deliveries(id) ON DELETE CASCADE,
                    attempt INTEGER NOT NULL, at TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed')), detail TEXT);
                CREATE INDEX tickler_delivery_attempts_delivery ON tickler_delivery_attempts(delivery_id);
                CREATE INDEX tickler_delivery_attempts_outcome ON tickler_delivery_attempts(outcome, at);
                CREATE TABLE tickler_outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    fire_id TEXT NOT NULL, channel TEXT NOT NULL,
                    case_id TEXT NOT NULL, case_number TEXT NOT NULL, client_name TEXT,
                    policy TEXT NOT NULL, stage INTEGER NOT NULL, repeat INTEGER NOT NULL, action TEXT NOT NULL,
                    subject TEXT NOT NULL, due_at TEXT NOT NULL, deliver_at TEXT NOT NULL,
                    recipients TEXT NOT NULL, explanation TEXT, created_at TEXT NOT NULL,
                    UNIQUE (fire_id, channel));
                CREATE TABLE tickler_digests (
                    id TEXT PRIMARY KEY NOT NULL, person_id TEXT NOT NULL, day TEXT NOT NULL,
                    items TEXT NOT NULL, created_at TEXT NOT NULL,
                    UNIQUE (person_id, day));
                """)
        }
        m.registerMigration("v5-events") { db in
            // Trigger events that deadline rules count from, fed to the change feed like every case table.
            try db.execute(sql: """
                CREATE TABLE events (
                    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, kind TEXT NOT NULL, occurred_at TEXT NOT NULL,
                    service_method TEXT);
                CREATE INDEX events_case ON events(case_id);
                """)
            try feedTriggers(db, table: "events")
        }
        m.registerMigration("v6-holds") { db in
            // Snoozes and acks share one table: an ack holds one cycle (policy, subject, anchor) after a fire.
            // Ending one keeps it for the record.
            try db.execute(sql: """
                ALTER TABLE tickler_snoozes ADD COLUMN kind TEXT NOT NULL DEFAULT 'snooze' CHECK (kind IN ('snooze', 'ack'));
                ALTER TABLE tickler_snoozes ADD COLUMN subject TEXT;
                ALTER TABLE tickler_snoozes ADD COLUMN anchor_at TEXT;
                ALTER TABLE tickler_snoozes ADD COLUMN fire_id TEXT;
                ALTER TABLE tickler_snoozes ADD COLUMN ended_at TEXT;
                """)
        }
        m.registerMigration("v7-journal-mark") { db in
            // A fire's journal entry is a delivery like the others: it is marked once journald took it, and a
            // fire recorded but not marked (a crash between the commit and the entry) is journaled again.
            // Rows from before this migration were journaled by the run that recorded them.
            try db.execute(sql: """
                ALTER TABLE tickler_ledger ADD COLUMN journaled INTEGER NOT NULL DEFAULT 1;
                CREATE INDEX tickler_ledger_unjournaled ON tickler_ledger(recorded_at) WHERE journaled = 0;
                """)
        }
        m.registerMigration("v8-names") { db in
            // Names for what the tables hold: holds are snoozes and acks; a queued delivery is of a fire or of
            // a digest, so its source is not always a fire.
            try db.execute(sql: """
                ALTER TABLE tickler_snoozes RENAME TO tickler_holds;
                DROP INDEX tickler_snoozes_case;
                CREATE INDEX tickler_holds_case ON tickler_holds(case_id);
                ALTER TABLE tickler_deliveries RENAME COLUMN fire_id TO source_id;
                """)
        }
        m.registerMigration("v9-delivery-leases") { db in
            // A lane claims a delivery for a bounded time before sending it; only the claimant records the
            // attempt. A claim whose time ran out is free again.
            try db.execute(sql: """
                ALTER TABLE tickler_deliveries ADD COLUMN claimed_by TEXT;
                ALTER TABLE tickler_deliveries ADD COLUMN claimed_until TEXT;
                CREATE INDEX tickler_deliveries_claimed ON tickler_deliveries(claimed_by) WHERE claimed_by IS NOT NULL;
                """)
        }
        m.registerMigration("v10-wake-schedule") { db in
            // When each case next needs evaluating (seconds since the epoch), as its last evaluation said: a
            // tick takes the cases whose time has come, earliest first, instead of keeping the firm in memory.
            try db.execute(sql: """
                CREATE TABLE tickler_wake (case_id TEXT PRIMARY KEY, wake_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX tickler_wake_at ON tickler_wake(wake_at, case_id);
                """)
        }
        m.registerMigration("v11-client-updates") { db in
            // Client updates: the people on the client's side of a case (several per case), the case's stage
            // and a record of each change of it (written by the trigger below for any writer that changes
            // the stage; its time is the writer's `updated_at` when the writer set one), clients' survey answers,
            // staff direct lines (a
            // client message may give the assignee's), whether a document
            // request's title may be shown to the client, and the consent ledger (entries are only added;
            // the latest per contact, channel and purpose is in force).
            try db.execute(sql: """
                ALTER TABLE cases ADD COLUMN stage TEXT;
                ALTER TABLE people ADD COLUMN phone TEXT;
                ALTER TABLE document_requests ADD COLUMN shareable INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE contacts (
                    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', email TEXT,
                    phone TEXT, language TEXT, time_zone TEXT, preferred_channel TEXT NOT NULL DEFAULT 'email',
                    updates_enabled INTEGER NOT NULL DEFAULT 1);
                CREATE INDEX contacts_case ON contacts(case_id);
                CREATE INDEX contacts_phone ON contacts(phone) WHERE phone IS NOT NULL;
                CREATE TABLE stage_changes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL, from_stage TEXT, to_stage TEXT NOT NULL,
                    changed_at TEXT NOT NULL);
                CREATE INDEX stage_changes_case ON stage_changes(case_id, changed_at);
                CREATE TABLE survey_responses (
                    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, contact_id TEXT NOT NULL, score INTEGER NOT NULL,
                    scale_max INTEGER NOT NULL, received_at TEXT NOT NULL);
                CREATE INDEX survey_responses_case ON survey_responses(case_id);
                CREATE TRIGGER cases_stage_change AFTER UPDATE OF stage ON cases
                    WHEN OLD.stage IS NOT NEW.stage AND NEW.stage IS NOT NULL
                BEGIN
                    INSERT INTO stage_changes (case_id, from_stage, to_stage, changed_at) VALUES (NEW.id, OLD.stage, NEW.stage,
                        CASE WHEN NEW.updated_at IS NOT OLD.updated_at THEN NEW.updated_at
                             ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END);
                END;
                CREATE TABLE tickler_consents (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, contact_id TEXT NOT NULL,
                    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
                    purpose TEXT NOT NULL CHECK (purpose IN ('case-updates', 'reminders', 'surveys')),
                    granted INTEGER NOT NULL, source TEXT NOT NULL, at TEXT NOT NULL, wording TEXT NOT NULL DEFAULT '',
                    recorded_at TEXT NOT NULL,
                    UNIQUE (contact_id, channel, purpose, at, granted, source));
                CREATE INDEX tickler_consents_contact ON tickler_consents(contact_id, id);
                """)
            try feedTriggers(db, table: "contacts")
            try feedTriggers(db, table: "stage_changes")
            try feedTriggers(db, table: "survey_responses")
            // A client message may be cancelled (by staff, or by the checks made just before it is sent) and
            // held (quiet hours, the undo window): a status and a reason the queue's check must allow, so the
            // table is rebuilt (SQLite cannot change a CHECK in place).
            try db.execute(sql: """
                CREATE TABLE tickler_deliveries_v11 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL DEFAULT 'fire' CHECK (kind IN ('fire', 'digest')),
                    source_id TEXT NOT NULL, recipient TEXT NOT NULL, channel TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
                    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, last_error TEXT,
                    delivered_at TEXT, claimed_by TEXT, claimed_until TEXT, hold_reason TEXT,
                    UNIQUE (source_id, recipient, channel));
                INSERT INTO tickler_deliveries_v11 (id, kind, source_id, recipient, channel, status, attempts, next_attempt_at,
                    last_error, delivered_at, claimed_by, claimed_until)
                    SELECT id, kind, source_id, recipient, channel, status, attempts, next_attempt_at, last_error, delivered_at,
                        claimed_by, claimed_until
                    FROM tickler_deliveries;
                DROP TABLE tickler_deliveries;
                ALTER TABLE tickler_deliveries_v11 RENAME TO tickler_deliveries;
                CREATE INDEX tickler_deliveries_due ON tickler_deliveries(channel, status, next_attempt_at);
                CREATE INDEX tickler_deliveries_status ON tickler_deliveries(status, attempts);
                CREATE INDEX tickler_deliveries_claimed ON tickler_deliveries(claimed_by) WHERE claimed_by IS NOT NULL;
                """)
        }
        m.registerMigration("v12-inbound-messages") { db in
            // The gateway's messages already applied, by its id: a repeat (a retry, a replay) writes nothing.
            // Only the id, what it was and when it came: the message itself is not kept here.
            try db.execute(sql: """
                CREATE TABLE tickler_inbound_messages (
                    id TEXT PRIMARY KEY NOT NULL, route TEXT NOT NULL, received_at TEXT NOT NULL, applied_at TEXT NOT NULL);
                """)
        }
        m.registerMigration("v13-staff-tasks") { db in
            // What Tickler could not do and a person must: a client message no medium could carry becomes a
            // task on its case, written with the message's cancellation (its id derives from the message, so
            // it is written once). It names the contact by id and says why in Tickler's words: no client data.
            // A client message remembers the medium it went by, those that refused it for good (not tried
            // again), the gateway's id of a text and the last status its carrier reported for it. A communication Tickler
            // wrote itself (a client message it delivered) is marked: it restarts the update cadence but
            // answers no client's question and does no staff task.
            try db.execute(sql: """
                CREATE TABLE tickler_staff_tasks (
                    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, contact_id TEXT, fire_id TEXT, reason TEXT NOT NULL,
                    created_at TEXT NOT NULL, done_at TEXT, done_by TEXT, done_reason TEXT);
                CREATE INDEX tickler_staff_tasks_case ON tickler_staff_tasks(case_id);
                CREATE INDEX tickler_staff_tasks_open ON tickler_staff_tasks(created_at) WHERE done_at IS NULL;
                ALTER TABLE tickler_deliveries ADD COLUMN medium TEXT;
                ALTER TABLE tickler_deliveries ADD COLUMN refused_media TEXT;
                ALTER TABLE tickler_deliveries ADD COLUMN provider_id TEXT;
                ALTER TABLE tickler_deliveries ADD COLUMN carrier_status TEXT;
                CREATE INDEX tickler_deliveries_provider ON tickler_deliveries(provider_id) WHERE provider_id IS NOT NULL;
                ALTER TABLE communications ADD COLUMN automated INTEGER NOT NULL DEFAULT 0;
                """)
        }
        m.registerMigration("v14-client-replies") { db in
            // Where a hearing or appointment is and whether the client attends: fields for clients' reminders.
            // What a client wrote is kept in the firm's store, never in the journal: a text's words with its
            // inbound communication, a survey answer's comment with its score (a later answer to the same
            // survey replaces the earlier one, and the row counts the answers). A reply is forwarded to staff
            // through the queue (kind `reply`), its words in the row until it is delivered. A client message
            // names its kind, case, contact and day (`message_key`): one of each a day.
            try db.execute(sql: """
                ALTER TABLE communications ADD COLUMN body TEXT;
                ALTER TABLE survey_responses ADD COLUMN comment TEXT;
                ALTER TABLE survey_responses ADD COLUMN answers INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE deadlines ADD COLUMN location TEXT NOT NULL DEFAULT '';
                ALTER TABLE deadlines ADD COLUMN client_attends INTEGER;
                ALTER TABLE appointments ADD COLUMN location TEXT NOT NULL DEFAULT '';
                CREATE TABLE tickler_deliveries_v14 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL DEFAULT 'fire' CHECK (kind IN ('fire', 'digest', 'reply')),
                    source_id TEXT NOT NULL, recipient TEXT NOT NULL, channel TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
                    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, last_error TEXT,
                    delivered_at TEXT, claimed_by TEXT, claimed_until TEXT, hold_reason TEXT,
                    medium TEXT, refused_media TEXT, provider_id TEXT, carrier_status TEXT, message_key TEXT, payload TEXT,
                    UNIQUE (source_id, recipient, channel));
                INSERT INTO tickler_deliveries_v14 (id, kind, source_id, recipient, channel, status, attempts, next_attempt_at,
                    last_error, delivered_at, claimed_by, claimed_until, hold_reason, medium, refused_media, provider_id, carrier_status)
                    SELECT id, kind, source_id, recipient, channel, status, attempts, next_attempt_at, last_error, delivered_at,
                        claimed_by, claimed_until, hold_reason, medium, refused_media, provider_id, carrier_status
                    FROM tickler_deliveries;
                DROP TABLE tickler_deliveries;
                ALTER TABLE tickler_deliveries_v14 RENAME TO tickler_deliveries;
                CREATE INDEX tickler_deliveries_due ON tickler_deliveries(channel, status, next_attempt_at);
                CREATE INDEX tickler_deliveries_status ON tickler_deliveries(status, attempts);
                CREATE INDEX tickler_deliveries_claimed ON tickler_deliveries(claimed_by) WHERE claimed_by IS NOT NULL;
                CREATE INDEX tickler_deliveries_provider ON tickler_deliveries(provider_id) WHERE provider_id IS NOT NULL;
                CREATE INDEX tickler_deliveries_message_key ON tickler_deliveries(message_key) WHERE message_key IS NOT NULL;
                """)
        }
        m.registerMigration("v15-ledger-fire-index") { db in
            // A skipped step is never looked up by its id (nothing is sent for it): only fired rows are in the
            // index of fire ids. The key of a row is its cycle and step (fire ids are made from them), so the
            // unique (policy, subject, anchor_at, stage, repeat) keeps each step once as before. A catch-up
            // records mostly skipped steps, and fire ids are hashes: each row in that index was a write to a
            // random page of it. The table is rebuilt (a primary key cannot be dropped in place), rows and
            // rowids as they were.
            try db.execute(sql: """
                CREATE TABLE tickler_ledger_v15 (
                    fire_id TEXT NOT NULL,
                    policy TEXT NOT NULL, subject TEXT NOT NULL, anchor_at TEXT NOT NULL,
                    stage INTEGER NOT NULL, repeat INTEGER NOT NULL,
                    case_id TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('fired', 'skipped')),
                    action TEXT, due_at TEXT NOT NULL, fired_at TEXT NOT NULL, deliver_at TEXT,
                    recipients TEXT, channels TEXT, explanation TEXT, recorded_at TEXT NOT NULL, journaled INTEGER NOT NULL DEFAULT 1,
                    UNIQUE (policy, subject, anchor_at, stage, repeat));
                INSERT INTO tickler_ledger_v15 (rowid, fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, action,
                    due_at, fired_at, deliver_at, recipients, channels, explanation, recorded_at, journaled)
                    SELECT rowid, fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, action,
                        due_at, fired_at, deliver_at, recipients, channels, explanation, recorded_at, journaled
                    FROM tickler_ledger ORDER BY rowid;
                DROP TABLE tickler_ledger;
                ALTER TABLE tickler_ledger_v15 RENAME TO tickler_ledger;
                CREATE UNIQUE INDEX tickler_ledger_fire ON tickler_ledger(fire_id) WHERE outcome = 'fired';
                CREATE INDEX tickler_ledger_case ON tickler_ledger(case_id);
                CREATE INDEX tickler_ledger_unjournaled ON tickler_ledger(recorded_at) WHERE journaled = 0;
                """)
        }
        m.registerMigration("v16-sync-state") { db in
            // Where a practice-management sync stands (SyncState): the version (the source's updated_at) of each
            // record it wrote, each model's cursor (written with the rows of the page before it), its last run,
            // and its webhooks with the secret each delivery is signed with. A version is the record's key (`clio:matter:123`), not a row: a matter brings a case and its
            // client's contact, both left alone when the matter is not newer.
            try db.execute(sql: """
                CREATE TABLE tickler_sync_versions (id TEXT PRIMARY KEY NOT NULL, version TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE tickler_sync_cursors (
                    source TEXT NOT NULL, model TEXT NOT NULL, since TEXT, next_page TEXT, pass_started_at TEXT, synced_from TEXT,
                    PRIMARY KEY (source, model));
                CREATE TABLE tickler_sync_runs (
                    source TEXT PRIMARY KEY NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
                    written INTEGER NOT NULL DEFAULT 0, current INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,
                    requests INTEGER NOT NULL DEFAULT 0, synced_from TEXT, error TEXT, error_since TEXT);
                CREATE TABLE tickler_sync_webhooks (
                    source TEXT NOT NULL, model TEXT NOT NULL, webhook_id TEXT NOT NULL, secret TEXT NOT NULL, status TEXT NOT NULL,
                    expires_at TEXT NOT NULL, PRIMARY KEY (source, model));
                """)
        }
        m.registerMigration("v17-mail-folders") { db in
            // Where the mail reader stands in each folder of each mailbox (MailState): the folder's UIDVALIDITY
            // and the last UID read, written with the emails of the messages up to it.
            try db.execute(sql: """
                CREATE TABLE tickler_mail_folders (
                    mailbox TEXT NOT NULL, folder TEXT NOT NULL, uid_validity INTEGER NOT NULL, last_uid INTEGER NOT NULL, read_at TEXT,
                    PRIMARY KEY (mailbox, folder)) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v18-case-court") { db in
            // The court a case is in (docs/courts.md): deadline rules with `court: case` count by it.
            try db.execute(sql: "ALTER TABLE cases ADD COLUMN court TEXT;")
        }
        m.registerMigration("v19-court-closures") { db in
            // Days a court was closed (tickler closure add): a last day on one moves to the next open day.
            try db.execute(sql: """
                CREATE TABLE tickler_court_closures (
                    court TEXT NOT NULL, day TEXT NOT NULL, reason TEXT NOT NULL, source TEXT NOT NULL, recorded_at TEXT NOT NULL,
                    PRIMARY KEY (court, day)) WITHOUT ROWID;
                """)
        }
        return m
    }

    /// The store's generation: the last change-feed sequence, which grows with every write to a case table
    /// (and survives pruning of the feed).
    static func generation(_ db: Database) throws -> Int64 {
        try Row.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'tickler_changes'")?.int64(0) ?? 0
    }

    /// The change-feed triggers of one case table. Shipped migrations call it, so it is never changed:
    /// `SchemaTests` holds what it wrote (Tests/TicklerStoreTests/Schema/sqlite.sql), and a new migration
    /// writes its SQL out instead.
    static func feedTriggers(_ db: Database, table: String) throws {
        let key = table == "cases" ? "id" : "case_id"
        for event in ["INSERT", "UPDATE", "DELETE"] {
            var rows: [String] = []
            if table == "people" {
                rows = ["('people', NULL)"]
            } else {
                if event != "DELETE" { rows.append("('\(table)', NEW.\(key))") }
                if event != "INSERT" { rows.append("('\(table)', OLD.\(key))") }
            }
            try db.execute(sql: """
                CREATE TRIGGER \(table)_\(event.lowercased())_feed AFTER \(event) ON \(table)
                BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES \(rows.joined(separator: ", ")); END
                """)
        }
    }

    static let caseTables = ["people", "cases", "communications", "deadlines", "document_requests", "appointments", "events",
                             "contacts", "stage_changes", "survey_responses"]
}
