// The IB centre's status list (センター連携): lines of (IB契約者ID or account, event, day) that
// replace typing each event at the counter. Each line goes through the same rule as an event
// recorded by hand (events.ts applyEvent); a line already recorded (same customer, event and day)
// is skipped, so the same list read twice records nothing new. The dry run follows the statuses
// line by line as they would become.
import { and, eq } from 'drizzle-orm'
import { customers, otpHistory } from '../../../db/schema'
import { japanDate } from '../../../shared/datetime'
import {
  LIST_LIMIT,
  STATUS_FIELDS,
  STATUS_FIELD_LABELS,
  parseAccountType,
  parseEventKind,
  parseFlexibleDate,
  type ColumnMapping,
  type StatusField,
  type StatusImportReport,
} from '../../../shared/importFormat'
import { normalizeDigits } from '../../../shared/normalize'
import { EVENT_KIND_LABELS, EVENT_TRANSITIONS, STATUS_LABELS, type OtpStatus } from '../../../shared/status'
import { writeAudit } from '../audit'
import type { AppContext } from '../context'
import { writeTransaction, type Tx } from '../tx'
import { ENCODING_LABELS, FileRefused, readRows, type SourceInfo } from '../importing/csvSource'
import { accountLabel, columnsOf, type ImportActor, type ImportProgress } from './customerImport'
import { applyEvent, eventRefusal } from './events'

export const STATUS_MAPPING_KEY = 'import_mapping_status'

export interface StatusImportOptions {
  file: string
  fileName: string
  info: SourceInfo
  mapping: ColumnMapping
  apply: boolean
  actor: ImportActor
  onProgress?: (p: ImportProgress) => void
}

const ACCOUNT_FIELDS: readonly StatusField[] = ['branchCode', 'accountType', 'accountNumber']

type Found = { id: number; name: string; account: string; otpStatus: OtpStatus; closedOn: string | null }

async function findCustomer(tx: Tx, get: (f: StatusField) => string, byIb: boolean): Promise<Found | string> {
  let row
  if (byIb) {
    const ib = normalizeDigits(get('ibContractId'))
    if (!/^\d{10}$/.test(ib)) return `IB契約者ID「${get('ibContractId')}」は数字10桁ではありません`
    row = await tx.select().from(customers).where(eq(customers.ibContractId, ib)).get()
    if (!row) return `IB契約者ID ${ib} のお客さまが見つかりません`
  } else {
    const branch = normalizeDigits(get('branchCode'))
    const type = parseAccountType(get('accountType'))
    const number = normalizeDigits(get('accountNumber')).padStart(7, '0')
    if (!/^\d{3}$/.test(branch) || !type || !/^\d{7}$/.test(number)) return '口座（店番・預金種目・口座番号）を読めません'
    row = await tx
      .select()
      .from(customers)
      .where(and(eq(customers.accountBranchCode, branch), eq(customers.accountType, type), eq(customers.accountNumber, number)))
      .get()
    if (!row) return `口座 ${accountLabel(branch, type, number)} のお客さまが見つかりません`
  }
  return {
    id: row.id,
    name: row.nameKanji,
    account: accountLabel(row.accountBranchCode, row.accountType, row.accountNumber),
    otpStatus: row.otpStatus,
    closedOn: row.closedOn,
  }
}

export async function runStatusImport(ctx: AppContext, opts: StatusImportOptions): Promise<StatusImportReport> {
  const startedAt = ctx.clock().toISOString()
  const byIb = !!(opts.mapping.ibContractId ?? '').trim()
  const cols = columnsOf(STATUS_FIELDS, STATUS_FIELD_LABELS, opts.mapping, opts.info.header, byIb ? ACCOUNT_FIELDS : ['ibContractId'])
  const today = japanDate(ctx.clock())
  const report: StatusImportReport = {
    kind: 'status',
    mode: opts.apply ? 'apply' : 'dry_run',
    fileName: opts.fileName,
    sha256: opts.info.sha256,
    encodingLabel: ENCODING_LABELS[opts.info.encoding],
    rows: 0,
    counts: { recorded: 0, skipped: 0, refused: 0 },
    outcomes: [],
    skippedList: [],
    refused: [],
    refusedCount: 0,
    startedAt,
    finishedAt: startedAt,
    by: opts.actor.loginId,
  }
  // The dry run follows each customer's status as the earlier lines of the file would leave it.
  const simulated = new Map<number, OtpStatus>()
  let headerSeen = false
  for await (const batch of readRows(opts.file, opts.info, { onBytes: (n) => opts.onProgress?.({ bytesRead: n, rows: report.rows }) })) {
    const rows = headerSeen ? batch : batch.slice(1)
    headerSeen = true
    // Applying takes the write lock for one batch; a dry run only reads (a deferred transaction).
    const inBatch = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => (opts.apply ? await writeTransaction(ctx.db, fn) : await fn(ctx.db))
    await inBatch(async (tx) => {
      const at = ctx.clock().toISOString()
      for (const row of rows) {
        report.rows++
        const get = (f: StatusField) => (cols[f] >= 0 ? (row.fields[cols[f]] ?? '') : '')
        const refuse = (reason: string) => {
          report.counts.refused++
          report.refusedCount++
          if (report.refused.length < LIST_LIMIT) report.refused.push({ line: row.line, reasons: [reason] })
        }
        const kind = parseEventKind(get('event'))
        if (!kind) {
          refuse(`事象「${get('event')}」はトークン発行・利用開始・閉塞・発行規制のいずれでもありません`)
          continue
        }
        const occurredOn = parseFlexibleDate(get('occurredOn'))
        if (!occurredOn) {
          refuse(`発生日「${get('occurredOn')}」を日付として読めません`)
          continue
        }
        if (occurredOn > today) {
          refuse(`発生日 ${occurredOn} は未来の日付です`)
          continue
        }
        const c = await findCustomer(tx, get, byIb)
        if (typeof c === 'string') {
          refuse(c)
          continue
        }
        const already = await tx
          .select({ id: otpHistory.id })
          .from(otpHistory)
          .where(and(eq(otpHistory.customerId, c.id), eq(otpHistory.eventKind, kind), eq(otpHistory.occurredOn, occurredOn)))
          .get()
        if (already) {
          report.counts.skipped++
          if (report.skippedList.length < LIST_LIMIT)
            report.skippedList.push({ line: row.line, reason: `${c.account} ${c.name}：${EVENT_KIND_LABELS[kind]}（${occurredOn}）は記録済みです` })
          continue
        }
        const status = simulated.get(c.id) ?? c.otpStatus
        const refusal = eventRefusal(kind, { otpStatus: status, closedOn: c.closedOn })
        if (refusal) {
          refuse(`${c.account} ${c.name}：${refusal.message}`)
          continue
        }
        const to = EVENT_TRANSITIONS[kind].to
        if (opts.apply)
          await applyEvent(tx, c.id, { kind, source: 'centre_feed', occurredOn }, opts.actor, at, {
            action: 'imports.status.apply',
            detail: { fileName: opts.fileName, sha256: opts.info.sha256, line: row.line },
          })
        else simulated.set(c.id, to)
        report.counts.recorded++
        if (report.outcomes.length < LIST_LIMIT)
          report.outcomes.push({
            line: row.line,
            customer: `${c.account} ${c.name}`,
            event: EVENT_KIND_LABELS[kind],
            occurredOn,
            from: STATUS_LABELS[status],
            to: STATUS_LABELS[to],
          })
      }
    })
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  if (report.rows === 0) throw new FileRefused('NO_ROWS', '見出し行のほかにデータの行がありません。')
  report.finishedAt = ctx.clock().toISOString()
  await writeAudit(ctx.db, {
    at: report.finishedAt,
    actorId: opts.actor.staffId,
    actorLoginId: opts.actor.loginId,
    action: opts.apply ? 'imports.status.apply' : 'imports.status.dryRun',
    outcome: 'ok',
    target: `file:${opts.info.sha256}`,
    detail: { fileName: opts.fileName, sha256: opts.info.sha256, rows: report.rows, counts: report.counts },
  })
  if (opts.apply && report.counts.recorded) ctx.events.emitChanged({ kind: 'event_recorded' })
  return report
}

