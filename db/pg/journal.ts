// The journal on the PostgreSQL ledger (issue 12): the same entries as db/journal.ts writes on
// SQLite — the same canonical row encoding (encodeRowState), the same entry hash (EntryHasher) —
// appended in the one order ledger_journal_head() gives (db/pg/guards.ts), and the same chain walk
// as db/verify.ts (ChainWalk) fed from PostgreSQL. There are no TEMP triggers on the server (the
// application role has no TEMP): the caller names the rows it wrote and their new states.
import pg, { type ClientBase } from 'pg'
import { EntryHasher, encodeRowKey, encodeRowState, type EntryHeader, type JournalRow } from '../journal'
import { ChainWalk, type EntryRow } from '../verify'
import type { ChainBreak } from '../../shared/integrity'

/** bigint columns read as JS numbers (ids and counts of the ledger); one beyond 2^53 is an error, never rounded. */
const parseInt8 = (v: string): number => {
  const n = Number(v)
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${v} does not fit a JavaScript number`)
  return n
}
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? parseInt8 : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
}

/** Runs a query with the ledger's type parsing (bigint → number). */
export async function pgQuery<R extends pg.QueryResultRow>(client: ClientBase, text: string, values: unknown[] = [], rowMode?: 'array') {
  return client.query<R>({ text, values, types: PG_TYPES, ...(rowMode ? { rowMode } : {}) })
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`

export interface PgTableShape {
  name: string
  /** In declared order (the journal encodes a row as its columns in this order). */
  columns: string[]
  pk: string[]
  /** Columns of type boolean (SQLite stores them as 0/1). */
  booleans: Set<string>
  /** Columns of a text type (ordered byte-wise, COLLATE "C", as SQLite's BINARY does). */
  texts: Set<string>
}

/** The shape of a table of the PostgreSQL ledger, from its catalogue. */
export async function pgTableShape(client: ClientBase, table: string): Promise<PgTableShape> {
  const cols = await client.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  )
  const pk = await client.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY k.n`,
    [table],
  )
  return {
    name: table,
    columns: cols.rows.map((c) => c.name),
    pk: pk.rows.map((c) => c.name),
    booleans: new Set(cols.rows.filter((c) => c.type === 'boolean').map((c) => c.name)),
    texts: new Set(cols.rows.filter((c) => c.type === 'text' || c.type === 'character varying').map((c) => c.name)),
  }
}

/** A row's (key, state) in the journal's canonical encoding, from its values in column order. */
export function journalRowOf(shape: PgTableShape, values: readonly unknown[]): JournalRow {
  const key = shape.pk.map((c) => values[shape.columns.indexOf(c)])
  return { tbl: shape.name, rowKey: encodeRowKey(key), rowJson: encodeRowState(shape.name, shape.columns, values) }
}

/** The current state of one row (null when there is none: a deleted row's state), for an append. */
export async function pgRowState(client: ClientBase, shape: PgTableShape, key: readonly unknown[]): Promise<JournalRow> {
  const where = shape.pk.map((c, i) => `${q(c)} = $${i + 1}`).join(' AND ')
  const r = await pgQuery<unknown[]>(client, `SELECT ${shape.columns.map(q).join(', ')} FROM ${q(shape.name)} WHERE ${where}`, [...key], 'array')
  const values = r.rows[0] as unknown[] | undefined
  return values ? journalRowOf(shape, values) : { tbl: shape.name, rowKey: encodeRowKey(key), rowJson: null }
}

/**
 * Appends one journal entry for the rows a transaction wrote, inside the caller's open
 * transaction (READ COMMITTED): takes the journal's head with ledger_journal_head() (which holds
 * the append lock to COMMIT), hashes the entry exactly as db/journal.ts does, writes its rows and
 * then the entry (the guard trigger checks it follows the head). Returns the new head.
 */
export async function appendPgEntry(client: ClientBase, head: EntryHeader, rows: readonly JournalRow[]): Promise<{ id: number; hash: string }> {
  const h = await pgQuery<{ id: number; hash: string }>(client, 'SELECT id, hash FROM ledger_journal_head()')
  const prev = h.rows[0]!
  const id = prev.id + 1
  const hasher = new EntryHasher(id, head, rows.length, prev.hash)
  for (const r of rows) hasher.row(r)
  const hash = hasher.digest()
  for (let i = 0; i < rows.length; i += 1000) {
    const slice = rows.slice(i, i + 1000)
    const values: unknown[] = []
    const tuples = slice.map((r, j) => {
      values.push(id, i + j + 1, r.tbl, r.rowKey, r.rowJson)
      const b = j * 5
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`
    })
    await client.query(`INSERT INTO ledger_journal_rows (entry_id, seq, tbl, row_key, row_json) VALUES ${tuples.join(', ')}`, values)
  }
  await client.query(
    `INSERT INTO ledger_journal (id, at, actor_id, actor_login_id, action, outcome, audit_id, origin, row_count, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [id, head.at, head.actorId, head.actorLoginId, head.action, head.outcome, head.auditId, head.origin, rows.length, prev.hash, hash],
  )
  return { id, hash }
}

const PAGE = 500

/** The whole chain of the PostgreSQL ledger walked as db/verify.ts walks SQLite's (a page of entries at a time). */
export async function verifyPgChain(client: ClientBase): Promise<{ checked: number; last: { id: number; hash: string }; break: ChainBreak | null }> {
  const walk = new ChainWalk()
  for (;;) {
    const entries = (
      await pgQuery<EntryRow>(
        client,
        `SELECT id, at, actor_id AS "actorId", actor_login_id AS "actorLoginId", action, outcome, audit_id AS "auditId", origin,
                row_count AS "rowCount", prev_hash AS "prevHash", hash
           FROM ledger_journal WHERE id > $1 ORDER BY id LIMIT ${PAGE}`,
        [walk.last.id],
      )
    ).rows
    if (!entries.length) break
    // Small entries are read a page at a time; a large one (an import batch, an upgrade slice) alone.
    const total = entries.reduce((n, e) => n + e.rowCount, 0)
    const byEntry = new Map<number, JournalRow[]>()
    if (total <= 20_000) {
      const all = await pgQuery<JournalRow & { entryId: number }>(
        client,
        `SELECT entry_id AS "entryId", tbl, row_key AS "rowKey", row_json AS "rowJson" FROM ledger_journal_rows
          WHERE entry_id BETWEEN $1 AND $2 ORDER BY entry_id, seq`,
        [entries[0]!.id, entries[entries.length - 1]!.id],
      )
      for (const r of all.rows) {
        let list = byEntry.get(r.entryId)
        if (!list) byEntry.set(r.entryId, (list = []))
        list.push({ tbl: r.tbl, rowKey: r.rowKey, rowJson: r.rowJson })
      }
    }
    for (const e of entries) {
      if (total <= 20_000) {
        const broken = walk.step(e, byEntry.get(e.id) ?? [])
        if (broken) return { checked: walk.checked, last: walk.last, break: broken }
        continue
      }
      // A large entry alone, keyset-paged.
      const rows: JournalRow[] = []
      let after = 0
      for (;;) {
        const page = (
          await pgQuery<JournalRow & { seq: number }>(
            client,
            'SELECT seq, tbl, row_key AS "rowKey", row_json AS "rowJson" FROM ledger_journal_rows WHERE entry_id = $1 AND seq > $2 ORDER BY seq LIMIT 20000',
            [e.id, after],
          )
        ).rows
        if (!page.length) break
        for (const r of page) rows.push({ tbl: r.tbl, rowKey: r.rowKey, rowJson: r.rowJson })
        after = page[page.length - 1]!.seq
      }
      const broken = walk.step(e, rows)
      if (broken) return { checked: walk.checked, last: walk.last, break: broken }
    }
  }
  return { checked: walk.checked, last: walk.last, break: null }
}
