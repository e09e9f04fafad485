// The ledger's integrity (issue 15): the journal is verified incrementally at every start, in full
// when an administrator asks (and inside every backup, db/backup.ts), and its digest can be
// exported to a file for a USB stick or the head office. The 監査ログ照会 screen reads the status.
//
// A full verification (seconds at 100k entries) runs in a worker thread on its own read-only
// connection (../verifyInWorker.ts), one at a time: on demand, and once in the background after
// each start, when the app has been idle for a moment, because the check at start is incremental
// and cannot see an old row edited behind the app that no later entry touched.
import { embeddedLedger } from '../embedded'
import fs from 'node:fs'
import { currentDigest, formatDigest, groupedHash, hasJournal } from '../../../db/journal'
import type { Sqlite } from '../../../db/open'
import { readCheckpoint, saveCheckpoint, verifyLedger, describeReport, type VerifyReport } from '../../../db/verify'
import type { OpParsed } from '../../../shared/contract'
import { AppError } from '../../../shared/errors'
import type { DigestExport, IntegrityStatus, VerifyRunning } from '../../../shared/integrity'
import { writeAudit } from '../audit'
import type { AppContext } from '../context'
import { msSinceLastOperation, operationsInFlight } from '../inflight'
import { verifyInWorker } from '../verifyInWorker'
import { requireUser, type Caller } from './caller'

/** The check at start: from the last verified entry on. Logged; a failure is kept for the screen. */
export function verifyAtStart(ctx: AppContext): VerifyReport | null {
  const sqlite = ctx.sqlite
  // The PostgreSQL ledger is checked on the server (npm run ledger:verify against it), not per terminal.
  if (!sqlite || !hasJournal(sqlite)) return null
  const report = verifyLedger(sqlite, { mode: 'incremental', now: ctx.clock() })
  saveCheckpoint(sqlite, report)
  if (report.ok) ctx.logger.info({ entries: report.entriesChecked, from: report.fromEntry, ms: report.durationMs, digest: report.digest.count }, 'ledger journal verified')
  else ctx.logger.error({ code: 'LEDGER_TAMPERED', problems: describeReport(report) }, 'ledger journal verification FAILED')
  return report
}

export function integrityStatus(ctx: AppContext): IntegrityStatus {
  const sqlite = embeddedLedger(ctx, '台帳の検証')
  const cp = readCheckpoint(sqlite)
  const digest = currentDigest(sqlite)
  return {
    digest,
    digestText: formatDigest(digest),
    lastCheckedAt: cp?.checkedAt ?? null,
    lastFullCheckedAt: cp?.fullCheckedAt ?? null,
    ok: cp ? cp.ok : null,
    report: cp?.report ?? null,
    running: runningOf(ctx),
  }
}

interface Job extends VerifyRunning {
  sqlite: Sqlite
}
const jobs = new WeakMap<AppContext, Job>()

function runningOf(ctx: AppContext): VerifyRunning | null {
  const j = jobs.get(ctx)
  return j ? { kind: j.kind, startedAt: j.startedAt, checked: j.checked, total: j.total } : null
}

/**
 * The full verification in the worker, one at a time; the result is kept as the checkpoint
 * (saveCheckpoint). null when the ledger was closed or replaced (a restore) while it ran: the
 * report was about a file the app no longer uses.
 */
async function runFull(ctx: AppContext, kind: Job['kind'], anchor: { count: number; hash: string } | null, pauseMs = 0): Promise<VerifyReport | null> {
  const running = jobs.get(ctx)
  if (running)
    throw new AppError(
      'VERIFY_RUNNING',
      `${running.kind === 'background' ? '起動後の自動の全件検証' : '台帳の検証'}を実行中です（仕訳 ${running.checked.toLocaleString('ja-JP')} / ${running.total.toLocaleString('ja-JP')} 件）。終わるまでお待ちください。`,
    )
  const sqlite = embeddedLedger(ctx, '台帳の検証')
  const job: Job = { kind, startedAt: ctx.clock().toISOString(), checked: 0, total: currentDigest(sqlite).count, sqlite }
  jobs.set(ctx, job)
  try {
    const report = await verifyInWorker({ file: sqlite.name, anchor, now: job.startedAt, pauseMs }, (checked, total) => {
      job.checked = checked
      job.total = total
    })
    if (ctx.sqlite !== sqlite || !sqlite.open) return null
    saveCheckpoint(sqlite, report)
    return report
  } finally {
    jobs.delete(ctx)
  }
}

/** Full verification now (the 検証 button), in the worker: the app answers meanwhile. Audited with its outcome. */
export async function verifyIntegrity(ctx: AppContext, input: OpParsed<'integrity.verify'>, caller: Caller): Promise<VerifyReport> {
  const user = requireUser(caller)
  const report = await runFull(ctx, 'demand', input.anchor ?? null)
  if (!report) throw new AppError('VERIFY_RUNNING', '検証の間に台帳が入れ替わりました（復元）。もう一度検証してください。')
  await auditVerification(ctx, report, { staffId: user.staffId, loginId: user.loginId }, 'demand')
  return report
}

async function auditVerification(ctx: AppContext, report: VerifyReport, actor: { staffId: number | null; loginId: string }, trigger: Job['kind']): Promise<void> {
  await writeAudit(ctx.db, {
    at: ctx.clock().toISOString(),
    actorId: actor.staffId,
    actorLoginId: actor.loginId,
    action: 'integrity.verify',
    outcome: 'ok',
    target: `journal:${report.digest.count}`,
    detail: {
      trigger,
      result: report.ok ? 'ok' : 'failed',
      digest: formatDigest(report.digest),
      chainBreak: report.chainBreak && { kind: report.chainBreak.kind, entryId: report.chainBreak.entryId },
      rows: report.rows.length,
      anchor: report.anchor ? { count: report.anchor.count, ok: report.anchor.ok } : undefined,
    },
  })
  if (!report.ok) ctx.logger.error({ code: 'LEDGER_TAMPERED', trigger, problems: describeReport(report) }, 'ledger journal verification FAILED')
}

export interface BackgroundVerifyOptions {
  /** From the start to the first look (default 15 s). */
  delayMs?: number
  /** How long no operation must have run (default 3 s); looked at again after as long. */
  idleMs?: number
  /** The worker's pause after each page of 500 entries (default 20 ms: about half a core). */
  pauseMs?: number
}

/**
 * The full verification once after the start, in the background, when the app is idle: it finds
 * what the incremental check at start cannot (an old row edited behind the app). A failure is kept
 * like a failed start check (integrity.status: the administrators' バックアップ screen and the
 * 監査ログ照会 of supervisors and administrators), logged and audited. Resolves when it is over.
 */
export function startBackgroundVerification(ctx: AppContext, opts: BackgroundVerifyOptions = {}): Promise<VerifyReport | null> {
  const idleMs = opts.idleMs ?? 3_000
  return new Promise((resolve) => {
    const tick = (): void => {
      if (!ctx.sqlite?.open) return resolve(null)
      if (jobs.get(ctx) || operationsInFlight(ctx) > 0 || msSinceLastOperation(ctx) < idleMs) return void setTimeout(tick, idleMs).unref()
      void runFull(ctx, 'background', null, opts.pauseMs ?? 20)
        .then(async (report) => {
          if (report && !report.ok && ctx.sqlite?.open) await auditVerification(ctx, report, { staffId: null, loginId: 'system' }, 'background')
          else if (report) ctx.logger.info({ entries: report.entriesChecked, ms: report.durationMs, digest: report.digest.count }, 'ledger journal verified in full (background)')
          resolve(report)
        })
        .catch((err: unknown) => {
          ctx.logger.error({ code: 'BACKGROUND_VERIFY_FAILED', err }, 'the background verification could not run')
          resolve(null)
        })
    }
    setTimeout(tick, opts.delayMs ?? 15_000).unref()
  })
}

/** The digest as a small text file: the machine-readable line first, then what a person compares. */
export function digestFileText(ctx: AppContext): { text: string; digestText: string } {
  const d = currentDigest(embeddedLedger(ctx, '台帳ダイジェストの保存'))
  const digestText = formatDigest(d)
  const text =
    `${digestText}\r\n` +
    `窓口OTP事務 台帳ダイジェスト\r\n` +
    `仕訳件数: ${d.count}\r\n` +
    `最終仕訳のハッシュ: ${groupedHash(d.hash)}\r\n` +
    `最終仕訳の日時: ${d.at ?? '-'}\r\n` +
    `出力日時: ${ctx.clock().toISOString()}\r\n` +
    `照合: npm run ledger:verify -- --data-dir=<台帳のフォルダー> --anchor=${digestText}\r\n`
  return { text, digestText }
}

export async function exportDigest(ctx: AppContext, _input: OpParsed<'integrity.exportDigest'>, caller: Caller): Promise<DigestExport> {
  const user = requireUser(caller)
  const { text, digestText } = digestFileText(ctx)
  const fileName = `ledger-digest-${digestText.split(':')[2]}.txt`
  let target: string | null = null
  if (ctx.fileDialogs) {
    target = await ctx.fileDialogs.chooseSave({ title: '台帳ダイジェストの保存先', defaultName: fileName, filters: [{ name: 'テキスト', extensions: ['txt'] }] })
    if (!target) return { fileName, digestText, saved: false, cancelled: true, contentBase64: null }
    fs.writeFileSync(target, text, 'utf8')
  }
  await writeAudit(ctx.db, {
    at: ctx.clock().toISOString(),
    actorId: user.staffId,
    actorLoginId: user.loginId,
    action: 'integrity.exportDigest',
    outcome: 'ok',
    target: `journal:${digestText.split(':')[2]}`,
    detail: { digest: digestText, savedBy: target ? 'save dialog' : 'download' },
  })
  return { fileName, digestText, saved: !!target, cancelled: false, contentBase64: target ? null : Buffer.from(text, 'utf8').toString('base64') }
}
