// Backups while the app runs: one a day by itself, and one whenever an administrator starts it on
// the backup screen (with progress). Each is verified in full as it is written (db/backup.ts) and
// audited; automatic ones beyond the configured number are removed. The disk is watched too: an
// administrator is warned while there is still room, not when a reception fails.
// Restoring one is services/restore.ts (the screen) and npm run restore (the command line).
import { embeddedLedger } from '../embedded'
import fs from 'node:fs'
import path from 'node:path'
import { AppError } from '../../../shared/errors'
import type { BackupJob, BackupOverview, BackupSummary } from '../../../shared/types'
import { backupDirOf, backupKeepOf, listBackups, pruneAutoBackups, writeBackup, type BackupRecord } from '../../../db/backup'
import { LEDGER_FILE } from '../../../db/ledgerFile'
import { writeAudit } from '../audit'
import type { AppContext } from '../context'
import { storageFailureCode } from '../failures'
import { requireUser, type Caller } from './caller'

/** One automatic backup a day. */
export const AUTO_BACKUP_EVERY_MS = 24 * 60 * 60 * 1000
/** Below this much free space (or three times the ledger, if more) the administrator is warned. */
export const DISK_LOW_BYTES = 1024 * 1024 * 1024

interface BackupState {
  job: BackupJob | null
  lastLowWarning: number
}
const states = new WeakMap<AppContext, BackupState>()
const stateOf = (ctx: AppContext): BackupState => {
  let s = states.get(ctx)
  if (!s) states.set(ctx, (s = { job: null, lastLowWarning: 0 }))
  return s
}

export const dirsOf = (ctx: AppContext) => [backupDirOf(ctx.dataDir), path.join(ctx.dataDir, 'backups')]

export function summary(b: BackupRecord): BackupSummary {
  const c = b.check
  return {
    name: b.name,
    kind: b.kind,
    createdAt: b.createdAt,
    sizeBytes: b.sizeBytes,
    check: c && {
      ok: c.ok,
      integrity: c.integrity.slice(0, 200),
      printsRecorded: c.prints.recorded,
      printsOk: c.prints.ok,
      printsMissing: c.prints.missing.length,
      printsAltered: c.prints.mismatched.length,
      journalOk: c.journal ? c.journal.ok : null,
      checkedAt: c.checkedAt,
    },
  }
}

export function diskStatus(ctx: AppContext): BackupOverview['disk'] {
  try {
    const st = fs.statfsSync(ctx.dataDir)
    const free = st.bavail * st.bsize
    let ledger = 0
    try {
      ledger = fs.statSync(path.join(ctx.dataDir, LEDGER_FILE)).size
    } catch {
      // not there: nothing to compare with
    }
    return { freeBytes: free, totalBytes: st.blocks * st.bsize, low: free < Math.max(DISK_LOW_BYTES, 3 * ledger) }
  } catch {
    return null
  }
}

export function backupOverview(ctx: AppContext): BackupOverview {
  return {
    folder: backupDirOf(ctx.dataDir),
    keep: backupKeepOf(),
    backups: listBackups(dirsOf(ctx)).map(summary),
    job: stateOf(ctx).job,
    disk: diskStatus(ctx),
    replacedFolder: path.join(ctx.dataDir, 'replaced'),
  }
}

/** Writes one backup; never throws (the job says how it went). */
export async function runBackup(ctx: AppContext, kind: 'auto' | 'manual', by: { staffId: number; loginId: string } | null): Promise<BackupJob> {
  const state = stateOf(ctx)
  const job: BackupJob = { state: 'running', kind, startedAt: ctx.clock().toISOString(), progress: 0, result: null, error: null }
  state.job = job
  const audit = async (outcome: 'ok' | 'failed', detail: Record<string, unknown>) => {
    try {
      await writeAudit(ctx.db, { at: ctx.clock().toISOString(), actorId: by?.staffId ?? null, actorLoginId: by?.loginId ?? 'system', action: 'backups.create', outcome, detail })
    } catch (err) {
      ctx.logger.error({ code: 'AUDIT_WRITE_FAILED', err }, 'could not audit a backup')
    }
  }
  try {
    const dir = backupDirOf(ctx.dataDir)
    // Copying is most of the time; the full check after it is the rest.
    const record = await writeBackup(embeddedLedger(ctx, 'バックアップ'), { dir, kind, dataDir: ctx.dataDir, now: ctx.clock(), onProgress: (f) => (job.progress = 0.9 * f) })
    job.result = summary(record)
    job.progress = 1
    if (record.check?.ok) job.state = 'done'
    else {
      job.state = 'failed'
      job.error =
        record.check?.integrity !== 'ok'
          ? '台帳の破損が見つかりました。このバックアップは復元に使えません。作業を止めてシステム管理者に連絡してください。'
          : `バックアップは作成しましたが、帳票PDFのうち${(job.result.check?.printsMissing ?? 0) + (job.result.check?.printsAltered ?? 0)}件が見つからないか内容が異なります。`
    }
    ctx.logger[record.check?.ok ? 'info' : 'error'](
      { code: record.check?.ok ? 'BACKUP_WRITTEN' : 'BACKUP_CHECK_FAILED', kind, file: record.file, integrity: record.check?.integrity },
      'backup written',
    )
    await audit(record.check?.ok ? 'ok' : 'failed', { kind, name: record.name, integrity: record.check?.integrity.slice(0, 200), prints: record.check?.prints.recorded })
    if (kind === 'auto') {
      const removed = pruneAutoBackups(dir, backupKeepOf())
      if (removed.length) ctx.logger.info({ code: 'BACKUPS_PRUNED', removed: removed.map((f) => path.basename(f)) }, 'old automatic backups removed')
    }
  } catch (err) {
    const code = storageFailureCode(err) ?? 'BACKUP_FAILED'
    job.state = 'failed'
    job.error = new AppError(code === 'DISK_FULL' ? 'DISK_FULL' : 'BACKUP_FAILED').message
    try {
      ctx.logger.error({ code, kind, err }, 'backup failed')
    } catch {
      // the log may share the full disk
    }
    await audit('failed', { kind, reason: code })
  }
  return job
}

/** Whether a backup is being written now (a restore waits for it). */
export function backupRunning(ctx: AppContext): boolean {
  return stateOf(ctx).job?.state === 'running'
}

export function startBackup(ctx: AppContext, _input: unknown, caller: Caller): BackupJob {
  const user = requireUser(caller)
  if (stateOf(ctx).job?.state === 'running') throw new AppError('BACKUP_RUNNING')
  void runBackup(ctx, 'manual', user)
  return stateOf(ctx).job!
}

/** Whether an automatic backup is due: none yet, or the newest is a day old. */
export function autoBackupDue(ctx: AppContext): boolean {
  const last = listBackups([backupDirOf(ctx.dataDir)]).find((b) => b.kind === 'auto' && b.check?.ok)
  return !last || ctx.clock().getTime() - Date.parse(last.createdAt) >= AUTO_BACKUP_EVERY_MS
}

/** One look: warn in the log when the disk runs low (once an hour), and back up when due. */
export async function backupTick(ctx: AppContext): Promise<void> {
  if (!ctx.sqlite?.open) return
  const state = stateOf(ctx)
  const disk = diskStatus(ctx)
  const now = ctx.clock().getTime()
  if (disk?.low && now - state.lastLowWarning > 60 * 60 * 1000) {
    state.lastLowWarning = now
    ctx.logger.warn({ code: 'DISK_LOW', freeBytes: disk.freeBytes }, 'free disk space is low')
  }
  if (state.job?.state !== 'running' && autoBackupDue(ctx)) await runBackup(ctx, 'auto', null)
}

/**
 * Starts the daily backup: a first look shortly after start, then every hour. The timers never
 * keep the process alive, and stop once the ledger is closed. Returns a function that stops them.
 */
export function startBackupSchedule(ctx: AppContext, opts: { firstAfterMs?: number; everyMs?: number } = {}): () => void {
  let interval: NodeJS.Timeout | undefined
  const tick = () => {
    if (!ctx.sqlite?.open) return stop()
    void backupTick(ctx).catch((err: unknown) => ctx.logger.error({ code: 'BACKUP_FAILED', err }, 'backup schedule failed'))
  }
  const first = setTimeout(() => {
    tick()
    interval = setInterval(tick, opts.everyMs ?? 60 * 60 * 1000)
    interval.unref()
  }, opts.firstAfterMs ?? 60 * 1000)
  first.unref()
  function stop(): void {
    clearTimeout(first)
    if (interval) clearInterval(interval)
  }
  return stop
}
