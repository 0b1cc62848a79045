-- index appointments_case
CREATE INDEX appointments_case ON appointments(case_id);

-- index communications_case
CREATE INDEX communications_case ON communications(case_id);

-- index contacts_case
CREATE INDEX contacts_case ON contacts(case_id);

-- index contacts_phone
CREATE INDEX contacts_phone ON contacts(phone) WHERE phone IS NOT NULL;

-- index deadlines_case
CREATE INDEX deadlines_case ON deadlines(case_id);

-- index document_requests_case
CREATE INDEX document_requests_case ON document_requests(case_id);

-- index events_case
CREATE INDEX events_case ON events(case_id);

-- index stage_changes_case
CREATE INDEX stage_changes_case ON stage_changes(case_id, changed_at);

-- index survey_responses_case
CREATE INDEX survey_responses_case ON survey_responses(case_id);

-- index tickler_consents_contact
CREATE INDEX tickler_consents_contact ON tickler_consents(contact_id, id);

-- index tickler_deliveries_claimed
CREATE INDEX tickler_deliveries_claimed ON tickler_deliveries(claimed_by) WHERE claimed_by IS NOT NULL;

-- index tickler_deliveries_due
CREATE INDEX tickler_deliveries_due ON tickler_deliveries(channel, status, next_attempt_at);

-- index tickler_deliveries_message_key
CREATE INDEX tickler_deliveries_message_key ON tickler_deliveries(message_key) WHERE message_key IS NOT NULL;

-- index tickler_deliveries_provider
CREATE INDEX tickler_deliveries_provider ON tickler_deliveries(provider_id) WHERE provider_id IS NOT NULL;

-- index tickler_deliveries_status
CREATE INDEX tickler_deliveries_status ON tickler_deliveries(status, attempts);

-- index tickler_delivery_attempts_delivery
CREATE INDEX tickler_delivery_attempts_delivery ON tickler_delivery_attempts(delivery_id);

-- index tickler_delivery_attempts_outcome
CREATE INDEX tickler_delivery_attempts_outcome ON tickler_delivery_attempts(outcome, at);

-- index tickler_holds_case
CREATE INDEX tickler_holds_case ON tickler_holds(case_id);

-- index tickler_ledger_case
CREATE INDEX tickler_ledger_case ON tickler_ledger(case_id);

-- index tickler_ledger_fire
CREATE UNIQUE INDEX tickler_ledger_fire ON tickler_ledger(fire_id) WHERE outcome = 'fired';

-- index tickler_ledger_unjournaled
CREATE INDEX tickler_ledger_unjournaled ON tickler_ledger(recorded_at) WHERE journaled = 0;

-- index tickler_staff_tasks_case
CREATE INDEX tickler_staff_tasks_case ON tickler_staff_tasks(case_id);

-- index tickler_staff_tasks_open
CREATE INDEX tickler_staff_tasks_open ON tickler_staff_tasks(created_at) WHERE done_at IS NULL;

-- index tickler_wake_at
CREATE INDEX tickler_wake_at ON tickler_wake(wake_at, case_id);

-- table appointments
CREATE TABLE appointments (
    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
    starts_at TEXT NOT NULL, with_client INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0, location TEXT NOT NULL DEFAULT '');

-- table cases
CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL, number TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
    client_name TEXT NOT NULL DEFAULT '', client_email TEXT, status TEXT NOT NULL,
    practice_area TEXT, office TEXT, assignee_id TEXT, attorney_id TEXT,
    opened_at TEXT NOT NULL, closed_at TEXT, tags TEXT NOT NULL DEFAULT '[]', updated_at TEXT NOT NULL, stage TEXT, court TEXT);

-- table communications
CREATE TABLE communications (
    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'other', occurred_at TEXT NOT NULL, responded_at TEXT, automated INTEGER NOT NULL DEFAULT 0, body TEXT);

-- table contacts
CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', email TEXT,
    phone TEXT, language TEXT, time_zone TEXT, preferred_channel TEXT NOT NULL DEFAULT 'email',
    updates_enabled INTEGER NOT NULL DEFAULT 1);

-- table deadlines
CREATE TABLE deadlines (
    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL, due_at TEXT NOT NULL, completed_at TEXT, location TEXT NOT NULL DEFAULT '', client_attends INTEGER);

-- table document_requests
CREATE TABLE document_requests (
    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
    requested_at TEXT NOT NULL, received_at TEXT, shareable INTEGER NOT NULL DEFAULT 0);

-- table events
CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, kind TEXT NOT NULL, occurred_at TEXT NOT NULL,
    service_method TEXT);

-- table grdb_migrations
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);

-- table people
CREATE TABLE people (
    id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, email TEXT, role TEXT, manager_id TEXT,
    active INTEGER NOT NULL DEFAULT 1, phone TEXT);

-- table stage_changes
CREATE TABLE stage_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL, from_stage TEXT, to_stage TEXT NOT NULL,
    changed_at TEXT NOT NULL);

-- table survey_responses
CREATE TABLE survey_responses (
    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, contact_id TEXT NOT NULL, score INTEGER NOT NULL,
    scale_max INTEGER NOT NULL, received_at TEXT NOT NULL, comment TEXT, answers INTEGER NOT NULL DEFAULT 1);

-- table tickler_changes
CREATE TABLE tickler_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL, case_id TEXT);

-- table tickler_consents
CREATE TABLE tickler_consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT, contact_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    purpose TEXT NOT NULL CHECK (purpose IN ('case-updates', 'reminders', 'surveys')),
    granted INTEGER NOT NULL, source TEXT NOT NULL, at TEXT NOT NULL, wording TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    UNIQUE (contact_id, channel, purpose, at, granted, source));

-- table tickler_court_closures
CREATE TABLE tickler_court_closures (
    court TEXT NOT NULL, day TEXT NOT NULL, reason TEXT NOT NULL, source TEXT NOT NULL, recorded_at TEXT NOT NULL,
    PRIMARY KEY (court, day)) WITHOUT ROWID;

-- table tickler_deliveries
CREATE TABLE "tickler_deliveries" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL DEFAULT 'fire' CHECK (kind IN ('fire', 'digest', 'reply')),
    source_id TEXT NOT NULL, recipient TEXT NOT NULL, channel TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, last_error TEXT,
    delivered_at TEXT, claimed_by TEXT, claimed_until TEXT, hold_reason TEXT,
    medium TEXT, refused_media TEXT, provider_id TEXT, carrier_status TEXT, message_key TEXT, payload TEXT,
    UNIQUE (source_id, recipient, channel));

-- table tickler_delivery_attempts
CREATE TABLE tickler_delivery_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES tickler_deliveries(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL, at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed')), detail TEXT);

-- table tickler_digests
CREATE TABLE tickler_digests (
    id TEXT PRIMARY KEY NOT NULL, person_id TEXT NOT NULL, day TEXT NOT NULL,
    items TEXT NOT NULL, created_at TEXT NOT NULL,
    UNIQUE (person_id, day));

-- table tickler_holds
CREATE TABLE "tickler_holds" (
    id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL, policy TEXT,
    until_at TEXT NOT NULL, reason TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'snooze' CHECK (kind IN ('snooze', 'ack')), subject TEXT, anchor_at TEXT, fire_id TEXT, ended_at TEXT);

-- table tickler_inbound_messages
CREATE TABLE tickler_inbound_messages (
    id TEXT PRIMARY KEY NOT NULL, route TEXT NOT NULL, received_at TEXT NOT NULL, applied_at TEXT NOT NULL);

-- table tickler_ledger
CREATE TABLE "tickler_ledger" (
    fire_id TEXT NOT NULL,
    policy TEXT NOT NULL, subject TEXT NOT NULL, anchor_at TEXT NOT NULL,
    stage INTEGER NOT NULL, repeat INTEGER NOT NULL,
    case_id TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('fired', 'skipped')),
    action TEXT, due_at TEXT NOT NULL, fired_at TEXT NOT NULL, deliver_at TEXT,
    recipients TEXT, channels TEXT, explanation TEXT, recorded_at TEXT NOT NULL, journaled INTEGER NOT NULL DEFAULT 1,
    UNIQUE (policy, subject, anchor_at, stage, repeat));

-- table tickler_mail_folders
CREATE TABLE tickler_mail_folders (
    mailbox TEXT NOT NULL, folder TEXT NOT NULL, uid_validity INTEGER NOT NULL, last_uid INTEGER NOT NULL, read_at TEXT,
    PRIMARY KEY (mailbox, folder)) WITHOUT ROWID;

-- table tickler_outbox
CREATE TABLE tickler_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    fire_id TEXT NOT NULL, channel TEXT NOT NULL,
    case_id TEXT NOT NULL, case_number TEXT NOT NULL, client_name TEXT,
    policy TEXT NOT NULL, stage INTEGER NOT NULL, repeat INTEGER NOT NULL, action TEXT NOT NULL,
    subject TEXT NOT NULL, due_at TEXT NOT NULL, deliver_at TEXT NOT NULL,
    recipients TEXT NOT NULL, explanation TEXT, created_at TEXT NOT NULL,
    UNIQUE (fire_id, channel));

-- table tickler_staff_tasks
CREATE TABLE tickler_staff_tasks (
    id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, contact_id TEXT, fire_id TEXT, reason TEXT NOT NULL,
    created_at TEXT NOT NULL, done_at TEXT, done_by TEXT, done_reason TEXT);

-- table tickler_state
CREATE TABLE tickler_state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);

-- table tickler_sync_cursors
CREATE TABLE tickler_sync_cursors (
    source TEXT NOT NULL, model TEXT NOT NULL, since TEXT, next_page TEXT, pass_started_at TEXT, synced_from TEXT,
    PRIMARY KEY (source, model));

-- table tickler_sync_runs
CREATE TABLE tickler_sync_runs (
    source TEXT PRIMARY KEY NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
    written INTEGER NOT NULL DEFAULT 0, current INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0, synced_from TEXT, error TEXT, error_since TEXT);

-- table tickler_sync_versions
CREATE TABLE tickler_sync_versions (id TEXT PRIMARY KEY NOT NULL, version TEXT NOT NULL) WITHOUT ROWID;

-- table tickler_sync_webhooks
CREATE TABLE tickler_sync_webhooks (
    source TEXT NOT NULL, model TEXT NOT NULL, webhook_id TEXT NOT NULL, secret TEXT NOT NULL, status TEXT NOT NULL,
    expires_at TEXT NOT NULL, PRIMARY KEY (source, model));

-- table tickler_wake
CREATE TABLE tickler_wake (case_id TEXT PRIMARY KEY, wake_at INTEGER NOT NULL) WITHOUT ROWID;

-- trigger appointments_delete_feed
CREATE TRIGGER appointments_delete_feed AFTER DELETE ON appointments
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('appointments', OLD.case_id); END;

-- trigger appointments_insert_feed
CREATE TRIGGER appointments_insert_feed AFTER INSERT ON appointments
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('appointments', NEW.case_id); END;

-- trigger appointments_update_feed
CREATE TRIGGER appointments_update_feed AFTER UPDATE ON appointments
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('appointments', NEW.case_id), ('appointments', OLD.case_id); END;

-- trigger cases_delete_feed
CREATE TRIGGER cases_delete_feed AFTER DELETE ON cases
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('cases', OLD.id); END;

-- trigger cases_insert_feed
CREATE TRIGGER cases_insert_feed AFTER INSERT ON cases
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('cases', NEW.id); END;

-- trigger cases_stage_change
CREATE TRIGGER cases_stage_change AFTER UPDATE OF stage ON cases
    WHEN OLD.stage IS NOT NEW.stage AND NEW.stage IS NOT NULL
BEGIN
    INSERT INTO stage_changes (case_id, from_stage, to_stage, changed_at) VALUES (NEW.id, OLD.stage, NEW.stage,
        CASE WHEN NEW.updated_at IS NOT OLD.updated_at THEN NEW.updated_at
             ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END);
END;

-- trigger cases_update_feed
CREATE TRIGGER cases_update_feed AFTER UPDATE ON cases
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('cases', NEW.id), ('cases', OLD.id); END;

-- trigger communications_delete_feed
CREATE TRIGGER communications_delete_feed AFTER DELETE ON communications
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('communications', OLD.case_id); END;

-- trigger communications_insert_feed
CREATE TRIGGER communications_insert_feed AFTER INSERT ON communications
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('communications', NEW.case_id); END;

-- trigger communications_update_feed
CREATE TRIGGER communications_update_feed AFTER UPDATE ON communications
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('communications', NEW.case_id), ('communications', OLD.case_id); END;

-- trigger contacts_delete_feed
CREATE TRIGGER contacts_delete_feed AFTER DELETE ON contacts
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('contacts', OLD.case_id); END;

-- trigger contacts_insert_feed
CREATE TRIGGER contacts_insert_feed AFTER INSERT ON contacts
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('contacts', NEW.case_id); END;

-- trigger contacts_update_feed
CREATE TRIGGER contacts_update_feed AFTER UPDATE ON contacts
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('contacts', NEW.case_id), ('contacts', OLD.case_id); END;

-- trigger deadlines_delete_feed
CREATE TRIGGER deadlines_delete_feed AFTER DELETE ON deadlines
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('deadlines', OLD.case_id); END;

-- trigger deadlines_insert_feed
CREATE TRIGGER deadlines_insert_feed AFTER INSERT ON deadlines
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('deadlines', NEW.case_id); END;

-- trigger deadlines_update_feed
CREATE TRIGGER deadlines_update_feed AFTER UPDATE ON deadlines
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('deadlines', NEW.case_id), ('deadlines', OLD.case_id); END;

-- trigger document_requests_delete_feed
CREATE TRIGGER document_requests_delete_feed AFTER DELETE ON document_requests
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('document_requests', OLD.case_id); END;

-- trigger document_requests_insert_feed
CREATE TRIGGER document_requests_insert_feed AFTER INSERT ON document_requests
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('document_requests', NEW.case_id); END;

-- trigger document_requests_update_feed
CREATE TRIGGER document_requests_update_feed AFTER UPDATE ON document_requests
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('document_requests', NEW.case_id), ('document_requests', OLD.case_id); END;

-- trigger events_delete_feed
CREATE TRIGGER events_delete_feed AFTER DELETE ON events
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('events', OLD.case_id); END;

-- trigger events_insert_feed
CREATE TRIGGER events_insert_feed AFTER INSERT ON events
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('events', NEW.case_id); END;

-- trigger events_update_feed
CREATE TRIGGER events_update_feed AFTER UPDATE ON events
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('events', NEW.case_id), ('events', OLD.case_id); END;

-- trigger people_delete_feed
CREATE TRIGGER people_delete_feed AFTER DELETE ON people
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('people', NULL); END;

-- trigger people_insert_feed
CREATE TRIGGER people_insert_feed AFTER INSERT ON people
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('people', NULL); END;

-- trigger people_update_feed
CREATE TRIGGER people_update_feed AFTER UPDATE ON people
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('people', NULL); END;

-- trigger stage_changes_delete_feed
CREATE TRIGGER stage_changes_delete_feed AFTER DELETE ON stage_changes
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('stage_changes', OLD.case_id); END;

-- trigger stage_changes_insert_feed
CREATE TRIGGER stage_changes_insert_feed AFTER INSERT ON stage_changes
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('stage_changes', NEW.case_id); END;

-- trigger stage_changes_update_feed
CREATE TRIGGER stage_changes_update_feed AFTER UPDATE ON stage_changes
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('stage_changes', NEW.case_id), ('stage_changes', OLD.case_id); END;

-- trigger survey_responses_delete_feed
CREATE TRIGGER survey_responses_delete_feed AFTER DELETE ON survey_responses
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('survey_responses', OLD.case_id); END;

-- trigger survey_responses_insert_feed
CREATE TRIGGER survey_responses_insert_feed AFTER INSERT ON survey_responses
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('survey_responses', NEW.case_id); END;

-- trigger survey_responses_update_feed
CREATE TRIGGER survey_responses_update_feed AFTER UPDATE ON survey_responses
BEGIN INSERT INTO tickler_changes (table_name, case_id) VALUES ('survey_responses', NEW.case_id), ('survey_responses', OLD.case_id); END;
