// The numbered migrations, in order of their version (each file states its own).
import * as m0001 from './0001_initial'
import * as m0002 from './0002_request_lifecycle'
import * as m0003 from './0003_unlock'
import * as m0004 from './0004_forms'
import * as m0005 from './0005_repeat_unlock_facts'
import * as m0006 from './0006_counter_indexes'
import * as m0007 from './0007_customer_import'
import * as m0010 from './0010_ledger_journal'
import type { Sqlite } from '../open'

export interface Migration {
  version: number
  name: string
  sql: string
  /** Work SQL alone cannot do (hashing), run after `sql` in the same transaction. */
  run?: (sqlite: Sqlite, at: Date) => void
}

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0010]

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version
