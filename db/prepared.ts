// Queries built once per connection. Building a drizzle query (walking its column objects, writing
// the SQL text) costs far more than running an indexed one, so the queries a counter screen runs
// on every call are built once, with placeholders (sql.placeholder), and kept with the connection
// they belong to; each call only binds its values.
//
// A transaction (drizzle's `tx`) shares its connection's session, and a query prepared on either
// runs on that connection, inside or outside a transaction: the cache is keyed by the session, so
// the services' helpers that take `db | tx` find the same prepared query.
import { Column, SQL, is, noopDecoder, sql } from 'drizzle-orm'
import type { LedgerDb } from './ledger'

type Queryable = Pick<LedgerDb, 'select' | 'insert' | 'update'>

const perSession = new WeakMap<object, Map<string, unknown>>()

/** The query `key` of this connection, built by `build` the first time it is asked for. */
export function preparedQuery<D extends Queryable, T>(db: D, key: string, build: (db: D) => T): T {
  // drizzle keeps the session on the database and on every transaction object (not in its types).
  const owner = (db as unknown as { session?: object }).session ?? db
  let queries = perSession.get(owner)
  if (!queries) perSession.set(owner, (queries = new Map()))
  let q = queries.get(key) as T | undefined
  if (q === undefined) queries.set(key, (q = build(db)))
  return q
}

/**
 * A LIMIT written into the SQL text instead of bound. SQLite (3.47 on) plans with the value bound
 * to a LIMIT parameter, so a statement with `limit ?` is compiled again on every call: that cost
 * more than the query itself. A query with a varying limit is prepared once per limit instead.
 */
export function literalLimit(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a limit: ${n}`)
  // drizzle writes an SQL chunk given as the limit as it is (its type only admits number | Placeholder).
  return sql.raw(String(n)) as unknown as number
}

/**
 * A placeholder for the value an indexed column is compared with (`col = +?`) in a query with an
 * ORDER BY. SQLite compiles such a statement again every time a value is bound to `col = ?` (its
 * planner may look at the value when it decides how the index serves the order): measured ~45 µs
 * on a one-row lookup and ~80 µs on the customer screen's history, every call, prepared or not.
 * The unary plus makes the value an expression the planner does not look into; the index is used
 * the same way (EXPLAIN QUERY PLAN: `customer_id=?`) and the rows are the same. The column's own
 * affinity still applies to the value, as with a bare placeholder.
 */
export function keyPlaceholder(name: string) {
  return sql`+${sql.placeholder(name)}`
}

interface Decoder {
  mapFromDriverValue(value: unknown): unknown
}
/** What drizzle keeps on a prepared select (both sessions, better-sqlite3 and sqlite-proxy): the
 * selected fields in the order of the row's values. */
interface SelectFields {
  fields?: Array<{ path: string[]; field: unknown }>
}

/**
 * A prepared select of a flat selection (each key a column or an sql`` expression) whose rows are
 * many (a day's 日次取扱一覧: 2,000 at a large branch): its rows as drizzle's `all()` returns them,
 * but mapped from the array rows of `values()` with each column's key and decoder found once.
 * drizzle's own mapping looks every cell's field up again (instanceof walks, a path iterator per
 * cell) and builds each row key by key, which leaves an object of this many keys a slow
 * dictionary: measured on 2,000 lines of the journal, ~12 ms to map them and read a few fields
 * back, against ~0.6 ms here, while SQLite read them in ~7 ms. Same keys, same order, same decoded
 * values (a boolean column's 0/1 as false/true, NULL as null); on either engine.
 */
export function manyRows<Row, P extends Record<string, unknown>>(query: {
  values(params?: P): unknown
  all(params?: P): Promise<Row[]> | Row[]
}): (params: P) => Promise<Row[]> {
  const fields = (query as SelectFields).fields
  if (!fields || fields.some((f) => f.path.length !== 1)) throw new Error('manyRows: a flat selection only')
  const keys = fields.map((f) => f.path[0]!)
  const decoders = fields.map(({ field }): Decoder | null => {
    const d: Decoder | undefined = is(field, Column)
      ? field
      : is(field, SQL)
        ? (field as unknown as { decoder: Decoder }).decoder
        : is(field, SQL.Aliased)
          ? (field.sql as unknown as { decoder: Decoder }).decoder
          : undefined
    if (!d) throw new Error('manyRows: a column or an sql expression only')
    // A decoder that returns the value as it is (text, integer, sql without mapWith) is not called.
    return d.mapFromDriverValue === Column.prototype.mapFromDriverValue || d.mapFromDriverValue === noopDecoder.mapFromDriverValue ? null : d
  })
  const n = keys.length
  const template = Object.fromEntries(keys.map((k) => [k, null]))
  return async (params) => {
    const rows = (await query.values(params)) as unknown[][]
    const out = new Array<Row>(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const raw = rows[i]!
      // A copy of the template has its shape: the stores below replace values. Built key by key
      // instead, an object of this many keys turns into a slow dictionary (drizzle's rows do), and
      // every later read of a line pays for it.
      const row: Record<string, unknown> = { ...template }
      for (let c = 0; c < n; c++) {
        const v = raw[c]
        const d = decoders[c]
        row[keys[c]!] = v === null ? null : d ? d.mapFromDriverValue(v) : v
      }
      out[i] = row as Row
    }
    return out
  }
}
