// The ledger's integrity (issue 15): the journal is verified incrementally at every start, in full
// when an administrator asks (and inside every backup, db/backup.ts), and its digest can be
// exported to a file for a USB stick or the head office. The 監査ログ照会 screen reads the status.
import fs from 'node:fs'
import { currentDigest, formatDigest, groupedHash, hasJournal } from '../../../db/journal'
import { readCheckpoint, saveCheckpoint, verifyLedger, describeReport, type VerifyReport } from '../../../db/verify'
import type { OpParsed } from '../../../shared/contract'
import type { DigestExport, IntegrityStatus } from '../../../shared/integrity'
import { writeAudit } from '../audit'
import type { AppContext } from '../context'
import { requireUser, type Caller } from './caller'

/** The check at start: from the last verified entry on. Logged; a failure is kept for the screen. */
export function verifyAtStart(ctx: AppContext): VerifyReport | null {
  if (!hasJournal(ctx.sqlite)) return null
  const report = verifyLedger(ctx.sqlite, { mode: 'incremental', now: ctx.clock() })
  saveCheckpoint(ctx.sqlite, report)
  if (report.ok) ctx.logger.info({ entries: report.entriesChecked, from: report.fromEntry, ms: report.durationMs, digest: report.digest.count }, 'ledger journal verified')
  else ctx.logger.error({ code: 'LEDGER_TAMPERED', problems: describeReport(report) }, 'ledger journal verification FAILED')
  return report
}

export function integrityStatus(ctx: AppContext): IntegrityStatus {
  const cp = readCheckpoint(ctx.sqlite)
  const digest = currentDigest(ctx.sqlite)
  return {
    digest,
    digestText: formatDigest(digest),
    lastCheckedAt: cp?.checkedAt ?? null,
    lastFullCheckedAt: cp?.fullCheckedAt ?? null,
    ok: cp ? cp.ok : null,
    report: cp?.report ?? null,
  }
}

/** Full verification now (the 検証 button). Audited with its outcome. */
export function verifyIntegrity(ctx: AppContext, input: OpParsed<'integrity.verify'>, caller: Caller): VerifyReport {
  const user = requireUser(caller)
  const report = verifyLedger(ctx.sqlite, { mode: 'full', anchor: input.anchor ?? undefined, now: ctx.clock() })
  saveCheckpoint(ctx.sqlite, report)
  writeAudit(ctx.db, {
    at: ctx.clock().toISOString(),
    actorId: user.staffId,
    actorLoginId: user.loginId,
    action: 'integrity.verify',
    outcome: 'ok',
    target: `journal:${report.digest.count}`,
    detail: {
      result: report.ok ? 'ok' : 'failed',
      digest: formatDigest(report.digest),
      chainBreak: report.chainBreak && { kind: report.chainBreak.kind, entryId: report.chainBreak.entryId },
      rows: report.rows.length,
      anchor: report.anchor ? { count: report.anchor.count, ok: report.anchor.ok } : undefined,
    },
  })
  if (!report.ok) ctx.logger.error({ code: 'LEDGER_TAMPERED', problems: describeReport(report) }, 'ledger journal verification FAILED')
  return report
}

/** The digest as a small text file: the machine-readable line first, then what a person compares. */
export function digestFileText(ctx: AppContext): { text: string; digestText: string } {
  const d = currentDigest(ctx.sqlite)
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
  writeAudit(ctx.db, {
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
