// The two engines' schemas, read from their catalogues and compared (issue 12: "a test that both
// have the same tables, columns, constraints and indexes"). The SQLite side is a ledger migrated
// to the latest version (PRAGMA table_info / index_list / index_info / foreign_key_list and the
// CHECKs of its CREATE TABLE text); the PostgreSQL side is pg_catalog. compareShapes() lists every
// difference in words, so the failure message says exactly what to mirror.
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core'
import type pg from 'pg'
import type { Sqlite } from '../../db/open'
import * as sqliteSchema from '../../db/schema'
import { SERVER_ONLY_TABLES } from '../../db/pg/serverOnly'

export interface ColumnShape {
  name: string
  notNull: boolean
  /** integer | boolean | text | real | bytea | other:<type> */
  type: string
  default: string | null
}
export interface IndexShape {
  name: string
  columns: string[]
  unique: boolean
  /** The WHERE of a partial index, normalised; null for a full index. */
  where: string | null
}
export interface ForeignKeyShape {
  columns: string[]
  table: string
  refColumns: string[]
}
export interface TableShape {
  columns: ColumnShape[]
  pk: string[]
  /** Column lists of UNIQUE constraints (not CREATE UNIQUE INDEX, which is in indexes). */
  uniques: string[][]
  foreignKeys: ForeignKeyShape[]
  indexes: IndexShape[]
  /** Each CHECK as the sorted list of the columns it reads. */
  checks: string[][]
  /** Trigger names (PostgreSQL may have more: the guards of db/pg/guards.ts). */
  triggers: string[]
  /** SQLite: the INTEGER PRIMARY KEY column that is the rowid, which every index entry holds after
   * its columns (so the index is in the order of its columns, then this one). */
  rowidAlias?: string
}
export type SchemaShape = Record<string, TableShape>

/** Tables only one engine has, by design. */
export const SQLITE_ONLY = new Set(['sqlite_sequence', 'sqlite_stat1', 'sqlite_stat4'])
/** PostgreSQL's are the explicit list, with reasons, of db/pg/serverOnly.ts. */
export const PG_ONLY: ReadonlySet<string> = new Set(Object.keys(SERVER_ONLY_TABLES))

/** A partial index's WHERE, as both engines would print it: no parentheses, casts or case. */
const normWhere = (s: string): string =>
  s.replace(/::[a-z ]+/gi, '').replace(/[()]/g, '').replace(/\s+/g, ' ').trim().toLowerCase()
const normDefault = (s: string | null, type: string): string | null => {
  if (s === null) return null
  let v = s.trim().replace(/::[a-z ]+$/i, '')
  if (/^\(.*\)$/.test(v)) v = v.slice(1, -1)
  if (type === 'boolean') v = v === '1' || v === 'true' ? 'true' : v === '0' || v === 'false' ? 'false' : v
  return v
}

/** Columns drizzle's SQLite schema reads as booleans (stored 0/1; boolean on PostgreSQL). */
function sqliteBooleans(): Set<string> {
  const out = new Set<string>()
  for (const t of Object.values(sqliteSchema)) {
    if (!(t instanceof SQLiteTable)) continue
    const cfg = getTableConfig(t)
    for (const c of cfg.columns) if (c.columnType === 'SQLiteBoolean') out.add(`${cfg.name}.${c.name}`)
  }
  return out
}

function sqliteType(declared: string, isBoolean: boolean): string {
  const d = declared.toUpperCase()
  if (d.includes('INT')) return isBoolean ? 'boolean' : 'integer'
  if (d.includes('CHAR') || d.includes('CLOB') || d.includes('TEXT')) return 'text'
  if (d.includes('BLOB')) return 'bytea'
  if (d.includes('REAL') || d.includes('FLOA') || d.includes('DOUB')) return 'real'
  return `other:${declared}`
}

function pgType(t: string): string {
  if (['smallint', 'integer', 'bigint'].includes(t)) return 'integer'
  if (t === 'boolean') return 'boolean'
  if (t === 'text' || t.startsWith('character')) return 'text'
  if (t === 'bytea') return 'bytea'
  if (t === 'real' || t === 'double precision' || t.startsWith('numeric')) return 'real'
  return `other:${t}`
}

/** The CHECK (...) bodies of a CREATE TABLE text (string literals and comments skipped). */
function checkBodies(createSql: string): string[] {
  const sql = createSql.replace(/--[^\n]*/g, '')
  const out: string[] = []
  const re = /\bCHECK\s*\(/gi
  let m: RegExpExecArray | null
  while ((m = re.exec(sql))) {
    let depth = 1
    let i = m.index + m[0].length
    let inString = false
    for (; i < sql.length && depth > 0; i++) {
      const ch = sql[i]
      if (ch === "'") inString = !inString
      else if (!inString && ch === '(') depth++
      else if (!inString && ch === ')') depth--
    }
    out.push(sql.slice(m.index + m[0].length, i - 1))
  }
  return out
}

const columnsRead = (body: string, columns: string[]): string[] => {
  const words = new Set(body.replace(/'[^']*'/g, ' ').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])
  return columns.filter((c) => words.has(c)).sort()
}

const sortLists = (l: string[][]) => l.map((x) => x.join(',')).sort()

export function sqliteShape(db: Sqlite): SchemaShape {
  const booleans = sqliteBooleans()
  const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[]
  const shape: SchemaShape = {}
  for (const { name, sql } of tables) {
    if (SQLITE_ONLY.has(name)) continue
    const info = db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[]
    const columns = info.map((c) => {
      const type = sqliteType(c.type, booleans.has(`${name}.${c.name}`))
      return { name: c.name, notNull: c.notnull === 1 || c.pk > 0, type, default: normDefault(c.dflt_value, type) }
    })
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name)
    const uniques: string[][] = []
    const indexes: IndexShape[] = []
    const list = db.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number; origin: string; partial: number }[]
    for (const ix of list) {
      const cols = (db.prepare(`PRAGMA index_info("${ix.name}")`).all() as { seqno: number; name: string }[]).sort((a, b) => a.seqno - b.seqno).map((c) => c.name)
      if (ix.origin === 'u') uniques.push(cols)
      else if (ix.origin === 'c') {
        const isql = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").get(ix.name) as { sql: string }).sql
        const where = ix.partial ? normWhere(isql.slice(isql.search(/\bWHERE\b/i) + 5)) : null
        indexes.push({ name: ix.name, columns: cols, unique: ix.unique === 1, where })
      }
    }
    const fkRows = db.prepare(`PRAGMA foreign_key_list("${name}")`).all() as { id: number; seq: number; table: string; from: string; to: string | null }[]
    const byId = new Map<number, ForeignKeyShape>()
    for (const r of fkRows.sort((a, b) => a.id - b.id || a.seq - b.seq)) {
      const fk = byId.get(r.id) ?? { columns: [], table: r.table, refColumns: [] }
      fk.columns.push(r.from)
      fk.refColumns.push(r.to ?? 'id')
      byId.set(r.id, fk)
    }
    const colNames = columns.map((c) => c.name)
    shape[name] = {
      columns,
      pk,
      uniques,
      foreignKeys: [...byId.values()],
      indexes,
      checks: checkBodies(sql).map((b) => columnsRead(b, colNames)),
      triggers: (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name").all(name) as { name: string }[]).map((x) => x.name),
      rowidAlias:
        pk.length === 1 && info.find((c) => c.name === pk[0])!.type.toUpperCase() === 'INTEGER' && !/\bWITHOUT\s+ROWID\b/i.test(sql) ? pk[0] : undefined,
    }
  }
  return shape
}

export async function pgShape(c: pg.ClientBase): Promise<SchemaShape> {
  const q = async <T extends pg.QueryResultRow>(sql: string) => (await c.query<T>(sql)).rows
  const tables = await q<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
  const cols = await q<{ t: string; name: string; not_null: boolean; type: string; dflt: string | null }>(`
    SELECT c.relname AS t, a.attname AS name, a.attnotnull AS not_null, format_type(a.atttypid, NULL) AS type,
           pg_get_expr(d.adbin, d.adrelid) AS dflt
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`)
  const cons = await q<{ t: string; type: string; cols: string[]; ref: string | null; refcols: string[] | null }>(`
    SELECT c.relname AS t, k.contype AS type,
           ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o)::text[] AS cols,
           r.relname AS ref,
           ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o)::text[] AS refcols
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class r ON r.oid = k.confrelid
     WHERE n.nspname = 'public' ORDER BY c.relname, k.conname`)
  const idx = await q<{ t: string; name: string; unique: boolean; cols: string[]; pred: string | null }>(`
    SELECT c.relname AS t, i.relname AS name, x.indisunique AS unique,
           ARRAY(SELECT a.attname FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n ORDER BY u.o)::text[] AS cols,
           pg_get_expr(x.indpred, x.indrelid) AS pred
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
     ORDER BY 1, 2`)
  const trg = await q<{ t: string; name: string }>(`
    SELECT c.relname AS t, g.tgname AS name FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND NOT g.tgisinternal ORDER BY 1, 2`)
  const shape: SchemaShape = {}
  for (const { name } of tables) {
    if (PG_ONLY.has(name)) continue
    const columns = cols
      .filter((x) => x.t === name)
      .map((x) => {
        const type = pgType(x.type)
        return { name: x.name, notNull: x.not_null, type, default: normDefault(x.dflt, type) }
      })
    const mine = cons.filter((k) => k.t === name)
    shape[name] = {
      columns,
      pk: mine.find((k) => k.type === 'p')?.cols ?? [],
      uniques: mine.filter((k) => k.type === 'u').map((k) => k.cols),
      foreignKeys: mine.filter((k) => k.type === 'f').map((k) => ({ columns: k.cols, table: k.ref!, refColumns: k.refcols! })),
      indexes: idx.filter((x) => x.t === name).map((x) => ({ name: x.name, columns: x.cols, unique: x.unique, where: x.pred === null ? null : normWhere(x.pred) })),
      checks: mine.filter((k) => k.type === 'c').map((k) => [...k.cols].sort()),
      triggers: trg.filter((x) => x.t === name).map((x) => x.name),
    }
  }
  return shape
}

/** Every difference, one line each ("SQLite" is what the other engine must mirror). */
export function compareShapes(sqlite: SchemaShape, postgres: SchemaShape): string[] {
  const out: string[] = []
  const S = 'SQLite'
  const P = 'PostgreSQL'
  for (const t of Object.keys(sqlite)) if (!postgres[t]) out.push(`table ${t}: only in ${S}`)
  for (const t of Object.keys(postgres)) if (!sqlite[t]) out.push(`table ${t}: only in ${P}`)
  for (const t of Object.keys(sqlite).filter((x) => postgres[x]).sort()) {
    const a = sqlite[t]!
    const b = postgres[t]!
    const bCols = new Map(b.columns.map((c) => [c.name, c]))
    const aCols = new Map(a.columns.map((c) => [c.name, c]))
    for (const c of a.columns) {
      const o = bCols.get(c.name)
      if (!o) {
        out.push(`${t}.${c.name}: column only in ${S} (${c.type}${c.notNull ? ' NOT NULL' : ''}${c.default !== null ? ` DEFAULT ${c.default}` : ''})`)
        continue
      }
      if (c.type !== o.type) out.push(`${t}.${c.name}: type ${S}=${c.type} ${P}=${o.type}`)
      if (c.notNull !== o.notNull) out.push(`${t}.${c.name}: NOT NULL ${S}=${c.notNull} ${P}=${o.notNull}`)
      if (c.default !== o.default) out.push(`${t}.${c.name}: DEFAULT ${S}=${c.default} ${P}=${o.default}`)
    }
    for (const c of b.columns) if (!aCols.has(c.name)) out.push(`${t}.${c.name}: column only in ${P}`)
    const order = (cs: ColumnShape[], other: Map<string, ColumnShape>) => cs.map((c) => c.name).filter((n) => other.has(n))
    if (order(a.columns, bCols).join(',') !== order(b.columns, aCols).join(','))
      out.push(`${t}: column order ${S}=(${order(a.columns, bCols).join(', ')}) ${P}=(${order(b.columns, aCols).join(', ')})`)
    if (a.pk.join(',') !== b.pk.join(',')) out.push(`${t}: primary key ${S}=(${a.pk.join(', ')}) ${P}=(${b.pk.join(', ')})`)
    const diffSets = (what: string, x: string[], y: string[]) => {
      for (const v of x) if (!y.includes(v)) out.push(`${t}: ${what} (${v}) only in ${S}`)
      for (const v of y) if (!x.includes(v)) out.push(`${t}: ${what} (${v}) only in ${P}`)
    }
    diffSets('UNIQUE', sortLists(a.uniques), sortLists(b.uniques))
    const fk = (f: ForeignKeyShape) => `${f.columns.join(', ')} -> ${f.table}(${f.refColumns.join(', ')})`
    diffSets('FOREIGN KEY', a.foreignKeys.map(fk).sort(), b.foreignKeys.map(fk).sort())
    diffSets('CHECK on', sortLists(a.checks), sortLists(b.checks))
    const bIdx = new Map(b.indexes.map((i) => [i.name, i]))
    const aIdx = new Map(a.indexes.map((i) => [i.name, i]))
    const ix = (i: IndexShape) => `${i.unique ? 'UNIQUE ' : ''}(${i.columns.join(', ')})${i.where ? ` WHERE ${i.where}` : ''}`
    // A SQLite index holds the rowid after its columns: a PostgreSQL index that names the integer
    // primary key last (to have that order, PostgreSQL 0005) is the same index.
    const withRowid = (i: IndexShape): IndexShape => (a.rowidAlias && !i.unique && !i.columns.includes(a.rowidAlias) ? { ...i, columns: [...i.columns, a.rowidAlias] } : i)
    for (const i of a.indexes) {
      const o = bIdx.get(i.name)
      if (!o) out.push(`${t}: index ${i.name} ${ix(i)} only in ${S}`)
      else if (ix(i) !== ix(o) && ix(withRowid(i)) !== ix(o)) out.push(`${t}: index ${i.name} ${S}=${ix(i)} ${P}=${ix(o)}`)
    }
    for (const i of b.indexes) if (!aIdx.has(i.name)) out.push(`${t}: index ${i.name} ${ix(i)} only in ${P}`)
    // A SQLite trigger is a rule the database enforces: PostgreSQL needs its own, of the same name.
    for (const g of a.triggers) if (!b.triggers.includes(g)) out.push(`${t}: trigger ${g} only in ${S}`)
  }
  return out
}
