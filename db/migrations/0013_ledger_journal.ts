// 0013: the ledger's journal (issue 15, db/journal.ts); numbered last so that it chains every row the
// earlier migrations leave. Every later write appends an entry chained
// by SHA-256; this migration creates the journal and chains the rows the ledger already holds, one
// entry per slice of 10,000 rows of a table, marked origin 'upgrade' ("chained at upgrade": the
// journal vouches for them only from this moment, not for how they came to be). Both journal
// tables are append-only, like audit_log; ledger_verification keeps the last verified entry, so
// the check at start only reads what came after it.
import type { Sqlite } from '../open'
import { chainExistingRows, currentDigest } from '../journal'

export const version = 13
export const name = 'ledger_journal'
export const sql = /* sql */ `
CREATE TABLE ledger_journal (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id INTEGER,
  actor_login_id TEXT,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  audit_id INTEGER,
  origin TEXT NOT NULL CHECK (origin IN ('command','upgrade')),
  row_count INTEGER NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX ledger_journal_origin_idx ON ledger_journal(origin);
CREATE TABLE ledger_journal_rows (
  entry_id INTEGER NOT NULL, -- its entry is appended after its rows (the hash covers them)
  seq INTEGER NOT NULL,
  tbl TEXT NOT NULL,
  row_key TEXT NOT NULL,
  row_json TEXT,
  PRIMARY KEY (entry_id, seq)
) WITHOUT ROWID;
CREATE INDEX ledger_journal_rows_row_idx ON ledger_journal_rows(tbl, row_key, entry_id);
CREATE TABLE ledger_verification (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  entry_id INTEGER NOT NULL,
  hash TEXT NOT NULL,
  checked_at TEXT NOT NULL,
  full_checked_at TEXT,
  ok INTEGER NOT NULL,
  report_json TEXT
);

CREATE TRIGGER ledger_journal_no_update BEFORE UPDATE ON ledger_journal BEGIN SELECT RAISE(ABORT, 'ledger_journal is append-only'); END;
CREATE TRIGGER ledger_journal_no_delete BEFORE DELETE ON ledger_journal BEGIN SELECT RAISE(ABORT, 'ledger_journal is append-only'); END;
CREATE TRIGGER ledger_journal_rows_no_update BEFORE UPDATE ON ledger_journal_rows BEGIN SELECT RAISE(ABORT, 'ledger_journal_rows is append-only'); END;
CREATE TRIGGER ledger_journal_rows_no_delete BEFORE DELETE ON ledger_journal_rows BEGIN SELECT RAISE(ABORT, 'ledger_journal_rows is append-only'); END;
`

/** Runs after the SQL, in the same transaction. */
export function run(sqlite: Sqlite, at: Date): void {
  chainExistingRows(sqlite, at.toISOString())
  // The chain was built from the tables just now: the check at start begins after it.
  const last = currentDigest(sqlite)
  sqlite
    .prepare('INSERT INTO ledger_verification (id, entry_id, hash, checked_at, full_checked_at, ok, report_json) VALUES (1, ?, ?, ?, NULL, 1, NULL)')
    .run(last.count, last.hash, at.toISOString())
}
