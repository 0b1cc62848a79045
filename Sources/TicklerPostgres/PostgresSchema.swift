import Foundation
import TicklerStore

/// The store's schema on PostgreSQL: the same logical tables as on SQLite (an integration may write the
/// case tables directly, and its writes reach the daemons through the same kind of triggers), with
/// `timestamptz` for instants, `jsonb` for lists and `COLLATE "C"` on ids, so that cases are walked in the
/// byte order of their ids as on SQLite. A shipped migration is never edited; changes add a new one.
///
/// Migrations run under a transaction-level advisory lock, so any number of instances may start at once:
/// the first applies them, the others wait for its commit and find nothing left to do.
enum PostgresSchema {
    /// The advisory lock key of migrations (any fixed number: "tickler" in ASCII).
    static let migrationLock: Int64 = 0x7469_636B_6C65_72

    /// Each migration's name and SQL, in order.
    static let migrations: [(name: String, sql: String)] = [
        ("v1-case-tables", """
            CREATE TABLE people (
                id text COLLATE "C" PRIMARY KEY, name text NOT NULL, email text, role text, manager_id text COLLATE "C",
                active boolean NOT NULL DEFAULT true);
            CREATE TABLE cases (
                id text COLLATE "C" PRIMARY KEY, number text NOT NULL, title text NOT NULL DEFAULT '',
                client_name text NOT NULL DEFAULT '', client_email text, status text NOT NULL,
                practice_area text, office text, assignee_id text COLLATE "C", attorney_id text COLLATE "C",
                opened_at timestamptz NOT NULL, closed_at timestamptz, tags jsonb NOT NULL DEFAULT '[]',
                updated_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE communications (
                id text COLLATE "C" PRIMARY KEY, case_id text COLLATE "C" NOT NULL, direction text NOT NULL,
                channel text NOT NULL, kind text NOT NULL DEFAULT 'other', occurred_at timestamptz NOT NULL,
                responded_at timestamptz);
            CREATE INDEX communications_case ON communications (case_id);
            CREATE TABLE deadlines (
                id text COLLATE "C" PRIMARY KEY, case_id text COLLATE "C" NOT NULL, title text NOT NULL DEFAULT '',
                kind text NOT NULL, due_at timestamptz NOT NULL, completed_at timestamptz);
            CREATE INDEX deadlines_case ON deadlines (case_id);
            CREATE TABLE document_requests (
                id text COLLATE "C" PRIMARY KEY, case_id text COLLATE "C" NOT NULL, title text NOT NULL DEFAULT '',
                requested_at timestamptz NOT NULL, received_at timestamptz);
            CREATE INDEX document_requests_case ON document_requests (case_id);
            CREATE TABLE appointments (
                id text COLLATE "C" PRIMARY KEY, case_id text COLLATE "C" NOT NULL, title text NOT NULL DEFAULT '',
                starts_at timestamptz NOT NULL, with_client boolean NOT NULL DEFAULT false,
                cancelled boolean NOT NULL DEFAULT false);
            CREATE INDEX appointments_case ON appointments (case_id);
            CREATE TABLE events (
                id text COLLATE "C" PRIMARY KEY, case_id text COLLATE "C" NOT NULL, kind text NOT NULL,
                occurred_at timestamptz NOT NULL, service_method text);
            CREATE INDEX events_case ON events (case_id);
            """),
        ("v1-tickler-tables", """
            -- Legal time: what every instance calls "now". The database's clock, never an instance's own.
            -- (Tests pin it by replacing this function.)
            CREATE FUNCTION tickler_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$ SELECT now() $$;

            CREATE TABLE tickler_ledger (
                fire_id text PRIMARY KEY,
                policy text NOT NULL, subject text NOT NULL, anchor_at timestamptz NOT NULL,
                stage integer NOT NULL, repeat integer NOT NULL,
                case_id text COLLATE "C" NOT NULL,
                outcome text NOT NULL CHECK (outcome IN ('fired', 'skipped')),
                action text, due_at timestamptz NOT NULL, fired_at timestamptz NOT NULL, deliver_at timestamptz,
                recipients jsonb, channels jsonb, explanation text, recorded_at timestamptz NOT NULL,
                recorded_by text, journaled boolean NOT NULL DEFAULT false,
                UNIQUE (policy, subject, anchor_at, stage, repeat));
            CREATE INDEX tickler_ledger_case ON tickler_ledger (case_id);
            CREATE INDEX tickler_ledger_unjournaled ON tickler_ledger (recorded_at) WHERE NOT journaled;

            CREATE TABLE tickler_holds (
                id bigserial PRIMARY KEY,
                kind text NOT NULL DEFAULT 'snooze' CHECK (kind IN ('snooze', 'ack')),
                case_id text COLLATE "C" NOT NULL, policy text, subject text, anchor_at timestamptz, fire_id text,
                until_at timestamptz NOT NULL, reason text NOT NULL, created_by text NOT NULL,
                created_at timestamptz NOT NULL, ended_at timestamptz);
            CREATE INDEX tickler_holds_case ON tickler_holds (case_id);

            CREATE TABLE tickler_state (key text PRIMARY KEY, value text NOT NULL);

            CREATE TABLE tickler_deliveries (
                id bigserial PRIMARY KEY,
                kind text NOT NULL DEFAULT 'fire' CHECK (kind IN ('fire', 'digest')),
                source_id text NOT NULL, recipient text NOT NULL, channel text NOT NULL,
                status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
                attempts integer NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL, last_error text,
                delivered_at timestamptz, claimed_by text, claimed_until timestamptz,
                UNIQUE (source_id, recipient, channel));
            CREATE INDEX tickler_deliveries_due ON tickler_deliveries (channel, next_attempt_at, id) WHERE status = 'pending';
            CREATE INDEX tickler_deliveries_status ON tickler_deliveries (status, attempts);
            CREATE TABLE tickler_delivery_attempts (
                id bigserial PRIMARY KEY,
                delivery_id bigint NOT NULL REFERENCES tickler_deliveries (id) ON DELETE CASCADE,
                attempt integer NOT NULL, at timestamptz NOT NULL,
                outcome text NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed')), detail text,
                claimant text);
            CREATE INDEX tickler_delivery_attempts_delivery ON tickler_delivery_attempts (delivery_id);
            CREATE INDEX tickler_delivery_attempts_outcome ON tickler_delivery_attempts (outcome, at);
            CREATE TABLE tickler_outbox (
                id bigserial PRIMARY KEY,
                fire_id text NOT NULL, channel text NOT NULL,
                case_id text NOT NULL, case_number text NOT NULL, client_name text,
                policy text NOT NULL, stage integer NOT NULL, repeat integer NOT NULL, action text NOT NULL,
                subject text NOT NULL, due_at timestamptz NOT NULL, deliver_at timestamptz NOT NULL,
                recipients jsonb NOT NULL, explanation text, created_at timestamptz NOT NULL,
                UNIQUE (fire_id, channel));
            CREATE TABLE tickler_digests (
                id text PRIMARY KEY, person_id text NOT NULL, day date NOT NULL,
                items text NOT NULL, created_at timestamptz NOT NULL,
                UNIQUE (person_id, day));

            -- When each case next needs evaluating. An instance claims the due rows (FOR UPDATE SKIP
            -- LOCKED) and holds them while it evaluates their cases, so no two instances evaluate one case
            -- at once.
            CREATE TABLE tickler_wake (case_id text COLLATE "C" PRIMARY KEY, wake_at timestamptz NOT NULL);
            CREATE INDEX tickler_wake_at ON tickler_wake (wake_at);

            -- Named leases (the chores' leader): one row each, its expiry set by the database's clock and
            -- renewed only by its holder.
            CREATE TABLE tickler_leases (
                name text PRIMARY KEY, holder text NOT NULL, until_at timestamptz NOT NULL,
                acquired_at timestamptz NOT NULL);

            -- Each instance's last word: what `tickler status` lists.
            CREATE TABLE tickler_instances (
                id text PRIMARY KEY, host text NOT NULL, pid integer NOT NULL, started_at timestamptz NOT NULL,
                seen_at timestamptz NOT NULL, offset_ms bigint NOT NULL DEFAULT 0, health jsonb NOT NULL DEFAULT '{}');
            """),
        ("v1-change-queue", """
            -- The change feed is a queue: the triggers below add a row per case a statement touched, in the
            -- writer's transaction (so it is seen only once committed); an instance claims rows with SKIP
            -- LOCKED, turns them into wakes and deletes them. No "highest id seen" cursor: sequence values
            -- commit out of order, and a cursor would skip a slow writer's late commit.
            CREATE TABLE tickler_changes (
                seq bigserial PRIMARY KEY, table_name text NOT NULL, case_id text COLLATE "C" NOT NULL);
            -- Changes to people reach every instance: a generation each compares with the one it read.
            CREATE TABLE tickler_generation (
                only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), people bigint NOT NULL DEFAULT 0,
                restores bigint NOT NULL DEFAULT 0);
            INSERT INTO tickler_generation DEFAULT VALUES;

            CREATE FUNCTION tickler_feed_new() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_TABLE_NAME = 'cases' THEN
                    INSERT INTO tickler_changes (table_name, case_id) SELECT DISTINCT 'cases', id FROM new_rows;
                ELSE
                    INSERT INTO tickler_changes (table_name, case_id) SELECT DISTINCT TG_TABLE_NAME, case_id FROM new_rows;
                END IF;
                RETURN NULL;
            END $$;
            CREATE FUNCTION tickler_feed_old() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_TABLE_NAME = 'cases' THEN
                    INSERT INTO tickler_changes (table_name, case_id) SELECT DISTINCT 'cases', id FROM old_rows;
                ELSE
                    INSERT INTO tickler_changes (table_name, case_id) SELECT DISTINCT TG_TABLE_NAME, case_id FROM old_rows;
                END IF;
                RETURN NULL;
            END $$;
            CREATE FUNCTION tickler_feed_moved() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- An update may move a record to another case: both cases changed.
                IF TG_TABLE_NAME = 'cases' THEN
                    INSERT INTO tickler_changes (table_name, case_id)
                        SELECT 'cases', id FROM new_rows UNION SELECT 'cases', id FROM old_rows;
                ELSE
                    INSERT INTO tickler_changes (table_name, case_id)
                        SELECT TG_TABLE_NAME, case_id FROM new_rows UNION SELECT TG_TABLE_NAME, case_id FROM old_rows;
                END IF;
                RETURN NULL;
            END $$;
            CREATE FUNCTION tickler_feed_people() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE tickler_generation SET people = people + 1;
                RETURN NULL;
            END $$;
            CREATE TRIGGER people_feed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON people
                FOR EACH STATEMENT EXECUTE FUNCTION tickler_feed_people();
            -- A truncated case table names no rows: every case is evaluated again (a restore).
            CREATE FUNCTION tickler_feed_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE tickler_generation SET restores = restores + 1;
                RETURN NULL;
            END $$;
            """
            + ["cases", "communications", "deadlines", "document_requests", "appointments", "events"].map { table in
                """
                CREATE TRIGGER \(table)_insert_feed AFTER INSERT ON \(table) REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION tickler_feed_new();
                CREATE TRIGGER \(table)_update_feed AFTER UPDATE ON \(table) REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION tickler_feed_moved();
                CREATE TRIGGER \(table)_delete_feed AFTER DELETE ON \(table) REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION tickler_feed_old();
                CREATE TRIGGER \(table)_truncate_feed AFTER TRUNCATE ON \(table)
                    FOR EACH STATEMENT EXECUTE FUNCTION tickler_feed_truncated();

                """
            }.joined()),
        ("v2-client-updates", """
            -- Client updates: contacts of a case, its stage with a record of each change (the trigger below,
            -- for any writer; the time is the writer's updated_at when it set one, else the database's
            -- clock), shareable document titles, and the consent ledger (entries only added; the latest per
            -- contact, channel and purpose is in force).
            ALTER TABLE cases ADD COLUMN stage text;
            ALTER TABLE people ADD COLUMN phone text;
            ALTER TABLE document_requests ADD COLUMN shareable boolean NOT NULL DEFAULT false;
            CREATE TABLE contacts (
                id text COLLATE "C" PRIMARY KEY, case_id text COLLATE "C" NOT NULL, name text NOT NULL DEFAULT '',
                email text, phone text, language text, time_zone text, preferred_channel text NOT NULL DEFAULT 'email',
                updates_enabled boolean NOT NULL DEFAULT true);
            CREATE INDEX contacts_case ON contacts (case_id);
            CREATE INDEX contacts_phone ON contacts (phone) WHERE phone IS NOT NULL;
            CREATE TABLE stage_changes (
                id bigserial PRIMARY KEY, case_id text COLLATE "C" NOT NULL, from_stage text, to_stage text NOT NULL,
                changed_at timestamptz NOT NULL);
            CREATE INDEX stage_changes_case ON stage_changes (case_id, changed_at);
            CREATE TABLE survey_responses (
                id text COLLATE "C" PRIMARY KEY, case_id text COLLATE "C" NOT NULL, contact_id text COLLATE "C" NOT NULL,
                score integer NOT NULL, scale_max integer NOT NULL, received_at timestamptz NOT NULL);
            CREATE INDEX survey_responses_case ON survey_responses (case_id);
            CREATE FUNCTION tickler_stage_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO stage_changes (case_id, from_stage, to_stage, changed_at) VALUES (NEW.id, OLD.stage, NEW.stage,
                    CASE WHEN NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN NEW.updated_at ELSE tickler_now() END);
                RETURN NULL;
            END $$;
            CREATE TRIGGER cases_stage_change AFTER UPDATE OF stage ON cases FOR EACH ROW
                WHEN (OLD.stage IS DISTINCT FROM NEW.stage AND NEW.stage IS NOT NULL)
                EXECUTE FUNCTION tickler_stage_change();
            CREATE TABLE tickler_consents (
                id bigserial PRIMARY KEY, contact_id text COLLATE "C" NOT NULL,
                channel text NOT NULL CHECK (channel IN ('email', 'sms')),
                purpose text NOT NULL CHECK (purpose IN ('case-updates', 'reminders', 'surveys')),
                granted boolean NOT NULL, source text NOT NULL, at timestamptz NOT NULL, wording text NOT NULL DEFAULT '',
                recorded_at timestamptz NOT NULL,
                UNIQUE (contact_id, channel, purpose, at, granted, source));
            CREATE INDEX tickler_consents_contact ON tickler_consents (contact_id, id);
            -- A client message may be cancelled (by staff, or by the checks made just before it is sent) and
            -- held (quiet hours, the undo window), with the reason.
            ALTER TABLE tickler_deliveries DROP CONSTRAINT tickler_deliveries_status_check;
            ALTER TABLE tickler_deliveries ADD CONSTRAINT tickler_deliveries_status_check
                CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled'));
            ALTER TABLE tickler_deliveries ADD COLUMN hold_reason text;
            """
            + ["contacts", "stage_changes", "survey_responses"].map { table in
                """
                CREATE TRIGGER \(table)_insert_feed AFTER INSERT ON \(table) REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION tickler_feed_new();
                CREATE TRIGGER \(table)_update_feed AFTER UPDATE ON \(table) REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION tickler_feed_moved();
                CREATE TRIGGER \(table)_delete_feed AFTER DELETE ON \(table) REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION tickler_feed_old();
                CREATE TRIGGER \(table)_truncate_feed AFTER TRUNCATE ON \(table)
                    FOR EACH STATEMENT EXECUTE FUNCTION tickler_feed_truncated();

                """
            }.joined()),
        ("v3-inbound-messages", """
            -- The gateway's messages already applied, by its id: a repeat (a retry, a replay) writes nothing.
            -- Only the id, what it was and when it came: the message itself is not kept here.
            CREATE TABLE tickler_inbound_messages (
                id text COLLATE "C" PRIMARY KEY, route text NOT NULL, received_at timestamptz NOT NULL,
                applied_at timestamptz NOT NULL);
            """),
        ("v4-staff-tasks", """
            -- What Tickler could not do and a person must: a client message no medium could carry becomes a
            -- task on its case, written with the message's cancellation (its id derives from the message, so
            -- it is written once). It names the contact by id and says why in Tickler's words: no client data.
            -- A client message remembers the medium it went by, those that refused it for good (not tried
            -- again), the gateway's id of a text and the last status its carrier reported for it. A communication Tickler
            -- wrote itself (a client message it delivered) is marked: it restarts the update cadence but
            -- answers no client's question and does no staff task.
            CREATE TABLE tickler_staff_tasks (
                id text COLLATE "C" PRIMARY KEY, case_id text COLLATE "C" NOT NULL, contact_id text, fire_id text,
                reason text NOT NULL, created_at timestamptz NOT NULL, done_at timestamptz, done_by text, done_reason text);
            CREATE INDEX tickler_staff_tasks_case ON tickler_staff_tasks (case_id);
            CREATE INDEX tickler_staff_tasks_open ON tickler_staff_tasks (created_at) WHERE done_at IS NULL;
            ALTER TABLE tickler_deliveries ADD COLUMN medium text;
            ALTER TABLE tickler_deliveries ADD COLUMN refused_media text;
            ALTER TABLE tickler_deliveries ADD COLUMN provider_id text;
            ALTER TABLE tickler_deliveries ADD COLUMN carrier_status text;
            CREATE INDEX tickler_deliveries_provider ON tickler_deliveries (provider_id) WHERE provider_id IS NOT NULL;
            ALTER TABLE communications ADD COLUMN automated boolean NOT NULL DEFAULT false;
            """),
        ("v5-client-replies", """
            -- Where a hearing or appointment is and whether the client attends: fields for clients' reminders.
            -- What a client wrote is kept in the firm's store, never in the journal: a text's words with its
            -- inbound communication, a survey answer's comment with its score (a later answer to the same
            -- survey replaces the earlier one, and the row counts the answers). A reply is forwarded to staff
            -- through the queue (kind reply), its words in the row until it is delivered. A client message
            -- names its kind, case, contact and day (message_key): one of each a day.
            ALTER TABLE communications ADD COLUMN body text;
            ALTER TABLE survey_responses ADD COLUMN comment text;
            ALTER TABLE survey_responses ADD COLUMN answers integer NOT NULL DEFAULT 1;
            ALTER TABLE deadlines ADD COLUMN location text NOT NULL DEFAULT '';
            ALTER TABLE deadlines ADD COLUMN client_attends boolean;
            ALTER TABLE appointments ADD COLUMN location text NOT NULL DEFAULT '';
            ALTER TABLE tickler_deliveries DROP CONSTRAINT tickler_deliveries_kind_check;
            ALTER TABLE tickler_deliveries ADD CONSTRAINT tickler_deliveries_kind_check CHECK (kind IN ('fire', 'digest', 'reply'));
            ALTER TABLE tickler_deliveries ADD COLUMN message_key text;
            ALTER TABLE tickler_deliveries ADD COLUMN payload text;
            CREATE INDEX tickler_deliveries_message_key ON tickler_deliveries (message_key) WHERE message_key IS NOT NULL;
            """),
        ("v6-sync-state", """
            -- Where a practice-management sync stands: the version (the source's updated_at) of each record it
            -- wrote, each model's cursor (written with the rows of the page before it), its last run, and its
            -- webhooks with the secret each delivery is signed with.
            CREATE TABLE tickler_sync_versions (id text COLLATE "C" PRIMARY KEY, version timestamptz NOT NULL);
            CREATE TABLE tickler_sync_cursors (
                source text NOT NULL, model text NOT NULL, since timestamptz, next_page text, pass_started_at timestamptz,
                synced_from timestamptz, PRIMARY KEY (source, model));
            CREATE TABLE tickler_sync_runs (
                source text PRIMARY KEY, started_at timestamptz NOT NULL, finished_at timestamptz,
                written integer NOT NULL DEFAULT 0, current integer NOT NULL DEFAULT 0, skipped integer NOT NULL DEFAULT 0,
                requests integer NOT NULL DEFAULT 0, synced_from timestamptz, error text, error_since timestamptz);
            CREATE TABLE tickler_sync_webhooks (
                source text NOT NULL, model text NOT NULL, webhook_id text NOT NULL, secret text NOT NULL, status text NOT NULL,
                expires_at timestamptz NOT NULL, PRIMARY KEY (source, model));
            """),
        ("v7-mail-folders", """
            -- Where the mail reader stands in each folder of each mailbox: the folder's UIDVALIDITY and the last
            -- UID read, written with the emails of the messages up to it.
            CREATE TABLE tickler_mail_folders (
                mailbox text NOT NULL, folder text NOT NULL, uid_validity bigint NOT NULL, last_uid bigint NOT NULL,
                read_at timestamptz, PRIMARY KEY (mailbox, folder));
            """),
        ("v8-case-court", """
            -- The court a case is in (docs/courts.md): deadline rules with `court: case` count by it.
            ALTER TABLE cases ADD COLUMN court text;
            """),
        ("v9-court-closures", """
            -- Days a court was closed (tickler closure add): a last day on one moves to the next open day.
            CREATE TABLE tickler_court_closures (
                court text NOT NULL, day date NOT NULL, reason text NOT NULL, source text NOT NULL, recorded_at timestamptz NOT NULL,
                PRIMARY KEY (court, day));
            """),
    ]

    /// The statements of a migration, one by one (the extended protocol runs one at a time): split at each
    /// `;` that is outside a quoted string, a `$$` body and a `--` comment.
    static func statements(_ sql: String) -> [String] {
        var out: [String] = []
        var current = ""
        var inString = false, inBody = false, inComment = false
        var chars = Array(sql)[...]
        while let ch = chars.popFirst() {
            if inComment {
                if ch == "\n" { inComment = false }
                continue
            }
            if !inString && !inBody && ch == "-" && chars.first == "-" {
                inComment = true
                continue
            }
            if !inBody && ch == "'" { inString.toggle() }
            if !inString && ch == "$" && chars.first == "$" {
                inBody.toggle()
                current.append("$$")
                chars.removeFirst()
                continue
            }
            if ch == ";" && !inString && !inBody {
                let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !s.isEmpty { out.append(s) }
                current = ""
                continue
            }
            current.append(ch)
        }
        let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !s.isEmpty { out.append(s) }
        return out
    }

    static let caseTables = ["people", "cases", "communications", "deadlines", "document_requests", "appointments", "events",
                             "contacts", "stage_changes", "survey_responses"]
}
