// Tables the PostgreSQL ledger has and SQLite does not, each with the reason. The schema parity
// test (tests/pg/parity.test.ts) allows exactly these and checks that each exists; any other table
// on one side only is a difference. The copy from SQLite (db/pg/copy.ts) does not look for them
// in the source.
export const SERVER_ONLY_TABLES: Readonly<Record<string, string>> = {
  schema_version: 'the migrations applied (db/pg/migrate.ts); SQLite keeps its version in PRAGMA user_version',
  printed_form_files:
    "the archived PDFs themselves (migration 0002): on one PC they are files in the data folder's forms/, on the server every terminal reaches them through its ledger connection",
  ledger_pending:
    'the rows each write transaction touched, noted by triggers for its journal entry (migration 0004); SQLite keeps them in a TEMP table of the connection (db/journal.ts)',
}
