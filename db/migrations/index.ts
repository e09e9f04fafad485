// The numbered migrations, in order. A migration's version is its position: 1, 2, 3 ...
import * as m0001 from './0001_initial'
import * as m0002 from './0002_request_lifecycle'
import * as m0003 from './0003_unlock'
import * as m0004 from './0004_forms'
import * as m0005 from './0005_repeat_unlock_facts'
import * as m0006 from './0006_counter_indexes'

export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006]

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length
