// Restoring a backup as the ledger, in one step, with no other process holding it: the copy is
// verified in full first and written beside the ledger, the ledger it replaces is kept aside, the
// copy is put in place with a rename, and archived PDFs missing from the data folder are copied
// back from the backup folder.
import fs from 'node:fs'
import path from 'node:path'
import { archiveRootsOf, fileStamp, fsyncDir, fsyncFile, kindOf, verifyBackup, type BackupCheck, type BackupRecord } from './backup'
import { copyArchive, recordedPrints } from './formArchive'
import { LEDGER_FILE, ledgerInUseBy } from './ledgerFile'
import { LATEST_SCHEMA_VERSION } from './migrations'
import { openSqlite } from './open'

export interface RestoreResult {
  restored: BackupRecord
  check: BackupCheck
  /** Where the replaced ledger (and its -wal/-shm) now are, or null when there was none. */
  replacedDir: string | null
  /** Archived PDFs copied back from the backup folder into the data folder. */
  formsCopied: number
}

export class RestoreRefused extends Error {}

/**
 * Restores `backupFile` as the ledger of `dataDir` in one step: the copy is verified first (in
 * full), the copy is written beside the ledger under a temporary name and synced (a full disk
 * stops here, nothing replaced), the current ledger files are moved aside into
 * <dataDir>/replaced/<stamp>/, the copy is renamed into place, and archived PDFs missing from the
 * data folder are copied back from the backup folder. No other process may have the ledger open
 * (the app restores from its own screen after closing it: electron/main/services/restore.ts).
 */
export function restoreBackup(opts: {
  dataDir: string
  backupFile: string
  now?: Date
  ignoreFormProblems?: boolean
  /** The full check the caller made of this very file just before (the screen's restore), so it
   * is not read twice. */
  checked?: BackupCheck
}): RestoreResult {
  const at = opts.now ?? new Date()
  const dataDir = path.resolve(opts.dataDir)
  const backupFile = path.resolve(opts.backupFile)
  const pid = ledgerInUseBy(dataDir)
  if (pid) throw new RestoreRefused(`台帳は使用中です（プロセス ${pid}）。アプリを終了してから復元してください。`)
  if (!fs.existsSync(backupFile)) throw new RestoreRefused(`バックアップ ${backupFile} が見つかりません。`)
  const roots = archiveRootsOf(backupFile, dataDir)
  const check = opts.checked ?? verifyBackup(backupFile, roots, at)
  if (check.integrity !== 'ok') throw new RestoreRefused(`バックアップ ${backupFile} は破損しています（${check.integrity}）。別のバックアップを指定してください。`)
  if (check.schemaVersion === null || check.schemaVersion < 1 || check.schemaVersion > LATEST_SCHEMA_VERSION)
    throw new RestoreRefused(`バックアップ ${backupFile} の版（${check.schemaVersion}）はこのアプリでは使えません。`)
  const formProblems = check.prints.missing.length + check.prints.mismatched.length
  if (formProblems && !opts.ignoreFormProblems)
    throw new RestoreRefused(
      `バックアップが記録している帳票PDFのうち${formProblems}件が見つからないか内容が異なります（${[...check.prints.missing, ...check.prints.mismatched].slice(0, 3).join('、')}…）。` +
        '帳票のコピーがあるバックアップフォルダーから復元するか、承知のうえで --ignore-missing-forms を付けてください。',
    )

  const live = path.join(dataDir, LEDGER_FILE)
  // The copy is written in full first: a disk that fills up fails here, with the ledger untouched.
  const tmp = `${live}.restoring`
  try {
    fs.copyFileSync(backupFile, tmp)
    fsyncFile(tmp)
  } catch (err) {
    fs.rmSync(tmp, { force: true })
    throw err
  }
  let replacedDir: string | null = null
  const present = ['', '-wal', '-shm', '-journal'].filter((s) => fs.existsSync(live + s))
  const moved: string[] = []
  try {
    if (present.length) {
      replacedDir = path.join(dataDir, 'replaced', fileStamp(at))
      fs.mkdirSync(replacedDir, { recursive: true })
      for (const s of present) {
        fs.renameSync(live + s, path.join(replacedDir, LEDGER_FILE + s))
        moved.push(s)
      }
    }
    fs.renameSync(tmp, live)
    fsyncDir(dataDir)
  } catch (err) {
    // A rename refused (a file held open elsewhere on Windows): what was moved goes back.
    for (const s of moved) fs.renameSync(path.join(replacedDir!, LEDGER_FILE + s), live + s)
    fs.rmSync(tmp, { force: true })
    throw err
  }

  let formsCopied = 0
  const db = openSqlite(live, { readonly: true })
  const prints = recordedPrints(db)
  db.close()
  for (const root of roots) if (path.resolve(root) !== dataDir) formsCopied += copyArchive(prints, root, dataDir).copied
  const restored: BackupRecord = {
    file: backupFile,
    name: path.basename(backupFile),
    kind: kindOf(path.basename(backupFile)),
    createdAt: at.toISOString(),
    sizeBytes: fs.statSync(backupFile).size,
    check,
  }
  return { restored, check, replacedDir, formsCopied }
}
