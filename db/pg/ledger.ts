// The PostgreSQL ledger behind the services' Ledger interface (db/ledger.ts, issue 12): the same
// service code, the same drizzle sqlite-core queries over db/schema.ts, runs on the shared server.
//
// How a query gets there: `db` is drizzle's sqlite-proxy driver with the SQLite schema. drizzle
// writes its SQLite-dialect text as usual and hands it to the callback below, which translates it
// (db/pg/translate.ts, cached by text) and runs it on the connection of the write transaction the
// caller is in (an AsyncLocalStorage set by write()), or else on the pool. Results come back as
// better-sqlite3 would give them, so drizzle maps them the same way: rows as arrays; `run` as
// { changes } (the optimistic-version checks read `.changes`); bigint and numeric as JS numbers (one
// beyond 2^53 is an error, never rounded: PG_TYPES); booleans as 1/0 (drizzle's boolean columns map
// 1 → true, as on SQLite); json_extract's jsonb as SQLite returns it (text, number, 1/0, NULL).
// Parameters go as drizzle binds them for SQLite: booleans as 1/0, which PostgreSQL reads as
// true/false for a boolean parameter.
//
// Writes: write(fn) takes a connection, BEGIN (READ COMMITTED), and first the journal's advisory
// lock (the one appends take, db/pg/guards.ts): the writers of every terminal are serialised as
// SQLite's BEGIN IMMEDIATE serialises them, and every statement after the lock sees everything
// committed before it. Inside one process writes also queue (WriteQueue) so that at most one pool
// connection waits on the lock and reads keep the others. The rows the transaction touched are
// noted by the ledger_capture triggers (migration 0004); before COMMIT one journal entry is
// appended for them (header: the transaction's last audit row, else the fallback, else
// 'ledger.unattributed', as db/journal.ts appendPending), the notes deleted, and
// pg_notify('otp_ledger', <entry id>) sent, which PostgreSQL delivers at COMMIT (db/pg/notify.ts).
// A write outside write() is refused (on SQLite it would be journaled as unattributed: a bug).
import { AsyncLocalStorage } from 'node:async_hooks'
import type { SQL } from 'drizzle-orm'
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core'
import { drizzle } from 'drizzle-orm/sqlite-proxy'
import pg from 'pg'
import { AppError, LEDGER_LOST } from '../../shared/errors'
import { GENESIS_HASH, entryHeader, type HeadingAudit, type JournalRow } from '../journal'
import { inSavepoint, registerLedger, WriteQueue, type JournalFallback, type Ledger, type LedgerDb } from '../ledger'
import * as schema from '../schema'
import { JOURNAL_LOCK_KEY } from './guards'
import { appendPgEntry, journalRowOf, pgRowState, pgTableShape, type PgTableShape } from './journal'
import { translateSql } from './translate'

export const NOTIFY_CHANNEL = 'otp_ledger'

const builtins = pg.types.builtins
const safeNumber = (v: string): number => {
  const n = Number(v)
  if (!Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n) && /^-?\d+$/.test(v)))
    throw new Error(`${v} does not fit a JavaScript number`)
  return n
}
/** jsonb (only json_extract's translation yields it: the ledger's JSON columns are text) as SQLite's json_extract returns a value. */
const sqliteJson = (v: string): unknown => {
  const x = JSON.parse(v) as unknown
  if (x === true) return 1
  if (x === false) return 0
  return x !== null && typeof x === 'object' ? JSON.stringify(x) : x
}

/** The ledger's type parsing: every value as SQLite would have returned it. */
export const PG_LEDGER_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    switch (oid) {
      case builtins.INT8:
      case builtins.NUMERIC:
        return safeNumber
      case builtins.BOOL:
        return (v: string) => (v === 't' ? 1 : 0)
      case builtins.JSONB:
      case builtins.JSON:
        return sqliteJson
      default:
        return pg.types.getTypeParser(oid, format)
    }
  }) as pg.CustomTypesConfig['getTypeParser'],
}

/** Errors that mean the server could not be reached or the connection broke. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null
  if (!e) return false
  const code = typeof e.code === 'string' ? e.code : ''
  if (/^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EPIPE|ENOENT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ECONNABORTED)$/.test(code)) return true
  if (/^08/.test(code) || code === '57P01' || code === '57P02' || code === '57P03') return true
  const m = typeof e.message === 'string' ? e.message : ''
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i.test(m)
}

/**
 * The ledger failure behind an error, if any: drizzle wraps what a query throws in its own
 * DrizzleQueryError (the original as `cause`), so LEDGER_UNREACHABLE raised under a query arrives
 * wrapped. The dispatcher maps an error through this to answer the user in Japanese.
 */
export function ledgerFailure(err: unknown): AppError | null {
  for (let e = err, i = 0; e && i < 10; e = (e as { cause?: unknown }).cause, i++) {
    if (e instanceof AppError && LEDGER_LOST.has(e.code)) return e
    if (isConnectionError(e)) return unreachable(e)
  }
  return null
}

function unreachable(cause: unknown): AppError {
  const e = new AppError('LEDGER_UNREACHABLE')
  ;(e as { cause?: unknown }).cause = cause
  return e
}

/** The PostgreSQL ledger: a Ledger that also knows which journal entries this terminal appended
 * (so that what it announces from the server's notifications is what other terminals did). */
export interface PgLedger extends Ledger {
  /** The entries up to `upTo` this terminal appended (forgotten once taken); later ones are kept
   * for the next call (one committed while the caller was reading is not taken too early). */
  takeOwnEntries(upTo: number): Set<number>
}

export interface PgLedgerOptions {
  /** Pool size per terminal (default 5). */
  max?: number
  /** Tests only: runs on the transaction's connection just before COMMIT (to break it there). */
  beforeCommit?: (client: pg.PoolClient) => Promise<void>
}

interface TxState {
  client: pg.PoolClient
  /** The connection broke: released with an error (destroyed), not returned to the pool. */
  broken: boolean
}

const WRITES = /^\s*(insert|update|delete)\b/i

/**
 * Opens the PostgreSQL ledger (the server migrated by db/pg/migrate.ts, this terminal connected as
 * the application role). Connects once to check the server is there (LEDGER_UNREACHABLE if not).
 */
export async function openPgLedger(config: pg.PoolConfig | string, opts: PgLedgerOptions = {}): Promise<PgLedger> {
  const poolConfig: pg.PoolConfig = typeof config === 'string' ? { connectionString: config } : { ...config }
  const pool = new pg.Pool({
    max: opts.max ?? 5,
    connectionTimeoutMillis: 5000,
    keepAlive: true,
    // A terminal that stops in the middle of a write (frozen, or its network gone without a reset)
    // holds the journal lock, and every terminal waits on it: the server ends such a session after
    // this long idle inside a transaction (a write function awaits nothing but the ledger, so a
    // healthy one is never idle that long), which rolls it back and frees the lock.
    idle_in_transaction_session_timeout: 30_000,
    ...poolConfig,
  })
  // An idle connection that breaks (the server restarted) is dropped by the pool; without a
  // listener the error would end the process.
  pool.on('error', () => {})
  let collation: { datcollate: string; provider: string } | undefined
  try {
    const c = await pool.connect()
    try {
      collation = (
        await c.query<{ datcollate: string; provider: string }>(
          `SELECT datcollate, datlocprovider::text AS provider FROM pg_database WHERE datname = current_database()`,
        )
      ).rows[0]
    } finally {
      c.release()
    }
  } catch (err) {
    await pool.end().catch(() => {})
    throw isConnectionError(err) ? unreachable(err) : err
  }
  // Text is ordered and compared byte-wise on SQLite (BINARY); the services' ORDER BY and keyset
  // paging (received_at, id) > (…) rely on it. A database whose collation is a language's would
  // order kana and mixed text otherwise: refused, with what to do (README: CREATE DATABASE … LOCALE 'C').
  if (collation && (collation.provider !== 'c' || !/^(C|POSIX)(\.UTF-?8)?$/i.test(collation.datcollate))) {
    await pool.end().catch(() => {})
    throw new Error(
      `the ledger database's collation is ${collation.provider === 'i' ? 'ICU ' : ''}${collation.datcollate}, not C: text would not order as on SQLite. ` +
        `Create the ledger database with TEMPLATE template0 LOCALE 'C' ENCODING 'UTF8' (README).`,
    )
  }
  return pgLedger(pool, opts)
}

function pgLedger(pool: pg.Pool, opts: PgLedgerOptions): PgLedger {
  const own = new Set<number>()
  const current = new AsyncLocalStorage<TxState>()
  const queue = new WriteQueue()
  const dialect = new SQLiteAsyncDialect()
  const shapes = new Map<string, Promise<PgTableShape>>()
  const shapeOf = (client: pg.ClientBase, table: string) => {
    let s = shapes.get(table)
    if (!s) {
      shapes.set(table, (s = pgTableShape(client, table)))
      s.catch(() => shapes.delete(table))
    }
    return s
  }

  /** Runs one translated statement where the caller is: its write transaction, or the pool. */
  async function query(sqlText: string, params: unknown[], rowMode: 'array' | undefined): Promise<pg.QueryResult> {
    const t = translateSql(sqlText)
    if (t.params !== params.length) throw new Error(`${params.length} parameters for ${t.params} placeholders: ${sqlText}`)
    const tx = current.getStore()
    if (!tx && WRITES.test(sqlText))
      throw new Error(`a write outside ledger.write() (it would not be journaled): ${sqlText}`)
    const q: pg.QueryConfig = { text: t.text, values: params, types: PG_LEDGER_TYPES, ...(rowMode ? { rowMode } : {}) }
    try {
      return tx ? await tx.client.query(q) : await pool.query(q)
    } catch (err) {
      if (isConnectionError(err)) {
        if (tx) tx.broken = true
        throw unreachable(err)
      }
      throw err
    }
  }

  const db = drizzle(
    async (sqlText, params, method) => {
      if (method === 'run') {
        const r = await query(sqlText, params, undefined)
        return { rows: [], changes: r.rowCount ?? 0 } as { rows: unknown[] }
      }
      const r = await query(sqlText, params, 'array')
      return { rows: method === 'get' ? (r.rows[0] as unknown[]) : r.rows }
    },
    { schema },
  ) as LedgerDb

  /** The journal entry of what this transaction wrote (db/journal.ts appendPending on the server). */
  async function appendPending(client: pg.PoolClient, fallback: JournalFallback): Promise<{ id: number; hash: string } | null> {
    // Each (table, key) once, in the order first noted, as SQLite's pending list keeps them.
    const noted = (
      await client.query<{ tbl: string; row_key: string }>(
        'SELECT tbl, row_key FROM ledger_pending WHERE txid = txid_current() GROUP BY tbl, row_key ORDER BY min(seq)',
      )
    ).rows
    if (!noted.length) return null
    const byTable = new Map<string, string[]>()
    for (const n of noted) {
      let keys = byTable.get(n.tbl)
      if (!keys) byTable.set(n.tbl, (keys = []))
      keys.push(n.row_key)
    }
    // Each row's state now (a deleted row: null), read a table at a time.
    const states = new Map<string, JournalRow>()
    const values = new Map<string, unknown[]>()
    for (const [tbl, keys] of byTable) {
      const shape = await shapeOf(client, tbl)
      if (shape.pk.length === 1) {
        const k = shape.pk[0]!
        const r = await client.query<unknown[]>({
          text: `SELECT ${shape.columns.map((c) => `"${c}"`).join(', ')} FROM "${tbl}" WHERE "${k}" = ANY($1)`,
          values: [keys],
          types: PG_LEDGER_TYPES,
          rowMode: 'array',
        })
        const at = shape.columns.indexOf(k)
        for (const row of r.rows as unknown[][]) {
          const jr = journalRowOf(shape, row)
          states.set(`${tbl}\u0000${String(row[at])}`, jr)
          values.set(`${tbl}\u0000${String(row[at])}`, row)
        }
      } else {
        for (const key of keys) {
          const jr = await pgRowState(client, shape, JSON.parse(key) as unknown[])
          if (jr.rowJson !== null) states.set(`${tbl}\u0000${key}`, jr)
        }
      }
    }
    const rows: JournalRow[] = noted.map((n) => {
      const s = states.get(`${n.tbl}\u0000${n.row_key}`)
      // The key as noted: the canonical text SQLite's triggers write (CAST(id AS TEXT), or the JSON array).
      return { tbl: n.tbl, rowKey: n.row_key, rowJson: s ? s.rowJson : null }
    })
    // The header: the transaction's last audit row (in the order first written), as on SQLite.
    let audit: HeadingAudit | undefined
    const lastAudit = [...noted].reverse().find((n) => n.tbl === 'audit_log')
    const auditRow = lastAudit && values.get(`audit_log\u0000${lastAudit.row_key}`)
    if (auditRow) {
      const shape = await shapeOf(client, 'audit_log')
      const v = (c: string) => auditRow[shape.columns.indexOf(c)]
      audit = {
        id: v('id') as number,
        at: v('at') as string,
        actorId: v('actor_id') as number | null,
        actorLoginId: v('actor_login_id') as string | null,
        action: v('action') as string,
        outcome: v('outcome') as string,
      }
    }
    const entry = await appendPgEntry(client, entryHeader(audit, fallback), rows)
    await client.query('DELETE FROM ledger_pending WHERE txid = txid_current()')
    return entry
  }

  /** After the connection broke during COMMIT: did the transaction commit? (null: cannot tell). */
  async function committed(txid: string): Promise<boolean | null> {
    try {
      const r = await pool.query<{ s: string | null }>('SELECT pg_xact_status($1::xid8) AS s', [txid])
      const s = r.rows[0]?.s
      return s === 'committed' ? true : s === 'aborted' ? false : null
    } catch {
      return null
    }
  }

  async function outer<T>(fn: (tx: LedgerDb) => Promise<T>, fallback: JournalFallback): Promise<T> {
    let client: pg.PoolClient
    try {
      client = await pool.connect()
    } catch (err) {
      throw isConnectionError(err) ? unreachable(err) : err
    }
    const tx: TxState = { client, broken: false }
    // A checked-out connection the server ends emits 'error' besides failing its query: heard here
    // (the query's failure is what reports it), or it would end the process.
    const onError = () => {
      tx.broken = true
    }
    client.on('error', onError)
    let txid: string | null = null
    let entryId: number | null = null
    let result: T
    try {
      try {
        await client.query('BEGIN')
        // The journal's lock first: terminals write one after the other (released at COMMIT/ROLLBACK).
        await client.query('SELECT pg_advisory_xact_lock($1)', [JOURNAL_LOCK_KEY])
        // Awaited inside run(): a drizzle query is a lazy thenable that starts when awaited, and must
        // start in the transaction's context.
        result = await current.run(tx, async () => await fn(db))
        const entry = await appendPending(client, fallback)
        entryId = entry?.id ?? null
        // Known as this terminal's before COMMIT: the server may deliver the notification to this
        // terminal's listener before COMMIT's answer arrives here. Taken back if it is not committed.
        if (entryId !== null) own.add(entryId)
        if (entry)
          txid = (
            await client.query<{ x: string }>('SELECT pg_notify($1, $2), pg_current_xact_id()::text AS x', [NOTIFY_CHANNEL, String(entry.id)])
          ).rows[0]!.x
        await opts.beforeCommit?.(client)
      } catch (err) {
        const lost = ledgerFailure(err)
        if (lost) {
          // Before COMMIT: the server rolls back a transaction whose connection is gone. Nothing was written.
          tx.broken = true
          throw lost
        }
        await client.query('ROLLBACK').catch(() => {
          tx.broken = true
        })
        throw err
      }
      try {
        await client.query('COMMIT')
      } catch (err) {
        if (!isConnectionError(err)) throw err
        tx.broken = true
        // The connection broke during COMMIT: the server may have committed. Ask it (a new
        // connection) about this transaction: committed → the step is done and is reported so;
        // aborted → nothing was written (LEDGER_UNREACHABLE); no answer → the user is told that
        // the outcome is unknown and to look before doing it again (LEDGER_COMMIT_UNKNOWN), never
        // that nothing was written.
        const done = txid ? await committed(txid) : false
        if (done === true) return result
        if (done === false) throw unreachable(err)
        const e = new AppError('LEDGER_COMMIT_UNKNOWN')
        ;(e as { cause?: unknown }).cause = err
        throw e
      }
      return result
    } catch (err) {
      if (entryId !== null) own.delete(entryId)
      throw err
    } finally {
      client.off('error', onError)
      client.release(tx.broken ? true : undefined)
    }
  }

  let open = true
  const ledger: PgLedger = {
    engine: 'postgres',
    printArchive: 'ledger',
    db,
    inWrite: () => current.getStore() !== undefined,
    isOpen: () => open,
    async digest() {
      const r = await query('SELECT id, hash, at FROM ledger_journal ORDER BY id DESC LIMIT 1', [], undefined)
      const last = r.rows[0] as { id: number; hash: string; at: string } | undefined
      return { count: last?.id ?? 0, hash: last?.hash ?? GENESIS_HASH, at: last?.at ?? null }
    },
    takeOwnEntries(upTo) {
      const taken = new Set<number>()
      for (const id of own)
        if (id <= upTo) {
          taken.add(id)
          own.delete(id)
        }
      return taken
    },
    async rows<T>(query_: SQL) {
      const q = dialect.sqlToQuery(query_)
      const r = await query(q.sql, q.params, undefined)
      return r.rows as T[]
    },
    write(fn, fallback) {
      return queue.run(
        () => outer(fn, fallback),
        (depth) => {
          const client = current.getStore()!.client
          return inSavepoint(depth, (s) => client.query(s), () => fn(db))
        },
      )
    },
    async close() {
      if (!open) return
      open = false
      await pool.end()
    },
  }
  registerLedger(db, ledger)
  return ledger
}
