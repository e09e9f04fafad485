// The archive of printed PDFs beside the ledger: every row of printed_forms names a file under the
// data folder and its SHA-256. Checking the archive against the ledger, and copying it with a
// backup, live here so the backup script and the tests use the same code.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Sqlite } from './open'

export interface ArchiveEntry {
  id: number
  filePath: string
  sha256: string
}

export interface ArchiveCheck {
  /** Recorded files present with the recorded hash. */
  ok: number
  /** Recorded but not on disk. */
  missing: string[]
  /** On disk, but the bytes are not the ones recorded. */
  mismatched: string[]
}

/** Where a recorded print is under `root`. The ledger stores the path with '/' (prints recorded
 * on Windows before that rule may have '\\'), so a backup read on another system finds it too. */
export function archivedFile(root: string, filePath: string): string {
  return path.join(root, ...filePath.split(/[\\/]/))
}

const sha256Of = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex')

/** The prints recorded in a ledger (or in a backup of one). */
export function recordedPrints(sqlite: Sqlite): ArchiveEntry[] {
  return sqlite.prepare('SELECT id, file_path AS filePath, sha256 FROM printed_forms ORDER BY id').all() as ArchiveEntry[]
}

/** Whether every recorded print is under `root` with the recorded hash. */
export function checkArchive(entries: readonly ArchiveEntry[], root: string): ArchiveCheck {
  const out: ArchiveCheck = { ok: 0, missing: [], mismatched: [] }
  for (const e of entries) {
    const file = archivedFile(root, e.filePath)
    if (!fs.existsSync(file)) out.missing.push(e.filePath)
    else if (sha256Of(file) !== e.sha256) out.mismatched.push(e.filePath)
    else out.ok++
  }
  return out
}

/**
 * Copies the recorded prints from the data folder to `outRoot` (same relative paths), skipping
 * files already there with the right hash, so repeated backups to the same folder only add the
 * new prints. A file is written to a temporary name and renamed, and its hash checked after the
 * copy. Returns how many were copied and the check of the source.
 */
export function copyArchive(entries: readonly ArchiveEntry[], dataDir: string, outRoot: string): ArchiveCheck & { copied: number } {
  const source = checkArchive(entries, dataDir)
  const bad = new Set([...source.missing, ...source.mismatched])
  let copied = 0
  for (const e of entries) {
    if (bad.has(e.filePath)) continue
    const dest = archivedFile(outRoot, e.filePath)
    if (fs.existsSync(dest) && sha256Of(dest) === e.sha256) continue
    fs.mkdirSync(path.dirname(dest), { recursive: true })
    const tmp = `${dest}.${process.pid}.tmp`
    fs.copyFileSync(archivedFile(dataDir, e.filePath), tmp)
    if (sha256Of(tmp) !== e.sha256) {
      fs.rmSync(tmp, { force: true })
      source.mismatched.push(e.filePath)
      continue
    }
    fs.renameSync(tmp, dest)
    copied++
  }
  return { ...source, copied }
}
