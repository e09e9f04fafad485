// The numbered migrations, in order of their version (each file states its own).
import * as m0001 from './0001_initial'
import * as m0002 from './0002_request_lifecycle'
import * as m0003 from './0003_unlock'
import * as m0004 from './0004_forms'
import * as m0005 from './0005_repeat_unlock_facts'
import * as m0006 from './0006_counter_indexes'
import * as m0007 from './0007_customer_import'
import * as m0008 from './0008_branch_work'
import * as m0009 from './0009_staff_accounts'
import * as m0011 from './0011_audit_columns'
import * as m0012 from './0012_input_fidelity'
import * as m0013 from './0013_ledger_journal'
import * as m0014 from './0014_branch_state_index'
import * as m0015 from './0015_branches_and_submissions'
import type { Sqlite } from '../open'

export interface Migration {
  version: number
  name: string
  sql: string
  /** Rebuilds a table others reference: run with foreign keys off, checked before the commit. */
  foreignKeysOff?: boolean
  /** Work SQL alone cannot do (hashing), run after `sql` in the same transaction. */
  run?: (sqlite: Sqlite, at: Date) => void
}

// 0013 (the journal) comes after every migration that existed before it: it chains every row they
// leave. A later migration that changes rows appends their new state as an 'upgrade' entry.
export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0011, m0012, m0013, m0014, m0015]

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version
