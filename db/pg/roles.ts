// Least privilege on the PostgreSQL ledger (issue 12). Two kinds of role:
//  - the owner role (e.g. otp_owner) owns the database and every table; it runs the migrations
//    (db/pg/migrate.ts), the only DDL there is. Terminals never connect as it.
//  - the application role (e.g. otp_app) is what terminals connect as: no DDL (no CREATE on the
//    database or the schema, no TEMP, owns nothing, so no ALTER/DROP), and per table only what the
//    services need. The grants are applied by the migration runner in the same transaction as the
//    migrations (and again whenever a migration runs), so a new table is never left open or closed.
//
// What the application role may do (the README has this table):
export const READ_WRITE_TABLES = [
  'branches',
  'staff',
  'customers',
  'otp_requests',
  'otp_request_versions',
  'receipt_counters',
  'settings',
  'ledger_verification',
] as const
/** Written once, never changed: history, refusals, print records and their PDFs, the audit log and the journal. */
export const APPEND_ONLY_TABLES = [
  'otp_history',
  'counter_refusals',
  'printed_forms',
  'printed_form_files',
  'request_submissions',
  'audit_log',
  'ledger_journal',
  'ledger_journal_rows',
] as const
export const READ_ONLY_TABLES = ['schema_version'] as const
/** Scratch of the write transactions (0004): the capture triggers insert each written row's key, the
 * append reads and deletes its own transaction's before COMMIT. */
export const PENDING_TABLES = ['ledger_pending'] as const

const ident = (s: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`not a plain role name: ${s}`)
  return s
}

/** The table grants; a table a later migration makes (printed_form_files, 0002) is granted once it exists. */
function grants(app: string): string {
  const one = (privileges: string, t: string) => `  IF to_regclass('${t}') IS NOT NULL THEN GRANT ${privileges} ON ${t} TO ${app}; END IF;`
  return [
    ...READ_WRITE_TABLES.map((t) => one('SELECT, INSERT, UPDATE', t)),
    ...APPEND_ONLY_TABLES.map((t) => one('SELECT, INSERT', t)),
    ...READ_ONLY_TABLES.map((t) => one('SELECT', t)),
    ...PENDING_TABLES.map((t) => one('SELECT, INSERT, DELETE', t)),
  ].join('\n')
}

/** The SQL that (re)applies the application role's grants; idempotent. The caller owns the
 * database (REVOKE … ON DATABASE needs it). */
export function appGrantsSql(appRole: string): string {
  const app = ident(appRole)
  return /* sql */ `
DO $$ BEGIN
  EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC, ${app}', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${app}', current_database());
END $$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC, ${app};
GRANT USAGE ON SCHEMA public TO ${app};
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, ${app};
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, ${app};
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC, ${app};
DO $$ BEGIN
${grants(app)}
END $$;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${app};
GRANT EXECUTE ON FUNCTION ledger_journal_head(), otp_xmin_is_mine(xid) TO ${app};
`
}
