// The PostgreSQL ledger's numbered migrations, in order (each file states its version). They are
// numbered on their own: PostgreSQL 0001 is the whole SQLite schema of version 13 at once.
import * as m0001 from './0001_initial'
import * as m0002 from './0002_printed_form_files'
import * as m0003 from './0003_branches_and_submissions'
import * as m0004 from './0004_ledger_pending'
import * as m0005 from './0005_name_key_order'

export interface PgMigration {
  version: number
  name: string
  sql: string
}

export const PG_MIGRATIONS: readonly PgMigration[] = [m0001, m0002, m0003, m0004, m0005]
export const PG_LATEST_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version
