// What is in a data folder before the ledger is opened: whether the folder held a ledger before
// (so an empty or missing file is a loss, never a fresh start), and a quick look at the file for
// damage. The checks read the 100-byte header, the schema and one row at each end of every table:
// a few pages whatever the size of the ledger, unlike integrity_check (which backups run in full).
import fs from 'node:fs'
import path from 'node:path'
import type { Sqlite } from './open'

export const LEDGER_FILE = 'ledger.sqlite'
/** Written beside a ledger once it exists, so that a folder that held one is recognised even if
 * its logs, forms and backups were moved away. */
export const LEDGER_MARKER = 'ledger-marker.json'

export type LedgerFileState =
  | { kind: 'absent' }
  | { kind: 'empty' }
  | { kind: 'not-sqlite' }
  | { kind: 'truncated'; size: number; expected: number }
  | { kind: 'ok' }

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1')

/** The 100-byte header: the magic string, a sane page size and a file at least as long as the
 * pages the header says it has (when that count is valid). Costs one small read. */
export function inspectLedgerFile(file: string): LedgerFileState {
  let st: fs.Stats
  try {
    st = fs.statSync(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' }
    throw err
  }
  if (st.size === 0) return { kind: 'empty' }
  const head = Buffer.alloc(100)
  const fd = fs.openSync(file, 'r')
  let n: number
  try {
    n = fs.readSync(fd, head, 0, 100, 0)
  } finally {
    fs.closeSync(fd)
  }
  if (n < 100 || !head.subarray(0, 16).equals(MAGIC)) return { kind: 'not-sqlite' }
  const raw = head.readUInt16BE(16)
  const pageSize = raw === 1 ? 65536 : raw
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return { kind: 'not-sqlite' }
  // The page count at offset 28 is valid when the "version-valid-for" number equals the change counter.
  const pages = head.readUInt32BE(28)
  if (pages > 0 && head.readUInt32BE(92) === head.readUInt32BE(24) && st.size < pages * pageSize)
    return { kind: 'truncated', size: st.size, expected: pages * pageSize }
  if (st.size % pageSize !== 0) return { kind: 'truncated', size: st.size, expected: Math.ceil(st.size / pageSize) * pageSize }
  return { kind: 'ok' }
}

/** Signs that the folder held a ledger: the marker, archived forms, backups, or a written log. */
export function ledgerTraces(dataDir: string): string[] {
  const found: string[] = []
  const has = (rel: string, nonEmpty = false) => {
    try {
      const st = fs.statSync(path.join(dataDir, rel))
      if (st.isDirectory()) return !nonEmpty || fs.readdirSync(path.join(dataDir, rel)).length > 0
      return !nonEmpty || st.size > 0
    } catch {
      return false
    }
  }
  if (has(LEDGER_MARKER)) found.push(LEDGER_MARKER)
  if (has('forms', true)) found.push('forms/')
  if (has('backups', true)) found.push('backups/')
  if (has(path.join('logs', 'app.log'), true)) found.push('logs/')
  return found
}

export function writeLedgerMarker(dataDir: string, at: Date): void {
  const file = path.join(dataDir, LEDGER_MARKER)
  if (fs.existsSync(file)) return
  fs.writeFileSync(file, `${JSON.stringify({ ledger: LEDGER_FILE, since: at.toISOString() })}\n`)
}

/**
 * Reads what a start touches: the schema, and the first and last row of every table (the root and
 * the edge pages of each b-tree). Throws SQLite's own error (SQLITE_CORRUPT, SQLITE_NOTADB) on
 * damage there; damage deeper in the file is found by the next backup's integrity_check, and at
 * run time answers LEDGER_DAMAGED.
 */
export function quickCheck(sqlite: Sqlite): void {
  const tables = sqlite
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all() as Array<{ name: string; sql: string }>
  for (const { name: t, sql } of tables) {
    const q = `"${t.replace(/"/g, '""')}"`
    // A WITHOUT ROWID table (the journal's rows, 0013) is one b-tree on its primary key.
    const key = /WITHOUT\s+ROWID\s*$/i.test(sql)
      ? (sqlite.prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk').pluck().all(t) as string[]).map((c) => `"${c}"`)
      : ['rowid']
    sqlite.prepare(`SELECT * FROM ${q} ORDER BY ${key.join(', ')} LIMIT 1`).all()
    sqlite.prepare(`SELECT * FROM ${q} ORDER BY ${key.map((k) => `${k} DESC`).join(', ')} LIMIT 1`).all()
  }
}

/** A file the app writes while it has the ledger open, naming its process. */
export const IN_USE_FILE = 'ledger-in-use.json'

export function markInUse(dataDir: string): void {
  fs.writeFileSync(path.join(dataDir, IN_USE_FILE), `${JSON.stringify({ pid: process.pid })}\n`)
}

/** Called when the app closes the ledger. */
export function releaseInUse(dataDir: string): void {
  try {
    const file = path.join(dataDir, IN_USE_FILE)
    const { pid } = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number }
    if (pid === process.pid) fs.rmSync(file, { force: true })
  } catch {
    // not there, or another process's
  }
}

/** The pid of another live process that has the ledger open, or null. */
export function ledgerInUseBy(dataDir: string): number | null {
  try {
    const { pid } = JSON.parse(fs.readFileSync(path.join(dataDir, IN_USE_FILE), 'utf8')) as { pid: number }
    if (!Number.isInteger(pid) || pid === process.pid) return null
    process.kill(pid, 0)
    return pid
  } catch {
    return null
  }
}
