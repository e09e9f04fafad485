// Parity of the two engines' schemas (issue 12): a SQLite ledger migrated to the latest version
// and a PostgreSQL ledger migrated to its latest have the same tables, columns (order, type class,
// NOT NULL, default), primary keys, UNIQUE constraints, foreign keys, CHECKs (by the columns they
// read), indexes (name, columns, unique, partial) and triggers (each SQLite one by name). When a
// SQLite migration is added, this test lists what the PostgreSQL migrations must mirror.
import path from 'node:path'
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../db/migrate'
import { openSqlite, type Sqlite } from '../../db/open'
import { migratePg } from '../../db/pg/migrate'
import * as pgSchema from '../../db/pg/schema'
import { tempDir } from '../helpers/app'
import { createTestLedger, type TestLedger } from '../helpers/pg'
import { SERVER_ONLY_TABLES } from '../../db/pg/serverOnly'
import { compareShapes, PG_ONLY, pgShape, sqliteShape, type SchemaShape } from '../helpers/schemaParity'

let l: TestLedger
let pgSide: SchemaShape
let pgTables: string[]
const opened: Sqlite[] = []
function sqliteLedger(): Sqlite {
  const dir = tempDir()
  const db = openSqlite(path.join(dir, 'ledger.sqlite'))
  opened.push(db)
  migrate(db, { backupDir: path.join(dir, 'backups') })
  return db
}

beforeAll(async () => {
  l = await createTestLedger()
  const c = await l.owner()
  await migratePg(c, { appRole: l.appRole })
  pgSide = await pgShape(c)
  pgTables = (await c.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((r) => r.t)
})
afterAll(async () => {
  for (const db of opened.splice(0)) db.close()
  await l?.drop()
})

describe('SQLite and PostgreSQL schemas', () => {
  it('are the same: tables, columns, keys, constraints and indexes', () => {
    const diffs = compareShapes(sqliteShape(sqliteLedger()), pgSide)
    expect(diffs, `The PostgreSQL schema (db/pg/migrations) differs from SQLite's:\n  ${diffs.join('\n  ')}`).toEqual([])
  })

  it('the comparison sees what a new SQLite migration adds (so a missing mirror fails, by name)', () => {
    const db = sqliteLedger()
    db.exec(`
      ALTER TABLE customers ADD COLUMN nickname TEXT NOT NULL DEFAULT '';
      CREATE TABLE terminals (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE);
      CREATE INDEX otp_history_kind_idx ON otp_history(kind, at) WHERE kind = 'event';
      DROP INDEX audit_log_at_idx;
      CREATE TRIGGER customers_no_delete BEFORE DELETE ON customers BEGIN SELECT RAISE(ABORT, 'no'); END;
    `)
    expect(compareShapes(sqliteShape(db), pgSide).sort()).toEqual(
      [
        'table terminals: only in SQLite',
        "customers.nickname: column only in SQLite (text NOT NULL DEFAULT '')",
        "otp_history: index otp_history_kind_idx (kind, at) WHERE kind = 'event' only in SQLite",
        'audit_log: index audit_log_at_idx (at) only in PostgreSQL',
        'customers: trigger customers_no_delete only in SQLite',
      ].sort(),
    )
  })

  it('a PostgreSQL index ending in the integer primary key is the SQLite index without it (SQLite holds the rowid in every entry), and no other', () => {
    const lite = sqliteShape(sqliteLedger())
    expect(lite.customers!.rowidAlias).toBe('id')
    expect(lite.receipt_counters!.rowidAlias).toBeUndefined() // a composite key: no rowid alias
    expect(lite.request_submissions!.rowidAlias).toBeUndefined() // a text key
    // PostgreSQL 0005: the given-name indexes end in id, as SQLite's hold the rowid.
    expect(pgSide.customers!.indexes.find((i) => i.name === 'customers_given_kana_key_idx')?.columns).toEqual(['given_kana_key', 'id'])
    expect(lite.customers!.indexes.find((i) => i.name === 'customers_given_kana_key_idx')?.columns).toEqual(['given_kana_key'])
    const other = structuredClone(pgSide)
    other.customers!.indexes = other.customers!.indexes.map((i) => (i.name === 'customers_kana_key_idx' ? { ...i, columns: ['kana_key', 'branch_id'] } : i))
    other.customers!.indexes = other.customers!.indexes.map((i) => (i.name === 'customers_name_key_idx' ? { ...i, columns: ['id', 'name_key'] } : i))
    expect(compareShapes(lite, other).sort()).toEqual([
      'customers: index customers_kana_key_idx SQLite=(kana_key) PostgreSQL=(kana_key, branch_id)',
      'customers: index customers_name_key_idx SQLite=(name_key) PostgreSQL=(id, name_key)',
    ])
  })

  it('the tables only PostgreSQL has are the explicit list of db/pg/serverOnly.ts, each with its reason, each present', () => {
    expect([...PG_ONLY].sort()).toEqual(['ledger_pending', 'printed_form_files', 'schema_version'])
    for (const [t, why] of Object.entries(SERVER_ONLY_TABLES)) {
      expect(pgTables, `server-only table ${t} is listed but not created`).toContain(t)
      expect(why.length, `server-only table ${t} needs its reason`).toBeGreaterThan(20)
    }
    // Any other table PostgreSQL alone has is a difference, by name.
    expect(compareShapes({}, { extra_table: pgSide.settings! })).toEqual([
      'table extra_table: only in PostgreSQL',
    ])
  })

  it('db/pg/schema.ts (drizzle) matches the migrated PostgreSQL catalogue', () => {
    const diffs: string[] = []
    for (const t of Object.values(pgSchema)) {
      if (!(t instanceof PgTable)) continue
      const cfg = getTableConfig(t)
      if (PG_ONLY.has(cfg.name)) continue
      const cat = pgSide[cfg.name]
      if (!cat) {
        diffs.push(`${cfg.name}: not in the catalogue`)
        continue
      }
      const mine = cfg.columns.map((c) => `${c.name}${c.notNull ? ' NOT NULL' : ''}`)
      const theirs = cat.columns.map((c) => `${c.name}${c.notNull ? ' NOT NULL' : ''}`)
      if (mine.join(',') !== theirs.join(',')) diffs.push(`${cfg.name}: columns drizzle=(${mine.join(', ')}) catalogue=(${theirs.join(', ')})`)
      const idx = cfg.indexes.map((i) => i.config.name!).sort()
      const catIdx = cat.indexes.map((i) => i.name).sort()
      if (idx.join(',') !== catIdx.join(',')) diffs.push(`${cfg.name}: indexes drizzle=(${idx.join(', ')}) catalogue=(${catIdx.join(', ')})`)
    }
    const tables = Object.values(pgSchema).filter((t) => t instanceof PgTable).map((t) => getTableConfig(t as PgTable).name)
    for (const name of Object.keys(pgSide)) if (!tables.includes(name)) diffs.push(`${name}: not in db/pg/schema.ts`)
    expect(diffs, diffs.join('\n')).toEqual([])
  })
})
