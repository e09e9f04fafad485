// 復元: a backup put back as the ledger in one step, while the app runs. The administrator picks a
// backup from the バックアップ screen's list (by its file name, never a path) and types their own
// password again: a step-up authentication like 役席認証, counted toward the lockout and audited,
// so a terminal left logged in cannot be used to roll the ledger back, and the record says who did
// it. Then, with nothing else in flight: the backup is verified in full (a failure changes
// nothing), every session ends, the ledger is closed, db/restore.ts writes the copy beside it,
// keeps the replaced ledger in <data folder>/replaced/<stamp>/ and renames the copy into place,
// and the restored ledger is opened, migrated and swapped into the context every transport
// shares (the Electron main process and the browser-preview bridge alike). The restore is written
// to the audit trail of both ledgers and to the log.
//
// The same steps serve the start-up dialog of an installed app (restoreLatestAtStart: the latest
// verified backup when the ledger is missing or damaged) and `npm run restore`.
import { embeddedLedger } from '../embedded'
import fs from 'node:fs'
import path from 'node:path'
import type { Logger } from 'pino'
import { archiveRootsOf, backupDirOf, latestGoodBackup, listBackups, verifyBackup, type BackupCheck, type BackupRecord } from '../../../db/backup'
import { LEDGER_FILE } from '../../../db/ledgerFile'
import { LATEST_SCHEMA_VERSION } from '../../../db/migrations'
import { openSqlite, type Sqlite } from '../../../db/open'
import { openedSqliteLedger } from '../../../db/ledger'
import { restoreBackup, RestoreRefused, type RestoreResult } from '../../../db/restore'
import type { OpParsed } from '../../../shared/contract'
import { AppError } from '../../../shared/errors'
import type { BackupRestored } from '../../../shared/types'
import { writeAudit } from '../audit'
import type { AppContext, Clock } from '../context'
import { storageFailureCode } from '../failures'
import { operationsInFlight } from '../inflight'
import { forgetDryRuns, importRunning } from '../importing/jobs'
import { openLedgerFile, type RecoveryMeans } from '../ledger'
import { verifyStaffCredentials } from './auth'
import { backupRunning, dirsOf } from './backups'
import { audited, requireUser, type Caller } from './caller'

export interface RestoreActor {
  staffId: number | null
  loginId: string
}

/**
 * Restores `backupFile` as the ledger of `dataDir` (no other process may hold it), opens and
 * migrates the restored ledger, and writes the restore into its audit trail and the log. Returns
 * the open ledger. Throws RestoreRefused (nothing changed) or the failure of a step.
 */
export async function restoreAndOpen(opts: {
  dataDir: string
  backupFile: string
  actor: RestoreActor
  action: string
  clock: Clock
  logger: Logger
  means?: RecoveryMeans
  checked?: BackupCheck
  ignoreFormProblems?: boolean
}): Promise<{ result: RestoreResult; sqlite: Sqlite }> {
  const result = restoreBackup({
    dataDir: opts.dataDir,
    backupFile: opts.backupFile,
    now: opts.clock(),
    checked: opts.checked,
    ignoreFormProblems: opts.ignoreFormProblems,
  })
  let sqlite: Sqlite
  try {
    sqlite = openLedgerFile(opts.dataDir, { clock: opts.clock, logger: opts.logger, means: opts.means })
  } catch (err) {
    // The copy was verified but cannot be opened here (a migration failed): what was there goes back.
    try {
      putBack(opts.dataDir, result.replacedDir)
    } catch (e) {
      opts.logger.error({ code: 'RESTORE_PUT_BACK_FAILED', replacedDir: result.replacedDir, err: e }, 'the replaced ledger could not be put back')
    }
    throw err
  }
  const detail = { from: result.restored.name, backupFolder: path.dirname(result.restored.file), replacedDir: result.replacedDir, formsCopied: result.formsCopied }
  try {
    await writeAudit(openedSqliteLedger(sqlite).db, { at: opts.clock().toISOString(), actorId: opts.actor.staffId, actorLoginId: opts.actor.loginId, action: opts.action, outcome: 'ok', detail })
  } catch (err) {
    opts.logger.error({ code: storageFailureCode(err) ?? 'AUDIT_WRITE_FAILED', err }, 'could not audit the restore in the restored ledger')
  }
  opts.logger.info({ code: 'LEDGER_RESTORED', by: opts.actor.loginId, ...detail }, 'ledger restored from a backup')
  return { result, sqlite }
}

/** Puts the ledger a restore moved aside back in place (the restored copy goes). */
function putBack(dataDir: string, replacedDir: string | null): void {
  const live = path.join(dataDir, LEDGER_FILE)
  for (const s of ['', '-wal', '-shm', '-journal']) fs.rmSync(live + s, { force: true })
  if (!replacedDir) return
  for (const f of fs.readdirSync(replacedDir)) fs.renameSync(path.join(replacedDir, f), path.join(dataDir, f))
  fs.rmdirSync(replacedDir)
}

/** What the check of a backup found, for the administrator. */
function unusable(name: string, check: BackupCheck): AppError {
  let why: string
  if (check.integrity !== 'ok') why = `台帳のコピーが破損しています（${check.integrity.slice(0, 80)}）`
  else if (check.schemaVersion === null || check.schemaVersion < 1 || check.schemaVersion > LATEST_SCHEMA_VERSION)
    why = `このアプリでは使えない版です（${check.schemaVersion}）`
  else why = `記録している帳票PDFのうち${check.prints.missing.length + check.prints.mismatched.length}件が見つからないか内容が異なります`
  return new AppError('BACKUP_UNUSABLE', `バックアップ「${name}」は検証に合格しませんでした: ${why}。台帳は変更していません。別のバックアップを選んでください。`)
}

/** The kind the backup's ledger was created as (demo or production), or null if it cannot be read. */
function kindOfBackup(file: string): string | null {
  try {
    const db = openSqlite(file, { readonly: true })
    try {
      return (db.prepare("SELECT value FROM settings WHERE key = 'ledger_kind'").pluck().get() as string | undefined) ?? null
    } finally {
      db.close()
    }
  } catch {
    return null
  }
}

const restoring = new WeakSet<AppContext>()

export async function restoreFromScreen(ctx: AppContext, input: OpParsed<'backups.restore'>, caller: Caller): Promise<BackupRestored> {
  const user = requireUser(caller)
  const record = listBackups(dirsOf(ctx)).find((b) => b.name === input.name)
  if (!record) throw new AppError('BACKUP_NOT_FOUND')
  // One restore at a time (a second click while the password is checked is refused).
  if (restoring.has(ctx)) throw new AppError('RESTORE_BUSY')
  restoring.add(ctx)
  try {
    return await restoreChecked(ctx, record, input.password, { staffId: user.staffId, loginId: user.loginId })
  } finally {
    restoring.delete(ctx)
  }
}

async function restoreChecked(ctx: AppContext, record: BackupRecord, password: string, actor: RestoreActor): Promise<BackupRestored> {
  // The administrator's own password again. After this nothing awaits: no other operation can
  // start until the restore has finished.
  try {
    await verifyStaffCredentials(ctx, { loginId: actor.loginId, password }, 'backups.restore.confirm', { backup: record.name })
  } catch (err) {
    if (err instanceof AppError && err.code === 'LOGIN_FAILED')
      throw audited(new AppError('LOGIN_FAILED', 'パスワードが違います。台帳は変更していません。', { password: 'ログイン中の管理者のパスワードを入力してください' }))
    throw err
  }
  // This operation is the one in flight; a backup or an import running on the ledger, or another
  // operation awaiting something, would go on writing into a ledger that is gone.
  if (backupRunning(ctx) || importRunning(ctx) || operationsInFlight(ctx) > 1) throw new AppError('RESTORE_BUSY')

  const clock = ctx.clock
  const check = verifyBackup(record.file, archiveRootsOf(record.file, ctx.dataDir), clock())
  if (!check.ok) {
    ctx.logger.warn({ code: 'RESTORE_BACKUP_UNUSABLE', backup: record.file, integrity: check.integrity, prints: check.prints }, 'restore refused: the backup failed its check')
    throw unusable(record.name, check)
  }
  const kind = kindOfBackup(record.file)
  if (kind !== (ctx.demo ? 'demo' : 'production'))
    throw new AppError(
      'BACKUP_UNUSABLE',
      `バックアップ「${record.name}」は${kind === 'demo' ? 'デモ用の' : kind === 'production' ? '本番用の' : '種類の分からない'}台帳のものなので、この台帳には復元できません。台帳は変更していません。`,
    )

  // In the ledger about to be replaced: who replaced it and with what (it is kept aside with this row).
  try {
    await writeAudit(ctx.db, { at: clock().toISOString(), actorId: actor.staffId, actorLoginId: actor.loginId, action: 'backups.restore', outcome: 'ok', detail: { replacedBy: record.name } })
  } catch (err) {
    ctx.logger.error({ code: storageFailureCode(err) ?? 'AUDIT_WRITE_FAILED', err }, 'could not audit the restore in the replaced ledger')
  }
  const sessionsEnded = ctx.sessions.clear()
  const current = embeddedLedger(ctx, 'バックアップからの復元')
  current.pragma('wal_checkpoint(TRUNCATE)')
  current.close()

  let opened: { result: RestoreResult; sqlite: Sqlite }
  try {
    opened = await restoreAndOpen({ dataDir: ctx.dataDir, backupFile: record.file, actor, action: 'backups.restore', clock, logger: ctx.logger, means: 'app', checked: check })
  } catch (err) {
    ctx.logger.error({ code: storageFailureCode(err) ?? 'RESTORE_FAILED', backup: record.file, err }, 'restore failed: reopening the ledger it was to replace')
    reopenAfterFailure(ctx, err)
    if (err instanceof RestoreRefused) throw new AppError('RESTORE_FAILED', `${err.message} 台帳は元のまま使えます。もう一度ログインしてください。`)
    throw new AppError(storageFailureCode(err) === 'DISK_FULL' ? 'DISK_FULL' : 'RESTORE_FAILED')
  }
  ctx.sqlite = opened.sqlite
  ctx.ledger = openedSqliteLedger(opened.sqlite)
  ctx.db = ctx.ledger.db
  forgetDryRuns(ctx)
  return {
    name: record.name,
    createdAt: record.createdAt,
    replacedDir: opened.result.replacedDir,
    formsCopied: opened.result.formsCopied,
    sessionsEnded,
  }
}

/** After a failed restore (the replaced ledger is back in place): open it again. */
function reopenAfterFailure(ctx: AppContext, cause: unknown): void {
  try {
    const sqlite = openLedgerFile(ctx.dataDir, { clock: ctx.clock, logger: ctx.logger, means: 'app' })
    ctx.sqlite = sqlite
    ctx.ledger = openedSqliteLedger(sqlite)
    ctx.db = ctx.ledger.db
  } catch (err) {
    // Both failed: the app must be started again (the start-up checks say what is wrong).
    ctx.logger.error({ code: 'RESTORE_REOPEN_FAILED', err, cause }, 'the ledger could not be reopened after a failed restore')
  }
}

/**
 * The start-up dialog of an installed app, offered only when the ledger is missing or damaged:
 * restores the newest verified backup (verified again in full), keeping what was there aside,
 * and records it as done at the machine by the operating-system user. The app then opens the
 * restored ledger as usual, and everyone logs in with the accounts it holds.
 */
export async function restoreLatestAtStart(dataDir: string, opts: { osUser: string; clock?: Clock; logger: Logger }): Promise<RestoreResult> {
  const latest = latestGoodBackup([backupDirOf(dataDir), path.join(dataDir, 'backups')])
  if (!latest) throw new AppError('BACKUP_NOT_FOUND', `検証済みのバックアップが見つかりません（${backupDirOf(dataDir)}）。システム管理者に連絡してください。`)
  const { result, sqlite } = await restoreAndOpen({
    dataDir,
    backupFile: latest.file,
    actor: { staffId: null, loginId: `machine:${opts.osUser}` },
    action: 'ledger.restore',
    clock: opts.clock ?? (() => new Date()),
    logger: opts.logger,
    means: 'app',
  })
  sqlite.close()
  return result
}
