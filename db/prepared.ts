// Queries built once per connection. Building a drizzle query (walking its column objects, writing
// the SQL text) costs far more than running an indexed one, so the queries a counter screen runs
// on every call are built once, with placeholders (sql.placeholder), and kept with the connection
// they belong to; each call only binds its values.
//
// A transaction (drizzle's `tx`) shares its connection's session, and a query prepared on either
// runs on that connection, inside or outside a transaction: the cache is keyed by the session, so
// the services' helpers that take `db | tx` find the same prepared query.
import { sql } from 'drizzle-orm'
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
