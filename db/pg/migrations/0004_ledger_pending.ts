// PostgreSQL 0004: the rows each write transaction touched, captured by the database itself, so the
// journal entry a terminal appends (db/pg/ledger.ts) names every row the transaction wrote without
// any service listing them (issue 12). SQLite does this with TEMP triggers on each connection
// (db/journal.ts); the application role has no TEMP on the server, so here it is one ordinary
// table, ledger_pending, and one AFTER ROW trigger, ledger_capture, on every journaled table:
//  - a row inserted notes (table, key) of the new row; deleted, of the old; updated, the old key
//    and, if the key changed, the new one (SQLite's triggers note OLD then NEW, deduplicated);
//  - the key is written in the journal's canonical encoding (db/journal.ts encodeRowKey): the one
//    key column as text, or the JSON array of a composite key, compact, as JSON.stringify writes it;
//  - each row carries its transaction's id (txid_current(), the top-level id also inside a
//    savepoint: a rolled-back savepoint takes its notes with it) and a sequence number, so the
//    append reads its own transaction's notes in the order written and deletes them before COMMIT.
//    Notes of a transaction that rolls back vanish with it; concurrent transactions never read each
//    other's (different txid, and uncommitted rows are invisible anyway).
// Journaled: every table but the journal itself (ledger_journal, ledger_journal_rows), the
// verification checkpoints (ledger_verification), as on SQLite (db/journal.ts NOT_JOURNALED), and
// the tables only the server has (db/pg/serverOnly.ts): schema_version, ledger_pending, and
// printed_form_files (the PDFs: pinned by printed_forms.sha256, which is journaled; see 0002).
// A table a later migration adds needs its trigger there (tests/pg/migration-0004.test.ts checks
// that every table is either captured or in the list above).
export const version = 4
export const name = 'ledger_pending'

export const CAPTURED_TABLES: ReadonlyArray<{ table: string; key: string[] }> = [
  { table: 'branches', key: ['id'] },
  { table: 'staff', key: ['id'] },
  { table: 'customers', key: ['id'] },
  { table: 'otp_requests', key: ['id'] },
  { table: 'otp_request_versions', key: ['request_id', 'seq'] },
  { table: 'otp_history', key: ['id'] },
  { table: 'counter_refusals', key: ['id'] },
  { table: 'receipt_counters', key: ['branch_code', 'business_date'] },
  { table: 'printed_forms', key: ['id'] },
  { table: 'audit_log', key: ['id'] },
  { table: 'request_submissions', key: ['key'] },
  { table: 'settings', key: ['key'] },
]

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`

export const sql = /* sql */ `
CREATE TABLE ledger_pending (
  txid bigint NOT NULL DEFAULT txid_current(),
  seq bigserial NOT NULL,
  tbl text NOT NULL,
  row_key text NOT NULL,
  PRIMARY KEY (txid, seq)
);

-- TG_ARGV: the table's key columns, in key order.
CREATE FUNCTION ledger_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_key text;
  new_key text;
  r jsonb;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    r := to_jsonb(OLD);
    IF TG_NARGS = 1 THEN old_key := r ->> TG_ARGV[0];
    ELSE old_key := '[' || (SELECT string_agg((r -> c)::text, ',' ORDER BY i) FROM unnest(TG_ARGV) WITH ORDINALITY AS k(c, i)) || ']';
    END IF;
    INSERT INTO ledger_pending (tbl, row_key) VALUES (TG_TABLE_NAME, old_key);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    r := to_jsonb(NEW);
    IF TG_NARGS = 1 THEN new_key := r ->> TG_ARGV[0];
    ELSE new_key := '[' || (SELECT string_agg((r -> c)::text, ',' ORDER BY i) FROM unnest(TG_ARGV) WITH ORDINALITY AS k(c, i)) || ']';
    END IF;
    IF new_key IS DISTINCT FROM old_key THEN
      INSERT INTO ledger_pending (tbl, row_key) VALUES (TG_TABLE_NAME, new_key);
    END IF;
  END IF;
  RETURN NULL;
END $$;

${CAPTURED_TABLES.map(
  (t) => `CREATE TRIGGER ledger_capture AFTER INSERT OR UPDATE OR DELETE ON ${t.table} FOR EACH ROW EXECUTE FUNCTION ledger_capture(${t.key.map(lit).join(', ')});`,
).join('\n')}
`
