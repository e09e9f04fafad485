// The ledger's journal (issue 15): every transaction that changes the ledger appends one entry,
// in the same transaction, that carries the new state of every row it wrote and is chained to the
// entry before it by SHA-256. Verification (db/verify.ts) replays it against the tables.
//
// How rows are captured, without any service listing them: each connection that writes has TEMP
// triggers (created here, invisible to other connections and to the file) on every journaled table
// that note (table, key) of each inserted, updated or deleted row into temp.ledger_pending. At the
// end of the transaction (ledgerTransaction, electron/main/tx.ts) the entry is built from those rows'
// current state, hashed, appended, and the pending list cleared. A write made with another tool
// (the sqlite3 command line) leaves nothing pending and no entry: verification names the row.
//
// Canonical encoding (version 1). A row's state is the JSON array of its columns in the table's
// declared order, as SQLite's json_array() writes it (integers as numbers, text as JSON strings,
// NULL as null); staff.password_hash is replaced by "sha256:" + the SHA-256 hex of the hash, so the
// journal never holds a password hash. A row's key is its primary key as text ("12", "ledger_kind"),
// or the JSON array of a composite one (receipt_counters: ["001","2026-11-21"]). A deleted row's
// state is null. The entry's hash is the lowercase hex SHA-256 of the UTF-8 text
//   "otp-ledger-journal/1\n"
//   + JSON.stringify([id, at, actorId, actorLoginId, action, outcome, auditId, origin, rowCount, prevHash]) + "\n"
//   + for each row in seq order: JSON.stringify([table, key, state]) + "\n"
// where prevHash is the previous entry's hash (64 zeros before entry 1) and ids run 1, 2, 3... The
// digest of the ledger is (count of entries, hash of the last), written "otp-ledger:1:<count>:<hash>".
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { LedgerDigest } from '../shared/integrity'

type Sqlite = Database.Database

export const GENESIS_HASH = '0'.repeat(64)
export const ENCODING_TAG = 'otp-ledger-journal/1'

/** Tables that are the journal or its bookkeeping, never journaled themselves. */
export const NOT_JOURNALED: ReadonlySet<string> = new Set(['ledger_journal', 'ledger_journal_rows', 'ledger_verification'])

/** Column expressions that differ from the column itself: no secret enters the journal. */
const COLUMN_EXPR: Record<string, Record<string, string>> = {
  staff: { password_hash: "'sha256:' || ledger_sha256(password_hash)" },
}

export interface TableShape {
  name: string
  columns: string[]
  pk: string[]
  /** SQL for the row's state, over alias t. */
  stateExpr: string
  /** SQL for the row's key as text, over alias t (or NEW./OLD. with another prefix). */
  keyExpr: (prefix: string) => string
  /** SQL condition matching the row whose key is the expression put in place of $KEY. */
  keyMatch: string
}

export interface EntryHeader {
  at: string
  actorId: number | null
  actorLoginId: string | null
  action: string
  outcome: string
  auditId: number | null
  origin: 'command' | 'upgrade'
}

export interface JournalRow {
  tbl: string
  rowKey: string
  rowJson: string | null
}

export const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')

/**
 * A row's state in the canonical encoding, built outside SQLite (the PostgreSQL ledger, db/pg):
 * the JSON array of its columns in declared order, as json_array() writes it — booleans as 0/1
 * (SQLite stores them so), staff.password_hash as "sha256:" + its SHA-256 (COLUMN_EXPR).
 */
export function encodeRowState(table: string, columns: readonly string[], values: readonly unknown[]): string {
  const secret = table === 'staff' ? columns.indexOf('password_hash') : -1
  return JSON.stringify(
    values.map((v, i) => (i === secret && v !== null ? `sha256:${sha256Hex(String(v))}` : typeof v === 'boolean' ? (v ? 1 : 0) : v)),
  )
}

/** A row's key in the canonical encoding: the key as text, or the JSON array of a composite one. */
export function encodeRowKey(keyValues: readonly unknown[]): string {
  return keyValues.length === 1 ? String(keyValues[0]) : JSON.stringify(keyValues)
}

/** Registers the SQL functions the encoding uses on a connection (idempotent per connection). */
const prepared = new WeakSet<Sqlite>()
export function registerFunctions(sqlite: Sqlite): void {
  if (prepared.has(sqlite)) return
  sqlite.function('ledger_sha256', { deterministic: true }, (v: unknown) => (v === null ? null : sha256Hex(String(v))))
  prepared.add(sqlite)
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`

/** The journaled tables of this ledger and their shapes, read from its schema. */
export function journaledTables(sqlite: Sqlite): TableShape[] {
  const names = sqlite
    .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[]
  return names.filter((n) => !NOT_JOURNALED.has(n)).map((n) => shapeOf(sqlite, n))
}

function shapeOf(sqlite: Sqlite, name: string): TableShape {
  const info = sqlite.prepare(`SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`).all(name) as Array<{ name: string; pk: number }>
  const columns = info.map((c) => c.name)
  const pk = info
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name)
  const keyCols = pk.length ? pk : ['rowid']
  const over = COLUMN_EXPR[name] ?? {}
  const stateExpr = `json_array(${columns.map((c) => (over[c] ? over[c].replace(c, `t.${q(c)}`) : `t.${q(c)}`)).join(', ')})`
  const keyExpr = (p: string) =>
    keyCols.length === 1 ? `CAST(${p}${q(keyCols[0]!)} AS TEXT)` : `json_array(${keyCols.map((c) => `${p}${q(c)}`).join(', ')})`
  const keyMatch =
    keyCols.length === 1 ? `t.${q(keyCols[0]!)} = $KEY` : keyCols.map((c, i) => `t.${q(c)} = json_extract($KEY, '$[${i}]')`).join(' AND ')
  return { name, columns, pk: keyCols, stateExpr, keyExpr, keyMatch }
}

/** Whether this ledger has a journal (schema 0013 or later). */
export function hasJournal(sqlite: Sqlite): boolean {
  return !!sqlite.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'ledger_journal'").get()
}

interface Installed {
  tables: Map<string, TableShape>
  pendingAny: Database.Statement
  clearPending: Database.Statement
  lastEntry: Database.Statement
  insertEntry: Database.Statement
  entryRows: Database.Statement
  auditOfPending: Database.Statement
  fill: Map<string, Database.Statement>
}
const installed = new WeakMap<Sqlite, Installed>()

/** The pending list alone (the upgrade in 0013 fills it itself). */
function createPending(sqlite: Sqlite): void {
  sqlite.exec(`CREATE TEMP TABLE IF NOT EXISTS ledger_pending (
    n INTEGER PRIMARY KEY, tbl TEXT NOT NULL, row_key TEXT NOT NULL, UNIQUE (tbl, row_key))`)
}

/**
 * Makes this connection journal its writes: the pending list and the TEMP triggers. Nothing for a
 * ledger without a journal (older schema: migrations run first). Returns whether it journals.
 */
export function installJournal(sqlite: Sqlite): boolean {
  if (installed.has(sqlite)) return true
  if (sqlite.readonly || !hasJournal(sqlite)) return false
  registerFunctions(sqlite)
  createPending(sqlite)
  const tables = new Map<string, TableShape>()
  for (const t of journaledTables(sqlite)) {
    tables.set(t.name, t)
    // Not INSERT OR IGNORE: the conflict clause of the outer statement (an upsert) would override it.
    const note = (p: string) =>
      `INSERT INTO temp.ledger_pending (tbl, row_key) SELECT '${t.name}', ${t.keyExpr(p)}
       WHERE NOT EXISTS (SELECT 1 FROM temp.ledger_pending WHERE tbl = '${t.name}' AND row_key = ${t.keyExpr(p)});`
    sqlite.exec(`
      DROP TRIGGER IF EXISTS temp.ledger_ins_${t.name};
      DROP TRIGGER IF EXISTS temp.ledger_upd_${t.name};
      DROP TRIGGER IF EXISTS temp.ledger_del_${t.name};
      CREATE TEMP TRIGGER ledger_ins_${t.name} AFTER INSERT ON main.${q(t.name)} BEGIN ${note('NEW.')} END;
      CREATE TEMP TRIGGER ledger_upd_${t.name} AFTER UPDATE ON main.${q(t.name)} BEGIN ${note('OLD.')} ${note('NEW.')} END;
      CREATE TEMP TRIGGER ledger_del_${t.name} AFTER DELETE ON main.${q(t.name)} BEGIN ${note('OLD.')} END;`)
  }
  const fill = new Map<string, Database.Statement>()
  for (const t of tables.values())
    fill.set(
      t.name,
      sqlite.prepare(`INSERT INTO ledger_journal_rows (entry_id, seq, tbl, row_key, row_json)
        SELECT @entry, p.n, p.tbl, p.row_key, (SELECT ${t.stateExpr} FROM main.${q(t.name)} t WHERE ${t.keyMatch.replaceAll('$KEY', 'p.row_key')})
        FROM temp.ledger_pending p WHERE p.tbl = '${t.name}'`),
    )
  installed.set(sqlite, {
    tables,
    fill,
    pendingAny: sqlite.prepare('SELECT 1 FROM temp.ledger_pending LIMIT 1').pluck(),
    clearPending: sqlite.prepare('DELETE FROM temp.ledger_pending'),
    lastEntry: sqlite.prepare('SELECT id, hash FROM ledger_journal ORDER BY id DESC LIMIT 1'),
    insertEntry: sqlite.prepare(`INSERT INTO ledger_journal (id, at, actor_id, actor_login_id, action, outcome, audit_id, origin, row_count, prev_hash, hash)
      VALUES (@id, @at, @actorId, @actorLoginId, @action, @outcome, @auditId, @origin, @rowCount, @prevHash, @hash)`),
    entryRows: sqlite.prepare('SELECT tbl, row_key AS rowKey, row_json AS rowJson FROM ledger_journal_rows WHERE entry_id = ? ORDER BY seq'),
    auditOfPending: sqlite.prepare(`SELECT a.id, a.at, a.actor_id AS actorId, a.actor_login_id AS actorLoginId, a.action, a.outcome
      FROM temp.ledger_pending p JOIN main.audit_log a ON a.id = CAST(p.row_key AS INTEGER) WHERE p.tbl = 'audit_log' ORDER BY p.n DESC LIMIT 1`),
  })
  return true
}

/**
 * Stops journaling on this connection (drops its TEMP triggers and pending list). Only for tools
 * that build a ledger in bulk and then chain it as a whole (the benchmark's generator).
 */
export function detachJournal(sqlite: Sqlite): void {
  const j = installed.get(sqlite)
  if (!j) return
  for (const t of j.tables.keys())
    sqlite.exec(`DROP TRIGGER IF EXISTS temp.ledger_ins_${t}; DROP TRIGGER IF EXISTS temp.ledger_upd_${t}; DROP TRIGGER IF EXISTS temp.ledger_del_${t};`)
  sqlite.exec('DROP TABLE IF EXISTS temp.ledger_pending')
  installed.delete(sqlite)
}

/** The hash of an entry, fed row by row (bounded memory for any size of entry). */
export class EntryHasher {
  private h = createHash('sha256')
  rows = 0
  constructor(id: number, head: EntryHeader, rowCount: number, prevHash: string) {
    this.h.update(`${ENCODING_TAG}\n`, 'utf8')
    this.h.update(
      `${JSON.stringify([id, head.at, head.actorId, head.actorLoginId, head.action, head.outcome, head.auditId, head.origin, rowCount, prevHash])}\n`,
      'utf8',
    )
  }
  row(r: JournalRow): void {
    this.rows++
    this.h.update(`${JSON.stringify([r.tbl, r.rowKey, r.rowJson])}\n`, 'utf8')
  }
  digest(): string {
    return this.h.digest('hex')
  }
}

export interface AppendOptions {
  /** The header when no audit row was written in the transaction (a customer-import batch). */
  fallback?: Omit<EntryHeader, 'auditId' | 'origin'> & { origin?: EntryHeader['origin'] }
  /** Head the entry with `fallback` even if audit rows are pending (chaining existing rows). */
  forceHeader?: boolean
}

/** The audit row that heads a transaction's entry (the last it wrote). */
export interface HeadingAudit {
  id: number
  at: string
  actorId: number | null
  actorLoginId: string | null
  action: string
  outcome: string
}

/** The header of a transaction's entry, on either engine: its last audit row, else the fallback,
 * else "unattributed" (a write made outside a write transaction: a bug the journey test looks for). */
export function entryHeader(audit: HeadingAudit | undefined, fallback: AppendOptions['fallback']): EntryHeader {
  if (audit)
    return { at: audit.at, actorId: audit.actorId, actorLoginId: audit.actorLoginId, action: audit.action, outcome: audit.outcome, auditId: audit.id, origin: 'command' }
  if (fallback) return { ...fallback, auditId: null, origin: fallback.origin ?? 'command' }
  return { at: new Date().toISOString(), actorId: null, actorLoginId: null, action: 'ledger.unattributed', outcome: 'ok', auditId: null, origin: 'command' }
}

/**
 * Appends the entry for what is pending, inside the caller's open transaction. The header is the
 * transaction's last audit row (who, what, when, outcome), else `opts.fallback`, else an
 * "unattributed" header (a write made outside ledgerTransaction: a bug the journey test looks for).
 * Returns the entry id, or null when nothing was written.
 */
export function appendPending(sqlite: Sqlite, opts: AppendOptions = {}): number | null {
  const j = installed.get(sqlite)
  if (!j || !j.pendingAny.get()) return null
  const audit = (opts.forceHeader ? undefined : j.auditOfPending.get()) as HeadingAudit | undefined
  const head = entryHeader(audit, opts.fallback)
  const last = j.lastEntry.get() as { id: number; hash: string } | undefined
  const id = (last?.id ?? 0) + 1
  const prevHash = last?.hash ?? GENESIS_HASH
  let rowCount = 0
  for (const stmt of j.fill.values()) rowCount += stmt.run({ entry: id }).changes
  const hasher = new EntryHasher(id, head, rowCount, prevHash)
  for (const r of j.entryRows.iterate(id) as IterableIterator<JournalRow>) hasher.row(r)
  j.insertEntry.run({ id, ...head, rowCount, prevHash, hash: hasher.digest() })
  j.clearPending.run()
  ownEntries.get(sqlite)?.add(id)
  return id
}

/** Entries this connection appended, kept for whoever asked (db/otherWriters.ts) until taken. */
const ownEntries = new WeakMap<Sqlite, Set<number>>()

/** From now on, remember the entries this connection appends (takeOwnEntries hands them over). */
export function trackOwnEntries(sqlite: Sqlite): void {
  if (!ownEntries.has(sqlite)) ownEntries.set(sqlite, new Set())
}

/** The entries this connection appended since the last call (tracking must be on). */
export function takeOwnEntries(sqlite: Sqlite): Set<number> {
  const s = ownEntries.get(sqlite) ?? new Set<number>()
  ownEntries.set(sqlite, new Set())
  return s
}

/**
 * Runs `fn` in one IMMEDIATE transaction that ends with its journal entry. Inside an open
 * transaction it only runs `fn` (the outer one appends). A write left pending by a statement run
 * outside any transaction is journaled first, as its own entry.
 */
export function ledgerTransaction<T>(sqlite: Sqlite, fn: () => T, opts: AppendOptions = {}): T {
  if (sqlite.inTransaction) return fn()
  const journals = installJournal(sqlite)
  return sqlite
    .transaction(() => {
      if (journals) appendPending(sqlite)
      const result = fn()
      if (journals) appendPending(sqlite, opts)
      return result
    })
    .immediate()
}

export type Digest = LedgerDigest

export function currentDigest(sqlite: Sqlite): Digest {
  const last = sqlite.prepare('SELECT id, hash, at FROM ledger_journal ORDER BY id DESC LIMIT 1').get() as
    | { id: number; hash: string; at: string }
    | undefined
  return { count: last?.id ?? 0, hash: last?.hash ?? GENESIS_HASH, at: last?.at ?? null }
}

export { formatDigest, groupedHash, parseDigest } from '../shared/integrity'


/**
 * Chains the rows a ledger already holds (migration 0013): one entry per table slice of
 * `chunk` rows, origin "upgrade", in table and key order.
 */
export function chainExistingRows(sqlite: Sqlite, at: string, chunk = 10_000): number {
  installJournal(sqlite)
  const lastPending = sqlite.prepare('SELECT row_key FROM temp.ledger_pending ORDER BY n DESC LIMIT 1').pluck()
  let entries = 0
  for (const t of journaledTables(sqlite)) {
    const single = t.pk.length === 1
    const order = t.pk.map((c) => `t.${q(c)}`).join(', ')
    // One key column: pages by key (no OFFSET walk at a million rows). A composite key is a small table.
    const page = single
      ? sqlite.prepare(
          `INSERT INTO temp.ledger_pending (tbl, row_key) SELECT '${t.name}', ${t.keyExpr('t.')} FROM main.${q(t.name)} t
           WHERE @after IS NULL OR t.${q(t.pk[0]!)} > @after ORDER BY ${order} LIMIT @limit`,
        )
      : sqlite.prepare(
          `INSERT INTO temp.ledger_pending (tbl, row_key) SELECT '${t.name}', ${t.keyExpr('t.')} FROM main.${q(t.name)} t ORDER BY ${order} LIMIT @limit OFFSET @after`,
        )
    let after: string | number | null = single ? null : 0
    for (;;) {
      if (page.run({ limit: chunk, after }).changes === 0) break
      const last = lastPending.get() as string
      after = single ? last : (after as number) + chunk
      appendPending(sqlite, {
        forceHeader: true,
        fallback: { at, actorId: null, actorLoginId: 'system', action: 'ledger.chainAtUpgrade', outcome: 'ok', origin: 'upgrade' },
      })
      entries++
    }
  }
  return entries
}
