// 顧客データ取込: the customer master from the core banking system's extract. A dry run reads the
// whole file and says what would happen (new, changed field by field, unchanged, refused with the
// reason, missing from a full extract); applying reads it again and writes in batches of moderate
// IMMEDIATE transactions, yielding to the event loop between them, so the counters keep working
// while a million rows go in. The import writes only the master's fields: never the OTP status,
// the requests or the history. A customer missing from a full extract is marked closed (解約),
// never deleted.
import { embeddedLedger } from '../embedded'
import { japanDate } from '../../../shared/datetime'
import {
  COMPARED_FIELDS,
  CUSTOMER_FIELDS,
  CUSTOMER_FIELD_LABELS,
  LIST_LIMIT,
  parseAccountType,
  parseCustomerRow,
  type ColumnMapping,
  type CustomerChange,
  type CustomerField,
  type CustomerImportReport,
  type FieldChange,
  type RefusedLine,
} from '../../../shared/importFormat'
import { normalizeDigits } from '../../../shared/normalize'
import { ACCOUNT_TYPE_LABELS, type AccountType } from '../../../shared/schemas'
import { CustomerMasterStore, type StoredCustomer } from '../../../db/customerMaster'
import { writeAudit } from '../audit'
import type { AppContext } from '../context'
import { ENCODING_LABELS, FileRefused, readRows, type SourceInfo } from '../importing/csvSource'

export interface ImportActor {
  staffId: number | null
  loginId: string
}

export interface ImportProgress {
  bytesRead: number
  rows: number
}

export interface CustomerImportOptions {
  file: string
  fileName: string
  info: SourceInfo
  mapping: ColumnMapping
  fullExtract: boolean
  apply: boolean
  actor: ImportActor
  onProgress?: (p: ImportProgress) => void
  batchSize?: number
}

export const CUSTOMER_MAPPING_KEY = 'import_mapping_customers'

/** The longest a slice of rows holds the event loop and (when applying) the write lock. */
const SLICE_MS = 50

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

export function accountLabel(branchCode: string, type: AccountType, number: string): string {
  return `${branchCode}-${ACCOUNT_TYPE_LABELS[type]}-${number}`
}

/** The column index of each field; every field must be mapped to a column of the header. */
export function columnsOf<F extends string>(
  fields: readonly F[],
  labels: Record<F, string>,
  mapping: ColumnMapping,
  header: readonly string[],
  optional: readonly F[] = [],
): Record<F, number> {
  const out = {} as Record<F, number>
  for (const f of fields) {
    const column = (mapping[f] ?? '').normalize('NFKC').trim()
    if (!column) {
      if (optional.includes(f)) {
        out[f] = -1
        continue
      }
      throw new FileRefused('MAPPING_INCOMPLETE', `「${labels[f]}」に対応するファイルの項目を選んでください。`)
    }
    const i = header.indexOf(column)
    if (i < 0) throw new FileRefused('HEADER_MISMATCH', `見出し行に「${column}」（${labels[f]}）がありません。ファイルまたは項目の対応づけを確認してください。`, 1)
    out[f] = i
  }
  return out
}

function diff(c: StoredCustomer, r: ReturnType<typeof parseCustomerRow> & { record: object }): FieldChange[] {
  const out: FieldChange[] = []
  for (const f of COMPARED_FIELDS) {
    const before = c[f]
    const after = r.record[f as keyof typeof r.record] as string
    if (before !== after) out.push({ field: f, label: CUSTOMER_FIELD_LABELS[f], from: before, to: after })
  }
  if (c.closedOn) out.push({ field: 'closedOn', label: '解約', from: `解約（${c.closedOn}）`, to: '取引あり（解約を取消）' })
  return out
}

export async function runCustomerImport(ctx: AppContext, opts: CustomerImportOptions): Promise<CustomerImportReport> {
  const startedAt = ctx.clock().toISOString()
  const cols = columnsOf(CUSTOMER_FIELDS, CUSTOMER_FIELD_LABELS, opts.mapping, opts.info.header)
  const get = (fields: string[]) => (f: CustomerField) => fields[cols[f]] ?? ''
  const report: CustomerImportReport = {
    kind: 'customers',
    mode: opts.apply ? 'apply' : 'dry_run',
    fileName: opts.fileName,
    sha256: opts.info.sha256,
    encodingLabel: ENCODING_LABELS[opts.info.encoding],
    rows: 0,
    fullExtract: opts.fullExtract,
    counts: { new: 0, changed: 0, unchanged: 0, refused: 0, missing: 0, closed: 0 },
    refused: [],
    refusedCount: 0,
    changes: [],
    missingList: [],
    closingSkipped: null,
    newBranches: [],
    startedAt,
    finishedAt: startedAt,
    by: opts.actor.loginId,
  }
  const refuse = (line: number, reasons: string[]) => {
    report.counts.refused++
    report.refusedCount++
    if (report.refused.length < LIST_LIMIT) report.refused.push({ line, reasons } satisfies RefusedLine)
  }
  const audit = (phase: string, extra: Record<string, unknown> = {}) =>
    writeAudit(ctx.db, {
      at: ctx.clock().toISOString(),
      actorId: opts.actor.staffId,
      actorLoginId: opts.actor.loginId,
      action: opts.apply ? 'imports.customers.apply' : 'imports.customers.dryRun',
      outcome: 'ok',
      target: `file:${opts.info.sha256}`,
      detail: { phase, fileName: opts.fileName, sha256: opts.info.sha256, fullExtract: opts.fullExtract, ...extra },
    })

  // A batch writes no audit row: its journal entry is headed by who runs the import.
  const journalHead = () => ({
    at: ctx.clock().toISOString(),
    actorId: opts.actor.staffId,
    actorLoginId: opts.actor.loginId,
    action: 'imports.customers.batch',
    outcome: 'ok',
  })
  const store = new CustomerMasterStore(embeddedLedger(ctx, '勘定系データの取込'))
  const branchIds = new Map<string, number | undefined>()
  let headerSeen = false
  try {
    if (opts.apply) await audit('started')
    for await (const batch of readRows(opts.file, opts.info, {
      batchSize: opts.batchSize ?? 1000,
      onBytes: (n) => opts.onProgress?.({ bytesRead: n, rows: report.rows }),
    })) {
      const rows = headerSeen ? batch : batch.slice(1) // the first record is the header
      headerSeen = true
      // One transaction per slice of rows, a slice ending after SLICE_MS: the write lock and the
      // event loop are given back that often, however slow the machine is at that moment.
      for (let i = 0; i < rows.length; ) {
        const sliceStart = performance.now()
        store.batch(opts.apply, () => {
          const at = ctx.clock().toISOString()
          for (const first = i; i < rows.length; i++) {
            if (i > first && performance.now() - sliceStart > SLICE_MS) break
            const row = rows[i]!
            report.rows++
            const parsed = parseCustomerRow(get(row.fields))
            if ('reasons' in parsed) {
              // A refused row's customer still counts as listed, if its account can be read at all.
              const t = parseAccountType(get(row.fields)('accountType'))
              const n = normalizeDigits(get(row.fields)('accountNumber')).padStart(7, '0')
              const known = t ? store.findByAccount(normalizeDigits(get(row.fields)('branchCode')), t, n) : undefined
              if (known) store.markSeen(known.id)
              refuse(row.line, parsed.reasons)
              continue
            }
            const r = parsed.record
            const account = accountLabel(r.branchCode, r.accountType, r.accountNumber)
            const firstAccountLine = store.claimAccount(`${r.branchCode}|${r.accountType}|${r.accountNumber}`, row.line)
            if (firstAccountLine !== null) {
              refuse(row.line, [`口座 ${account} が${firstAccountLine}行目と重複しています`])
              continue
            }
            const firstIbLine = store.claimIbContractId(r.ibContractId, row.line)
            if (firstIbLine !== null) {
              refuse(row.line, [`IB契約者ID ${r.ibContractId} が${firstIbLine}行目と重複しています`])
              continue
            }
            const existing = store.findByAccount(r.branchCode, r.accountType, r.accountNumber)
            const holder = store.findByIbContractId(r.ibContractId)
            if (holder && holder.id !== existing?.id) {
              if (existing) store.markSeen(existing.id)
              refuse(row.line, [
                `IB契約者ID ${r.ibContractId} は別の口座（${accountLabel(holder.branchCode, holder.accountType, holder.accountNumber)}）のお客さまに登録されています`,
              ])
              continue
            }
            if (!existing) {
              report.counts.new++
              if (!branchIds.has(r.branchCode)) {
                const id = store.branchId(r.branchCode)
                branchIds.set(r.branchCode, id)
                if (id === undefined && !report.newBranches.includes(r.branchCode)) report.newBranches.push(r.branchCode)
              }
              if (opts.apply) {
                let branchId = branchIds.get(r.branchCode)
                if (branchId === undefined) {
                  branchId = store.insertBranch(r.branchCode, `店番${r.branchCode}`)
                  branchIds.set(r.branchCode, branchId)
                }
                store.markSeen(store.insert(r, branchId, at))
              }
              continue
            }
            store.markSeen(existing.id)
            const fields = diff(existing, parsed)
            if (!fields.length) {
              report.counts.unchanged++
              continue
            }
            report.counts.changed++
            if (report.changes.length < LIST_LIMIT) report.changes.push({ line: row.line, account, name: existing.nameKanji, fields } satisfies CustomerChange)
            if (opts.apply && !store.update(existing.id, existing.version, r, at))
              throw new Error(`customer ${existing.id} changed during the import`) // the slice rolls back
          }
        }, journalHead())
        opts.onProgress?.({ bytesRead: 0, rows: report.rows })
        await yieldToEventLoop()
      }
    }
    if (report.rows === 0) throw new FileRefused('NO_ROWS', '見出し行のほかにデータの行がありません。')

    if (opts.fullExtract) {
      report.counts.missing = store.countMissing()
      report.missingList = store
        .listMissing(LIST_LIMIT)
        .map((c) => ({ account: accountLabel(c.branchCode, c.accountType, c.accountNumber), name: c.nameKanji }))
      if (report.counts.refused > 0 && report.counts.missing > 0)
        report.closingSkipped = '取り込めない行があるため、ファイルにないお客さまの解約処理は行いません（取り込めない行のお客さまを解約にしないため）。ファイルを直してもう一度取り込んでください。'
      else if (opts.apply) {
        const today = japanDate(ctx.clock())
        for (;;) {
          const closed = store.batch(true, () => store.closeMissing(today, ctx.clock().toISOString(), 1000), journalHead())
          report.counts.closed += closed.length
          if (closed.length < 1000) break
          await yieldToEventLoop()
        }
      }
    }
    report.finishedAt = ctx.clock().toISOString()
    await audit(opts.apply ? 'finished' : 'dry run', { counts: report.counts, rows: report.rows, newBranches: report.newBranches })
    if (opts.apply) ctx.events.emitChanged({ kind: 'customers_imported' })
    return report
  } catch (err) {
    if (opts.apply) {
      try {
        await audit('stopped', { rows: report.rows, counts: report.counts, reason: err instanceof FileRefused ? err.reason : 'INTERNAL' })
      } catch (auditErr) {
        ctx.logger.error({ code: 'AUDIT_WRITE_FAILED', err: auditErr }, 'could not audit a stopped import')
      }
    }
    throw err
  } finally {
    store.dispose()
  }
}
