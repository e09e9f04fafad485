// Queries built once per connection. Building a drizzle query (walking its column objects, writing
// the SQL text) costs far more than running an indexed one, so the queries a counter screen runs
// on every call are built once, with placeholders (sql.placeholder), and kept with the connection
// they belong to; each call only binds its values.
import type { Db } from './open'

const perDb = new WeakMap<object, Map<string, unknown>>()

/** The query `key` of this connection, built by `build` the first time it is asked for. */
export function preparedQuery<T>(db: Db, key: string, build: (db: Db) => T): T {
  let queries = perDb.get(db)
  if (!queries) perDb.set(db, (queries = new Map()))
  let q = queries.get(key) as T | undefined
  if (q === undefined) queries.set(key, (q = build(db)))
  return q
}
