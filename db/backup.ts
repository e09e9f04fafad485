// Backups of a ledger (restoring one is db/restore.ts). A backup is a consistent copy made while
// the app runs (SQLite's online backup API, in steps so a progress bar can follow it), switched to a
// rollback journal so it is one self-contained file, and verified: integrity_check in full, its
// schema version, every archived PDF it records against the SHA-256 in it, and its journal in full
// (db/verify.ts: a copy of a ledger rewritten behind the app says so). The result of the
// check is kept beside the copy (<file>.check.json), so listing backups costs no re-check.
import fs from 'node:fs'
import path from 'node:path'
import { LATEST_SCHEMA_VERSION } from './migrations'
import { checkArchive, copyArchive, recordedPrints, type ArchiveEntry } from './formArchive'
import { openSqlite, type Sqlite } from './open'
import { formatDigest, hasJournal } from './journal'
import { describeReport, verifyLedger } from './verify'

export type BackupKind = 'auto' | 'manual' | 'migration'

export interface BackupCheck {
  /** 'ok', or what integrity_check (or opening the file) reported first. */
  integrity: string
  schemaVersion: number | null
  prints: { recorded: number; ok: number; missing: string[]; mismatched: string[] }
  /** The journal verified in full in the copy (db/verify.ts); null for a ledger older than 0013. */
  journal?: { ok: boolean; digest: string; entries: number; problems: string[] } | null
  ok: boolean
  checkedAt: string
}

export interface BackupRecord {
  file: string
  name: string
  kind: BackupKind
  createdAt: string
  sizeBytes: number
  /** null: never verified (a pre-migration copy written by an older version of the app). */
  check: BackupCheck | null
  /** For a backup outside the data folder: PDFs copied beside it, and what the data folder lacks. */
  archive?: { copied: number; missing: string[]; mismatched: string[] }
}

/** Where backups go: OTP_BACKUP_DIR (a second disk, a share mounted by the branch), else the data folder's backups/. */
export function backupDirOf(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.OTP_BACKUP_DIR ? path.resolve(env.OTP_BACKUP_DIR) : path.join(dataDir, 'backups')
}

/** How many automatic backups are kept (OTP_BACKUP_KEEP, 1..366, default 14). Manual and
 * pre-migration copies are never removed automatically. */
export function backupKeepOf(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.OTP_BACKUP_KEEP)
  return Number.isInteger(n) && n >= 1 && n <= 366 ? n : 14
}

const checkFile = (file: string) => `${file}.check.json`

/** Stamp for file names: 20261121T201503123Z (to the millisecond). */
export function fileStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '')
}

export function kindOf(name: string): BackupKind {
  if (name.startsWith('ledger-auto-')) return 'auto'
  if (/^ledger-v\d+-/.test(name)) return 'migration'
  return 'manual'
}

export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return // NTFS journals the rename itself; a folder cannot be opened
  const fd = fs.openSync(dir, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Checks a backup file in full. The archived PDFs it records are looked up under each of
 * `archiveRoots` in turn (the backup folder's own copy of forms/, then the data folder).
 */
export function verifyBackup(file: string, archiveRoots: readonly string[], now = new Date()): BackupCheck {
  let integrity = 'ok'
  let schemaVersion: number | null = null
  let prints: ArchiveEntry[] = []
  let journal: BackupCheck['journal'] = null
  let db: Sqlite | null = null
  try {
    db = openSqlite(file, { readonly: true })
    const rows = db.pragma('integrity_check(20)') as Array<{ integrity_check: string }>
    integrity = rows.map((r) => r.integrity_check).join('; ')
    schemaVersion = db.pragma('user_version', { simple: true }) as number
    // A copy taken before migration 0004 has no printed_forms table yet: nothing to check there.
    const hasPrints = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'printed_forms'").get()
    if (integrity === 'ok' && hasPrints) prints = recordedPrints(db)
    if (integrity === 'ok' && hasJournal(db)) {
      const r = verifyLedger(db, { mode: 'full', now })
      journal = { ok: r.ok, digest: formatDigest(r.digest), entries: r.digest.count, problems: r.ok ? [] : describeReport(r).slice(1) }
    }
  } catch (err) {
    integrity = `unreadable: ${(err as { code?: string }).code ?? (err as Error).message}`
  } finally {
    db?.close()
  }
  const missingEverywhere: string[] = []
  const mismatched: string[] = []
  let ok = 0
  for (const e of prints) {
    let found: 'ok' | 'mismatch' | 'missing' = 'missing'
    for (const root of archiveRoots) {
      const c = checkArchive([e], root)
      if (c.ok) {
        found = 'ok'
        break
      }
      if (c.mismatched.length) found = 'mismatch'
    }
    if (found === 'ok') ok++
    else if (found === 'mismatch') mismatched.push(e.filePath)
    else missingEverywhere.push(e.filePath)
  }
  const versionOk = schemaVersion !== null && schemaVersion >= 1 && schemaVersion <= LATEST_SCHEMA_VERSION
  return {
    integrity,
    schemaVersion,
    prints: { recorded: prints.length, ok, missing: missingEverywhere, mismatched },
    journal,
    ok: integrity === 'ok' && versionOk && missingEverywhere.length === 0 && mismatched.length === 0 && (journal?.ok ?? true),
    checkedAt: now.toISOString(),
  }
}

/** The roots where a backup's PDFs are looked for: beside the backup, then the data folder. */
export function archiveRootsOf(backupFile: string, dataDir: string): string[] {
  const beside = path.dirname(backupFile)
  return path.resolve(beside) === path.resolve(dataDir, 'backups') ? [dataDir] : [beside, dataDir]
}

export interface WriteBackupOptions {
  dir: string
  kind: Exclude<BackupKind, 'migration'>
  dataDir: string
  now?: Date
  /** 0..1 while pages are copied. */
  onProgress?: (fraction: number) => void
  /** Pages copied per step (the event loop runs between steps). */
  pagesPerStep?: number
}

/**
 * Writes a verified backup of the open ledger `src` into `opts.dir`. The copy is written under a
 * temporary name and renamed only when complete; a failure (a full disk) leaves nothing behind.
 * When the folder is not the data folder's own backups/, the archived PDFs are copied there too
 * (into <dir>/forms/, only the new ones), so the backup folder alone can restore everything.
 */
export async function writeBackup(src: Sqlite, opts: WriteBackupOptions): Promise<BackupRecord> {
  const at = opts.now ?? new Date()
  fs.mkdirSync(opts.dir, { recursive: true })
  let name = `ledger-${opts.kind}-${fileStamp(at)}.sqlite`
  for (let n = 2; fs.existsSync(path.join(opts.dir, name)); n++) name = `ledger-${opts.kind}-${fileStamp(at)}-${n}.sqlite`
  const file = path.join(opts.dir, name)
  const tmp = `${file}.partial`
  try {
    await src.backup(tmp, {
      progress: ({ totalPages, remainingPages }) => {
        opts.onProgress?.(totalPages ? (totalPages - remainingPages) / totalPages : 1)
        return opts.pagesPerStep ?? 256
      },
    })
    // One self-contained file: no -wal or -shm beside a backup.
    const copy = openSqlite(tmp)
    copy.pragma('journal_mode = DELETE')
    copy.close()
    fsyncFile(tmp)
    fs.renameSync(tmp, file)
    fsyncDir(opts.dir)
  } catch (err) {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) fs.rmSync(f, { force: true })
    throw err
  }
  const roots = archiveRootsOf(file, opts.dataDir)
  let archive: BackupRecord['archive']
  if (roots[0] !== opts.dataDir) {
    let prints: ArchiveEntry[] = []
    try {
      const copy = openSqlite(file, { readonly: true })
      prints = recordedPrints(copy)
      copy.close()
    } catch {
      // a damaged copy: verifyBackup below says so
    }
    const r = copyArchive(prints, opts.dataDir, roots[0]!)
    archive = { copied: r.copied, missing: r.missing, mismatched: r.mismatched }
  }
  const check = verifyBackup(file, roots, new Date())
  fs.writeFileSync(checkFile(file), `${JSON.stringify(check)}\n`)
  return { file, name, kind: opts.kind, createdAt: at.toISOString(), sizeBytes: fs.statSync(file).size, check, archive }
}

/** Verifies a backup written elsewhere (the copy before a migration) and keeps its check beside it. */
export function checkAndRecord(file: string, dataDir: string): BackupCheck {
  const check = verifyBackup(file, archiveRootsOf(file, dataDir))
  fs.writeFileSync(checkFile(file), `${JSON.stringify(check)}\n`)
  return check
}

/** The backups in `dirs`, newest first, each with its recorded check (if any). */
export function listBackups(dirs: readonly string[]): BackupRecord[] {
  const out: BackupRecord[] = []
  for (const dir of new Set(dirs.map((d) => path.resolve(d)))) {
    let names: string[]
    try {
      names = fs.readdirSync(dir)
    } catch {
      continue
    }
    for (const name of names) {
      if (!/^ledger-.+\.sqlite$/.test(name)) continue
      const file = path.join(dir, name)
      let check: BackupCheck | null = null
      try {
        check = JSON.parse(fs.readFileSync(checkFile(file), 'utf8')) as BackupCheck
      } catch {
        check = null
      }
      const st = fs.statSync(file)
      const stamp = /-(\d{8}T\d{9}Z)/.exec(name)?.[1]
      const createdAt = stamp
        ? `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}.${stamp.slice(15, 18)}Z`
        : st.mtime.toISOString()
      out.push({ file, name, kind: kindOf(name), createdAt, sizeBytes: st.size, check })
    }
  }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
}

/** The newest backup whose check passed, or null. */
export function latestGoodBackup(dirs: readonly string[]): BackupRecord | null {
  return listBackups(dirs).find((b) => b.check?.ok) ?? null
}

/** Removes the oldest automatic backups beyond `keep`. Returns the files removed. */
export function pruneAutoBackups(dir: string, keep: number): string[] {
  const autos = listBackups([dir]).filter((b) => b.kind === 'auto')
  const gone = autos.slice(keep)
  for (const b of gone) {
    fs.rmSync(b.file, { force: true })
    fs.rmSync(checkFile(b.file), { force: true })
  }
  return gone.map((b) => b.file)
}
