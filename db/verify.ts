// Verification of the ledger's journal (db/journal.ts): the chain (every entry, in order, hashes
// to what it says and links to the one before) and the state (every journaled table equals the
// latest state the journal holds for each of its rows). Everything is streamed through SQLite —
// entries a page at a time, rows compared by SQL joins on the journal's (table, key) index — so
// memory stays flat at a million customers.
//
// Full: the whole chain and every row of every table. Incremental (at start): the last verified
// entry (the checkpoint) still hashes to what was verified, the entries after it chain from it,
// and the rows they wrote equal the tables; a row edited behind the app that no later entry
// touched is left to the full check, which every backup runs.
import {
  EntryHasher,
  GENESIS_HASH,
  currentDigest,
  journaledTables,
  registerFunctions,
  type EntryHeader,
  type JournalRow,
  type TableShape,
} from './journal'
import type { Sqlite } from './open'
import type { AnchorResult, ChainBreak, EntryRef, RowFinding, RowFindingKind, VerifyReport } from '../shared/integrity'

export type { VerifyReport } from '../shared/integrity'

const ROW_FINDINGS_LIMIT = 50
const PAGE = 500

export interface EntryRow extends EntryHeader {
  id: number
  rowCount: number
  prevHash: string
  hash: string
}

export const ENTRY_COLS = `id, at, actor_id AS actorId, actor_login_id AS actorLoginId, action, outcome, audit_id AS auditId, origin,
  row_count AS rowCount, prev_hash AS prevHash, hash`

const ref = (e: Pick<EntryRow, 'id' | 'at' | 'actorLoginId' | 'action'>): EntryRef => ({
  entryId: e.id,
  at: e.at,
  actorLoginId: e.actorLoginId,
  action: e.action,
})

function hashOf(e: EntryRow, rows: Iterable<JournalRow>): { hash: string; rows: number } {
  const h = new EntryHasher(e.id, e, e.rowCount, e.prevHash)
  for (const r of rows) h.row(r)
  return { hash: h.digest(), rows: h.rows }
}

interface ChainResult {
  last: { id: number; hash: string }
  checked: number
  break: ChainBreak | null
}

/**
 * The chain check, fed one entry at a time with its rows in seq order (by this file for SQLite,
 * by db/pg/journal.ts for PostgreSQL): each entry follows the one before, hashes to what it
 * says, holds the rows it counts and links to the previous hash. `step` returns the first break.
 */
export class ChainWalk {
  last: { id: number; hash: string }
  checked = 0
  constructor(from: { id: number; hash: string } = { id: 0, hash: GENESIS_HASH }) {
    this.last = from
  }
  step(e: EntryRow, rows: Iterable<JournalRow>): ChainBreak | null {
    const prev = this.last
    const expectedId = prev.id + 1
    if (e.id !== expectedId)
      return {
        kind: 'gap',
        ...ref(e),
        message:
          e.id - expectedId === 1
            ? `仕訳 ${expectedId} が削除されています（${prev.id} の次が ${e.id}）。`
            : `仕訳 ${expectedId}〜${e.id - 1} が削除されています（${prev.id} の次が ${e.id}）。`,
      }
    const got = hashOf(e, rows)
    if (got.rows !== e.rowCount) return { kind: 'count', ...ref(e), message: `仕訳 ${e.id} の行数が記録（${e.rowCount}）と違います（${got.rows}）。` }
    if (got.hash !== e.hash)
      return { kind: 'hash', ...ref(e), message: `仕訳 ${e.id} の内容が記録されたハッシュと一致しません（書き換えられたか、順序が入れ替えられています）。` }
    if (e.prevHash !== prev.hash)
      return {
        kind: 'link',
        ...ref(e),
        message: `仕訳 ${e.id} が直前の仕訳 ${prev.id} につながっていません（挿入・入れ替え・直前の書き換え）。`,
      }
    this.last = { id: e.id, hash: e.hash }
    this.checked++
    return null
  }
}

/** Walks the chain from entry `from.id + 1` to the end; `onPage` runs after each page of entries. */
function verifyChain(sqlite: Sqlite, from: { id: number; hash: string }, onPage?: (checked: number) => void): ChainResult {
  const page = sqlite.prepare(`SELECT ${ENTRY_COLS} FROM ledger_journal WHERE id > ? ORDER BY id LIMIT ${PAGE}`)
  const rowsOf = sqlite.prepare('SELECT tbl, row_key AS rowKey, row_json AS rowJson FROM ledger_journal_rows WHERE entry_id = ? ORDER BY seq')
  const rowsOfRange = sqlite.prepare(
    'SELECT entry_id AS entryId, tbl, row_key AS rowKey, row_json AS rowJson FROM ledger_journal_rows WHERE entry_id BETWEEN ? AND ? ORDER BY entry_id, seq',
  )
  const walk = new ChainWalk(from)
  for (;;) {
    const entries = page.all(walk.last.id) as EntryRow[]
    if (!entries.length) break
    // Small entries are read a page at a time; a large one (an import batch, an upgrade slice) alone.
    const total = entries.reduce((n, e) => n + e.rowCount, 0)
    const byEntry = new Map<number, JournalRow[]>()
    if (total <= 20_000) {
      for (const r of rowsOfRange.all(entries[0]!.id, entries[entries.length - 1]!.id) as Array<JournalRow & { entryId: number }>) {
        let list = byEntry.get(r.entryId)
        if (!list) byEntry.set(r.entryId, (list = []))
        list.push(r)
      }
    }
    for (const e of entries) {
      const rows = total <= 20_000 ? (byEntry.get(e.id) ?? []) : (rowsOf.iterate(e.id) as IterableIterator<JournalRow>)
      const broken = walk.step(e, rows)
      if (broken) return { last: walk.last, checked: walk.checked, break: broken }
    }
    onPage?.(walk.checked)
  }
  return { last: walk.last, checked: walk.checked, break: null }
}

function entryRef(sqlite: Sqlite, id: number | null): EntryRef | null {
  if (id === null) return null
  const e = sqlite.prepare('SELECT id, at, actor_login_id AS actorLoginId, action FROM ledger_journal WHERE id = ?').get(id) as
    | Pick<EntryRow, 'id' | 'at' | 'actorLoginId' | 'action'>
    | undefined
  return e ? ref(e) : { entryId: id, at: null, actorLoginId: null, action: null }
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`

function finding(sqlite: Sqlite, t: TableShape, r: { k: string; cur: string | null; jour: string | null; e: number | null }): RowFinding {
  const kind: RowFindingKind =
    r.e === null ? 'unjournaled' : r.cur === null ? 'missing' : r.jour === null ? 'present-after-delete' : 'changed'
  const entry = entryRef(sqlite, r.e)
  const where = `${t.name} の行 ${r.k}`
  const message =
    kind === 'unjournaled'
      ? `${where} は仕訳に記録がありません（台帳の外から追加されました）。`
      : kind === 'missing'
        ? `${where} が削除されています（仕訳 ${r.e} に記録された行）。`
        : kind === 'present-after-delete'
          ? `${where} は仕訳 ${r.e} で削除された行ですが、存在しています。`
          : `${where} が仕訳 ${r.e} に記録された内容と違います（台帳の外から書き換えられました）。`
  return { kind, table: t.name, rowKey: r.k, journalState: r.jour, currentState: r.cur, entry, message }
}

/** Rows of `t` whose state differs from the journal's latest (all rows, or those written after `afterEntry`). */
function compareTable(sqlite: Sqlite, t: TableShape, afterEntry: number | null, limit: number): RowFinding[] {
  const latest = (key: string) =>
    `(SELECT max(x.entry_id) FROM ledger_journal_rows x WHERE x.tbl = '${t.name}' AND x.row_key = ${key})`
  const out: RowFinding[] = []
  type R = { k: string; cur: string | null; jour: string | null; e: number | null }
  if (afterEntry === null) {
    // Every row of the table against the journal.
    const present = sqlite.prepare(`
      SELECT c.k, c.cur, j.row_json AS jour, j.entry_id AS e
      FROM (SELECT ${t.keyExpr('t.')} AS k, ${t.stateExpr} AS cur FROM main.${q(t.name)} t) c
      LEFT JOIN ledger_journal_rows j ON j.tbl = '${t.name}' AND j.row_key = c.k AND j.entry_id = ${latest('c.k')}
      WHERE j.row_json IS NOT c.cur LIMIT ?`)
    for (const r of present.all(limit) as R[]) out.push(finding(sqlite, t, r))
    if (out.length >= limit) return out
    // Every row the journal holds as present, against the table.
    const gone = sqlite.prepare(`
      SELECT g.row_key AS k, NULL AS cur, j.row_json AS jour, g.e AS e
      FROM (SELECT row_key, max(entry_id) AS e FROM ledger_journal_rows WHERE tbl = '${t.name}' GROUP BY row_key) g
      JOIN ledger_journal_rows j ON j.tbl = '${t.name}' AND j.row_key = g.row_key AND j.entry_id = g.e
      WHERE j.row_json IS NOT NULL AND NOT EXISTS (SELECT 1 FROM main.${q(t.name)} t WHERE ${t.keyMatch.replaceAll('$KEY', 'g.row_key')})
      LIMIT ?`)
    for (const r of gone.all(limit - out.length) as R[]) out.push(finding(sqlite, t, r))
    return out
  }
  // The rows written after the checkpoint, each at its latest state.
  const touched = sqlite.prepare(`
    SELECT c.k, c.jour, c.e, (SELECT ${t.stateExpr} FROM main.${q(t.name)} t WHERE ${t.keyMatch.replaceAll('$KEY', 'c.k')}) AS cur
    FROM (SELECT r.row_key AS k, r.row_json AS jour, r.entry_id AS e FROM ledger_journal_rows r
          WHERE r.entry_id > @after AND +r.tbl = '${t.name}' AND r.entry_id = ${latest('r.row_key')}) c
    WHERE cur IS NOT c.jour LIMIT @limit`)
  for (const r of touched.all({ after: afterEntry, limit }) as R[]) out.push(finding(sqlite, t, r))
  return out
}

function compareState(sqlite: Sqlite, afterEntry: number | null): { rows: RowFinding[]; truncated: boolean } {
  const rows: RowFinding[] = []
  for (const t of journaledTables(sqlite)) {
    rows.push(...compareTable(sqlite, t, afterEntry, ROW_FINDINGS_LIMIT + 1 - rows.length))
    if (rows.length > ROW_FINDINGS_LIMIT) return { rows: rows.slice(0, ROW_FINDINGS_LIMIT), truncated: true }
  }
  return { rows, truncated: false }
}

export interface Checkpoint {
  entryId: number
  hash: string
  checkedAt: string
  fullCheckedAt: string | null
  ok: boolean
  report: VerifyReport | null
}

export function readCheckpoint(sqlite: Sqlite): Checkpoint | null {
  const r = sqlite
    .prepare('SELECT entry_id AS entryId, hash, checked_at AS checkedAt, full_checked_at AS fullCheckedAt, ok, report_json AS reportJson FROM ledger_verification WHERE id = 1')
    .get() as (Omit<Checkpoint, 'ok' | 'report'> & { ok: number; reportJson: string | null }) | undefined
  if (!r) return null
  return { entryId: r.entryId, hash: r.hash, checkedAt: r.checkedAt, fullCheckedAt: r.fullCheckedAt, ok: !!r.ok, report: r.reportJson ? (JSON.parse(r.reportJson) as VerifyReport) : null }
}

/**
 * Checks that the ledger still contains exactly the prefix a digest was taken of: entry `count`
 * holds the hash printed on the paper. Each entry's hash covers the one before it, so a match
 * vouches for entries 1..count as they were when the digest was taken; the chain itself is checked
 * by the full verification. Used by `ledger:verify --anchor`, integrity.verify and 「控えの照合」.
 */
export function checkAnchor(sqlite: Sqlite, anchor: { count: number; hash: string }): AnchorResult {
  const ledgerCount = currentDigest(sqlite).count
  const e = anchor.count > 0 ? (sqlite.prepare('SELECT hash FROM ledger_journal WHERE id = ?').get(anchor.count) as { hash: string } | undefined) : undefined
  const base = { ...anchor, ledgerCount }
  if (anchor.count > ledgerCount || (anchor.count > 0 && !e))
    return {
      ...base,
      ok: false,
      status: 'short',
      differsAt: null,
      message: `台帳がこの控えより短くなっています：台帳の仕訳は ${ledgerCount} 件で、控えの ${anchor.count} 件に足りません（記録が削除されています）。`,
    }
  const hash = e?.hash ?? GENESIS_HASH
  if (hash !== anchor.hash)
    return {
      ...base,
      ok: false,
      status: 'mismatch',
      differsAt: anchor.count,
      message: `不一致：仕訳 ${anchor.count} のハッシュが控えと違います（控えの時点の仕訳 ${anchor.count} までの記録が、控えの後で書き換えられています）。`,
    }
  return { ...base, ok: true, status: 'match', differsAt: null, message: `一致：控えの時点（仕訳 ${anchor.count} 件）までの記録は控えのとおりです。` }
}

export interface VerifyOptions {
  mode: 'full' | 'incremental'
  anchor?: { count: number; hash: string }
  now?: Date
  /** Called after each page of entries with the entries checked so far and the journal's length
   * (the worker reports progress and, for the background check, pauses there: services/verifyWorker). */
  onProgress?: (checked: number, total: number) => void
}

/** Verifies the ledger on `sqlite` (read only; the caller saves the checkpoint, saveCheckpoint). */
export function verifyLedger(sqlite: Sqlite, opts: VerifyOptions): VerifyReport {
  registerFunctions(sqlite)
  const started = performance.now()
  const checkedAt = (opts.now ?? new Date()).toISOString()
  // One read transaction: a consistent snapshot while the app goes on writing (WAL).
  return sqlite.transaction((): VerifyReport => {
    const cp = opts.mode === 'incremental' ? readCheckpoint(sqlite) : null
    let from = { id: 0, hash: GENESIS_HASH }
    let chainBreak: ChainBreak | null = null
    if (cp && cp.entryId > 0) {
      const e = sqlite.prepare(`SELECT ${ENTRY_COLS} FROM ledger_journal WHERE id = ?`).get(cp.entryId) as EntryRow | undefined
      const last = currentDigest(sqlite)
      if (!e)
        chainBreak = {
          kind: 'shortened',
          entryId: cp.entryId,
          at: null,
          actorLoginId: null,
          action: null,
          message: `検証済みの仕訳 ${cp.entryId} がありません（仕訳は ${last.count} 件に減っています）。`,
        }
      else {
        const rows = sqlite.prepare('SELECT tbl, row_key AS rowKey, row_json AS rowJson FROM ledger_journal_rows WHERE entry_id = ? ORDER BY seq')
        const got = hashOf(e, rows.iterate(e.id) as IterableIterator<JournalRow>)
        if (got.hash !== cp.hash || e.hash !== cp.hash)
          chainBreak = { kind: 'checkpoint', ...ref(e), message: `検証済みの仕訳 ${cp.entryId} が前回の検証の後で書き換えられています。` }
        else from = { id: cp.entryId, hash: cp.hash }
      }
    }
    let checked = 0
    if (!chainBreak) {
      const total = currentDigest(sqlite).count - from.id
      const chain = verifyChain(sqlite, from, opts.onProgress && ((n) => opts.onProgress!(n, total)))
      chainBreak = chain.break
      checked = chain.checked
    }
    const up = sqlite
      .prepare("SELECT count(*) AS entries, coalesce(sum(row_count), 0) AS rows, min(at) AS at FROM ledger_journal WHERE origin = 'upgrade'")
      .get() as { entries: number; rows: number; at: string | null }
    const upgrade = up.entries ? { entries: up.entries, rows: up.rows, at: up.at! } : null
    const state = compareState(sqlite, cp ? cp.entryId : null)
    const anchor = opts.anchor ? checkAnchor(sqlite, opts.anchor) : undefined
    return {
      ok: !chainBreak && !state.rows.length && (anchor?.ok ?? true),
      mode: cp ? 'incremental' : 'full',
      checkedAt,
      durationMs: Math.round(performance.now() - started),
      entriesChecked: checked,
      fromEntry: from.id + 1,
      digest: currentDigest(sqlite),
      chainedAtUpgrade: upgrade,
      chainBreak,
      rows: state.rows,
      rowsTruncated: state.truncated,
      anchor,
    }
  })()
}

/**
 * Keeps the result: a clean run moves the checkpoint to the last entry; a failed one is kept with
 * the checkpoint where it was, so the next start looks again (and the status says so).
 */
export function saveCheckpoint(sqlite: Sqlite, report: VerifyReport): void {
  const cp = readCheckpoint(sqlite)
  const entryId = report.ok ? report.digest.count : (cp?.entryId ?? 0)
  const hash = report.ok ? report.digest.hash : (cp?.hash ?? GENESIS_HASH)
  const full = report.ok && report.mode === 'full' ? report.checkedAt : (cp?.fullCheckedAt ?? null)
  sqlite
    .prepare(
      `INSERT INTO ledger_verification (id, entry_id, hash, checked_at, full_checked_at, ok, report_json) VALUES (1, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET entry_id = excluded.entry_id, hash = excluded.hash, checked_at = excluded.checked_at,
         full_checked_at = excluded.full_checked_at, ok = excluded.ok, report_json = excluded.report_json`,
    )
    .run(entryId, hash, report.checkedAt, full, report.ok ? 1 : 0, JSON.stringify(report))
}

/** One line per problem, for the command line and the log. */
export function describeReport(r: VerifyReport): string[] {
  const lines: string[] = []
  lines.push(
    `${r.ok ? 'OK' : 'FAILED'} ${r.mode} verification: ${r.entriesChecked} entries checked from entry ${r.fromEntry}, ledger digest ${r.digest.count}:${r.digest.hash} (${r.durationMs} ms)`,
  )
  if (r.chainedAtUpgrade)
    lines.push(
      `仕訳の導入時に既存の ${r.chainedAtUpgrade.rows} 行を ${r.chainedAtUpgrade.entries} 件の仕訳に記録しました（chained at upgrade, ${r.chainedAtUpgrade.at}）。それ以前の経緯は仕訳では保証されません。`,
    )
  const b = r.chainBreak
  if (b) lines.push(`CHAIN ${b.kind} at entry ${b.entryId} (${b.at ?? '-'}, ${b.actorLoginId ?? '-'}, ${b.action ?? '-'}): ${b.message}`)
  for (const f of r.rows)
    lines.push(
      `ROW ${f.kind} ${f.table} ${f.rowKey}` +
        (f.entry ? ` last recorded by entry ${f.entry.entryId} (${f.entry.at ?? '-'}, ${f.entry.actorLoginId ?? '-'}, ${f.entry.action ?? '-'})` : '') +
        `: ${f.message}`,
    )
  if (r.rowsTruncated) lines.push(`… more rows differ than the ${r.rows.length} listed`)
  if (r.anchor) lines.push(`ANCHOR ${r.anchor.ok ? 'ok' : 'FAILED'} ${r.anchor.count}:${r.anchor.hash}: ${r.anchor.message}`)
  return lines
}
