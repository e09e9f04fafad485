// Moving from one PC to the server (issue 12): copies a SQLite ledger and its archived PDFs into an
// empty PostgreSQL ledger, in one PostgreSQL transaction that commits only when everything holds:
//  1. the source must verify in full (db/verify.ts) and be at this app's schema version;
//  2. the target is migrated if it has no schema, and refused if any table holds a row;
//  3. every table is copied in foreign-key order, streamed from SQLite in batches (memory stays flat
//     at a million customers), ids kept, booleans 0/1 → boolean; the identity sequences are then
//     set past the largest id;
//  4. each archived PDF (the data folder's forms/) is checked against printed_forms' SHA-256 and
//     stored in printed_form_files (migration 0002); a missing or altered file refuses the copy;
//  5. verified before COMMIT: per table the row count and a SHA-256 over the rows in key order,
//     encoded the same way on both sides (rowLine), and the journal chain walked on PostgreSQL;
//  6. audited in the same transaction: an audit_log row 'ledger.copyToServer' and its journal
//     entry, chained to the copied head (db/pg/journal.ts), so the chain walk covers it too.
// Any refusal or difference rolls back: the target is left as it was.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { ClientBase } from 'pg'
import { formatDigest, hasJournal, type EntryHeader } from '../journal'
import { schemaVersion } from '../migrate'
import { LATEST_SCHEMA_VERSION } from '../migrations'
import { openSqlite, type Sqlite } from '../open'
import { describeReport, verifyLedger } from '../verify'
import { archivedFile } from '../formArchive'
import { appendPgEntry, pgQuery, pgRowState, pgTableShape, verifyPgChain, type PgTableShape } from './journal'
import { migratePg, pgSchemaVersion } from './migrate'
import { SERVER_ONLY_TABLES } from './serverOnly'

/** A refusal: Japanese for the person at the command line, an English code for the log. */
export class CopyRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'CopyRefused'
  }
}

export interface CopyOptions {
  /** The SQLite ledger file; its folder is the data folder whose forms/ holds the archive. */
  sqliteFile: string
  /** Connected as the owner role of the target database. */
  client: ClientBase
  appRole: string
  osUser: string
  now?: () => Date
  /** Rows per INSERT (bounded by PostgreSQL's 65535 parameters per statement). */
  batchRows?: number
}

export interface TableCopy {
  table: string
  rows: number
  sha256: string
}

export interface CopyReport {
  tables: TableCopy[]
  forms: number
  sourceDigest: string
  /** The journal on PostgreSQL after the copy's own entry. */
  digest: string
  auditId: number
  durationMs: number
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`

/**
 * The one encoding of a row both sides are hashed and compared in: the JSON array of its columns
 * in declared order, booleans as 0/1 (as SQLite stores them), integers as numbers, text as JSON
 * strings, NULL as null — the journal's canonical row encoding, without hiding the password hash
 * (the copy must carry it exactly).
 */
export function rowLine(values: readonly unknown[]): string {
  return JSON.stringify(values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'bigint' ? Number(v) : v)))
}

interface SourceTable {
  name: string
  columns: string[]
  pk: string[]
  /** Tables it references (other than itself). */
  refs: string[]
  selfRef: boolean
}

function sourceTables(sqlite: Sqlite): SourceTable[] {
  const names = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[]
  return names.map((name) => {
    const info = sqlite.prepare('SELECT name, pk FROM pragma_table_info(?) ORDER BY cid').all(name) as Array<{ name: string; pk: number }>
    const fks = sqlite.prepare('SELECT DISTINCT "table" AS t FROM pragma_foreign_key_list(?)').pluck().all(name) as string[]
    return {
      name,
      columns: info.map((c) => c.name),
      pk: info
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      refs: fks.filter((t) => t !== name),
      selfRef: fks.includes(name),
    }
  })
}

/** Referenced tables before the tables that reference them (names in order otherwise). */
export function foreignKeyOrder<T extends { name: string; refs: string[] }>(tables: readonly T[]): T[] {
  const byName = new Map(tables.map((t) => [t.name, t]))
  const out: T[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (t: T) => {
    if (state.get(t.name) === 'done') return
    if (state.get(t.name) === 'visiting') throw new Error(`foreign keys form a cycle through ${t.name}`)
    state.set(t.name, 'visiting')
    for (const r of t.refs) {
      const dep = byName.get(r)
      if (dep) visit(dep)
    }
    state.set(t.name, 'done')
    out.push(t)
  }
  for (const t of tables) visit(t)
  return out
}

/** Opens and checks the source: this app's schema version, and a clean full verification. */
export function openSource(file: string): { sqlite: Sqlite; digest: string } {
  if (!fs.existsSync(file)) throw new CopyRefused('SOURCE_MISSING', `台帳 ${file} がありません。--from に台帳のフォルダか ledger.sqlite を指定してください。`)
  const sqlite = openSqlite(file, { readonly: true })
  try {
    const v = schemaVersion(sqlite)
    if (v !== LATEST_SCHEMA_VERSION || !hasJournal(sqlite))
      throw new CopyRefused(
        v > LATEST_SCHEMA_VERSION ? 'SOURCE_TOO_NEW' : 'SOURCE_NOT_LATEST',
        v > LATEST_SCHEMA_VERSION
          ? `この台帳の版（${v}）はこのアプリ（${LATEST_SCHEMA_VERSION}）より新しいため移せません。アプリを更新してください。`
          : `この台帳の版（${v}）は最新（${LATEST_SCHEMA_VERSION}）ではありません。先にこのPCでアプリを一度起動して台帳を更新してから移してください。`,
      )
    // One read transaction from the verification to the end of the copy: the rows copied are the
    // rows verified, the digest audited is theirs, even if the app on that PC writes meanwhile (WAL).
    sqlite.exec('BEGIN')
    sqlite.prepare('SELECT count(*) FROM ledger_journal').get()
    const report = verifyLedger(sqlite, { mode: 'full' })
    if (!report.ok)
      throw new CopyRefused(
        'SOURCE_NOT_VERIFIED',
        `この台帳は検証に合格しないため移せません（npm run ledger:verify と同じ検証）。\n${describeReport(report).join('\n')}`,
      )
    return { sqlite, digest: formatDigest(report.digest) }
  } catch (e) {
    sqlite.close()
    throw e
  }
}

async function targetTables(client: ClientBase): Promise<string[]> {
  const r = await client.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
  return r.rows.map((x) => x.t)
}

/** The tables with 0004's capture trigger. */
async function capturedTables(client: ClientBase): Promise<string[]> {
  const r = await client.query<{ t: string }>(
    `SELECT c.relname AS t FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
      WHERE g.tgname = 'ledger_capture' AND c.relnamespace = current_schema()::regnamespace ORDER BY 1`,
  )
  return r.rows.map((x) => x.t)
}

/** The first table of the target that holds a row (schema_version aside), or null. */
async function firstNonEmpty(client: ClientBase, tables: readonly string[]): Promise<string | null> {
  for (const t of tables) {
    if (t === 'schema_version') continue
    const r = await client.query(`SELECT 1 FROM ${q(t)} LIMIT 1`)
    if (r.rowCount) return t
  }
  return null
}

const notEmpty = (t: string) =>
  new CopyRefused(
    'TARGET_NOT_EMPTY',
    `移行先の台帳は空ではありません（${t} に行があります）。移行は空の台帳にだけ行えます。何も書き込んでいません。`,
  )

/** ORDER BY over a table's key; text compared byte-wise on PostgreSQL, as SQLite's BINARY does. */
const orderBy = (shape: PgTableShape) => shape.pk.map((c) => (shape.texts.has(c) ? `${q(c)} COLLATE "C"` : q(c))).join(', ')

/** The rows of a PostgreSQL table in key order, a page at a time (keyset: no OFFSET walk). */
async function* pgRows(client: ClientBase, shape: PgTableShape, page = 5000): AsyncGenerator<unknown[]> {
  const cols = shape.columns.map(q).join(', ')
  const keyIdx = shape.pk.map((c) => shape.columns.indexOf(c))
  const keyTuple = `(${shape.pk.map((c) => (shape.texts.has(c) ? `${q(c)} COLLATE "C"` : q(c))).join(', ')})`
  let after: unknown[] | null = null
  for (;;) {
    const where = after ? `WHERE ${keyTuple} > (${after.map((_, i) => `$${i + 1}`).join(', ')})` : ''
    const r = await pgQuery<unknown[]>(client, `SELECT ${cols} FROM ${q(shape.name)} ${where} ORDER BY ${orderBy(shape)} LIMIT ${page}`, after ?? [], 'array')
    if (!r.rows.length) return
    for (const row of r.rows) yield row as unknown[]
    const last = r.rows[r.rows.length - 1] as unknown[]
    after = keyIdx.map((i) => last[i])
  }
}

const sqlOrder = (t: SourceTable) => t.pk.map(q).join(', ') || 'rowid'

/** Finds the first row (by key) that differs between the two sides, for the refusal's message. */
async function firstDifference(sqlite: Sqlite, client: ClientBase, t: SourceTable, shape: PgTableShape): Promise<string> {
  const src = (sqlite.prepare(`SELECT * FROM ${q(t.name)} ORDER BY ${sqlOrder(t)}`).raw(true).iterate() as IterableIterator<unknown[]>)[Symbol.iterator]()
  const dst = pgRows(client, shape)
  const keyOf = (row: unknown[]) => JSON.stringify(t.pk.map((c) => row[t.columns.indexOf(c)]))
  try {
    for (;;) {
      const a = src.next()
      const b = await dst.next()
      if (a.done && b.done) return '(差分の行を特定できません)'
      if (a.done) return `キー ${keyOf(b.value as unknown[])}（移行先にだけある行）`
      if (b.done) return `キー ${keyOf(a.value)}（移行先にない行）`
      if (rowLine(a.value) !== rowLine(b.value as unknown[])) return `キー ${keyOf(a.value)}`
    }
  } finally {
    src.return?.()
    await dst.return(undefined)
  }
}

/** Copies the ledger; throws CopyRefused (nothing written) or the error that stopped it (rolled back). */
export async function copyToPg(opts: CopyOptions): Promise<CopyReport> {
  const started = performance.now()
  const now = opts.now ?? (() => new Date())
  const { client } = opts
  const dataDir = path.dirname(path.resolve(opts.sqliteFile))
  const { sqlite, digest: sourceDigest } = openSource(opts.sqliteFile)
  try {
    // The target's schema: made if there is none; an existing one must be empty (checked again
    // under the locks below, where it counts).
    const version = await pgSchemaVersion(client)
    if (version > 0) {
      const full = await firstNonEmpty(client, await targetTables(client))
      if (full) throw notEmpty(full)
    }
    // An empty ledger at an older version holds nothing a backup would keep.
    await migratePg(client, { appRole: opts.appRole, backupTaken: true })

    const tables = foreignKeyOrder(sourceTables(sqlite))
    const pgTables = await targetTables(client)
    const missing = tables.filter((t) => !pgTables.includes(t.name)).map((t) => t.name)
    if (missing.length) throw new CopyRefused('TARGET_SCHEMA_DIFFERS', `移行先の台帳に表 ${missing.join(', ')} がありません。移行先のアプリの版を確認してください。`)
    // Every other table of the target is one the server alone has, by design (db/pg/serverOnly.ts).
    const unknown = pgTables.filter((t) => !tables.some((x) => x.name === t) && !(t in SERVER_ONLY_TABLES))
    if (unknown.length) throw new CopyRefused('TARGET_SCHEMA_DIFFERS', `移行先の台帳に、台帳にない表 ${unknown.join(', ')} があります。移行先のアプリの版を確認してください。`)
    const shapes = new Map<string, PgTableShape>()
    for (const t of tables) {
      const s = await pgTableShape(client, t.name)
      if (s.columns.join(',') !== t.columns.join(',') || s.pk.join(',') !== t.pk.join(','))
        throw new CopyRefused('TARGET_SCHEMA_DIFFERS', `移行先の表 ${t.name} の列が台帳と違います（${s.columns.join(', ')} / ${t.columns.join(', ')}）。`)
      shapes.set(t.name, s)
    }
    const batchRows = opts.batchRows ?? 1000

    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED')
    try {
      // No terminal writes while the ledger moves in (they may read); then empty, or refused.
      await client.query(`LOCK TABLE ${pgTables.filter((t) => t !== 'schema_version').map(q).join(', ')} IN EXCLUSIVE MODE`)
      const full = await firstNonEmpty(client, pgTables)
      if (full) throw notEmpty(full)

      // The rows copied are journaled already (the copied journal carries them): the capture
      // triggers of 0004 (which note each written row for a terminal's journal entry) are off
      // while they go in, in this transaction only, and on again before anything of its own is written.
      const captured = await capturedTables(client)
      for (const t of captured) await client.query(`ALTER TABLE ${q(t)} DISABLE TRIGGER ledger_capture`)
      const copied: TableCopy[] = []
      for (const t of tables) copied.push(await copyTable(sqlite, client, t, shapes.get(t.name)!, batchRows))
      for (const t of captured) await client.query(`ALTER TABLE ${q(t)} ENABLE TRIGGER ledger_capture`)
      await setSequences(client, tables)
      const forms = await copyArchive(sqlite, client, dataDir)

      // Verification, before COMMIT: the same rows, encoded the same way, in the same order.
      for (const c of copied) {
        const t = tables.find((x) => x.name === c.table)!
        const shape = shapes.get(c.table)!
        const h = createHash('sha256')
        let n = 0
        for await (const row of pgRows(client, shape)) {
          h.update(`${rowLine(row)}\n`, 'utf8')
          n++
        }
        const got = h.digest('hex')
        if (n !== c.rows || got !== c.sha256)
          throw new CopyRefused(
            'COPY_DIFFERS',
            `表 ${c.table} の移行結果が台帳と一致しません（行数 ${c.rows} → ${n}、最初に違う行: ${await firstDifference(sqlite, client, t, shape)}）。移行を取り消しました。`,
          )
      }

      // Audited: the copy's audit row and its journal entry, chained to the copied head.
      const at = now().toISOString()
      const actorLoginId = `machine:${opts.osUser}`
      const rowCounts = Object.fromEntries(copied.map((c) => [c.table, c.rows]))
      const detail = { source: path.resolve(opts.sqliteFile), sourceDigest, rows: rowCounts, forms }
      const audit = await pgQuery<{ id: number }>(
        client,
        `INSERT INTO audit_log (at, actor_id, actor_login_id, action, outcome, target, detail_json)
         VALUES ($1, NULL, $2, 'ledger.copyToServer', 'ok', $3, $4) RETURNING id`,
        [at, actorLoginId, path.resolve(opts.sqliteFile), JSON.stringify(detail)],
      )
      const auditId = audit.rows[0]!.id
      const auditShape = shapes.get('audit_log') ?? (await pgTableShape(client, 'audit_log'))
      const head: EntryHeader = { at, actorId: null, actorLoginId, action: 'ledger.copyToServer', outcome: 'ok', auditId, origin: 'command' }
      const entry = await appendPgEntry(client, head, [await pgRowState(client, auditShape, [auditId])])
      await client.query('DELETE FROM ledger_pending WHERE txid = txid_current()')

      // The whole chain on PostgreSQL, the copy's own entry included.
      const chain = await verifyPgChain(client)
      if (chain.break)
        throw new CopyRefused('COPY_CHAIN_BROKEN', `移行先の仕訳の連鎖を検証できません: ${chain.break.message}（仕訳 ${chain.break.entryId}）。移行を取り消しました。`)
      if (chain.last.id !== entry.id || chain.last.hash !== entry.hash)
        throw new CopyRefused('COPY_CHAIN_BROKEN', `移行先の仕訳の最後（${chain.last.id}）が移行の記録（${entry.id}）ではありません。移行を取り消しました。`)

      await client.query('COMMIT')
      return {
        tables: copied,
        forms,
        sourceDigest,
        digest: formatDigest({ count: entry.id, hash: entry.hash }),
        auditId,
        durationMs: Math.round(performance.now() - started),
      }
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {})
      throw e
    }
  } finally {
    if (sqlite.inTransaction) sqlite.exec('COMMIT')
    sqlite.close()
  }
}

/**
 * One table, streamed: SQLite's rows in key order in batches of multi-row INSERTs, hashed as they
 * pass. A table that references itself (otp_requests.superseded_by names a later request) goes
 * through a temporary table and one INSERT … SELECT, so its foreign key is checked at the end of
 * that one statement, after every row is there.
 */
async function copyTable(sqlite: Sqlite, client: ClientBase, t: SourceTable, shape: PgTableShape, batchRows: number): Promise<TableCopy> {
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(60_000 / t.columns.length)))
  const bools = t.columns.map((c) => shape.booleans.has(c))
  const target = t.selfRef ? `otp_copy_${t.name}` : t.name
  if (t.selfRef) await client.query(`CREATE TEMP TABLE ${q(target)} (LIKE ${q(t.name)} INCLUDING DEFAULTS) ON COMMIT DROP`)
  const cols = t.columns.map(q).join(', ')
  const h = createHash('sha256')
  let rows = 0
  let values: unknown[] = []
  let tuples: string[] = []
  const flush = async () => {
    if (!tuples.length) return
    await client.query(`INSERT INTO ${q(target)} (${cols}) VALUES ${tuples.join(', ')}`, values)
    values = []
    tuples = []
  }
  const stmt = sqlite.prepare(`SELECT * FROM ${q(t.name)} ORDER BY ${sqlOrder(t)}`).raw(true)
  for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
    h.update(`${rowLine(row)}\n`, 'utf8')
    rows++
    const base = values.length
    tuples.push(`(${row.map((_, i) => `$${base + i + 1}`).join(', ')})`)
    for (let i = 0; i < row.length; i++) {
      const v = row[i]
      values.push(bools[i] && v !== null ? v === 1 || v === 1n : typeof v === 'bigint' ? v.toString() : v)
    }
    if (tuples.length >= perBatch) await flush()
  }
  await flush()
  if (t.selfRef) {
    await client.query(`INSERT INTO ${q(t.name)} (${cols}) SELECT ${cols} FROM ${q(target)} ORDER BY ${sqlOrder(t)}`)
    await client.query(`DROP TABLE ${q(target)}`)
  }
  return { table: t.name, rows, sha256: h.digest('hex') }
}

/** Each identity column continues after the largest id copied. */
async function setSequences(client: ClientBase, tables: readonly SourceTable[]): Promise<void> {
  const ids = await client.query<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns
      WHERE table_schema = current_schema() AND is_identity = 'YES'`,
  )
  const copied = new Set(tables.map((t) => t.name))
  for (const { t, c } of ids.rows) {
    if (!copied.has(t)) continue
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${q(c)}) FROM ${q(t)}), 0) + 1, false)`,
      [q(t), c],
    )
  }
}

/**
 * The archive: each recorded print's file, checked against printed_forms.sha256, stored in
 * printed_form_files (the table's own CHECK and trigger check the hash again). A few files per
 * INSERT, so memory holds a few PDFs at most.
 */
async function copyArchive(sqlite: Sqlite, client: ClientBase, dataDir: string): Promise<number> {
  let n = 0
  let batch: Array<{ id: number; sha256: string; pdf: Buffer }> = []
  let bytes = 0
  const flush = async () => {
    if (!batch.length) return
    const values: unknown[] = []
    const tuples = batch.map((b, i) => {
      values.push(b.id, b.sha256, b.pdf)
      return `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`
    })
    await client.query(`INSERT INTO printed_form_files (printed_form_id, sha256, pdf) VALUES ${tuples.join(', ')}`, values)
    batch = []
    bytes = 0
  }
  // Paged by id (a page of records at a time; the PDFs themselves a batch at a time).
  let after = 0
  const page = sqlite.prepare('SELECT id, file_path AS filePath, sha256 FROM printed_forms WHERE id > ? ORDER BY id LIMIT 500')
  for (;;) {
    const rows = page.all(after) as Array<{ id: number; filePath: string; sha256: string }>
    if (!rows.length) break
    for (const r of rows) {
      const file = archivedFile(dataDir, r.filePath)
      if (!fs.existsSync(file))
        throw new CopyRefused('ARCHIVE_FILE_MISSING', `保存済みの帳票 ${r.filePath} がありません（印刷記録 ${r.id}）。帳票フォルダを復元してから移してください。移行を取り消しました。`)
      const pdf = fs.readFileSync(file)
      const sha = createHash('sha256').update(pdf).digest('hex')
      if (sha !== r.sha256)
        throw new CopyRefused('ARCHIVE_FILE_ALTERED', `保存済みの帳票 ${r.filePath} の内容が印刷記録 ${r.id} のハッシュと違います（書き換えられています）。移行を取り消しました。`)
      batch.push({ id: r.id, sha256: sha, pdf })
      bytes += pdf.length
      n++
      if (batch.length >= 50 || bytes >= 16 * 1024 * 1024) await flush()
    }
    after = rows[rows.length - 1]!.id
  }
  await flush()
  const check = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM printed_forms p JOIN printed_form_files f ON f.printed_form_id = p.id
      WHERE f.sha256 = p.sha256 AND encode(sha256(f.pdf), 'hex') = p.sha256`,
  )
  if (Number(check.rows[0]!.n) !== n)
    throw new CopyRefused('ARCHIVE_COPY_DIFFERS', `移行先の帳票 ${n} 件のうち ${check.rows[0]!.n} 件しか記録と一致しません。移行を取り消しました。`)
  return n
}
