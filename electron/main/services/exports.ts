// CSV exports that Excel in Japan opens as they are: the requests of a period (by branch, kind and
// state), one day's journal data, the customer list, and the figures of the 集計 screen. CP932 or
// UTF-8 with BOM, as the user chooses; every cell that a spreadsheet could run as a formula is
// neutralised; every export is audited with its filter and row count. In Electron the main
// process asks where to save (the system's save dialog) and streams the file there; in the browser
// preview the file comes back to the page, which offers it as a download. The renderer never
// names a path.
import { embeddedLedger } from '../embedded'
import fs from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { stringify } from 'csv-stringify/sync'
import iconv from 'iconv-lite'
import { AUDIT_OUTCOME_LABELS, auditActionLabel, describeAuditDetail } from '../../../shared/auditLog'
import { formatJapanDateTime, japanDate } from '../../../shared/datetime'
import type { OpParsed } from '../../../shared/contract'
import type { ExportEncoding, ExportResult } from '../../../shared/exportFormat'
import { neutralizeCell } from '../../../shared/spreadsheet'
import { ACCOUNT_TYPE_LABELS, type AccountType } from '../../../shared/schemas'
import { REQUEST_KIND_LABELS, REQUEST_STATE_LABELS, STATUS_LABELS, type OtpStatus, type RequestKind, type RequestState } from '../../../shared/status'
import { writeAudit } from '../audit'
import type { AppContext } from '../context'
import { requireUser, type Caller } from './caller'
import { branchFilter, seesAllBranches, viewedBranch } from './branchScope'
import { auditEntries, filterOf } from './auditLog'
import { figuresTable, summarizeFigures } from './figures'

type Row = readonly (string | number | null | undefined)[]

/** Writes header + rows as CSV in the chosen encoding to the user's chosen file (Electron) or
 * back to the page (preview). Rows are pulled from an iterator, so a million customers stream. */
async function deliver(
  ctx: AppContext,
  caller: Caller,
  spec: { action: string; fileName: string; encoding: ExportEncoding; header: string[]; rows: Iterable<Row> | AsyncIterable<Row>; filter: Record<string, unknown> },
): Promise<ExportResult> {
  const user = requireUser(caller)
  let target: string | null = null
  if (ctx.fileDialogs) {
    target = await ctx.fileDialogs.chooseSave({ title: 'CSVファイルの保存先', defaultName: spec.fileName, filters: [{ name: 'CSV', extensions: ['csv'] }] })
    if (!target) return { fileName: spec.fileName, rowCount: 0, saved: false, cancelled: true, contentBase64: null }
  }
  let rowCount = 0
  // CSV text in slices of rows (csv-stringify does the quoting), each slice encoded as a whole:
  // CP932 with iconv-lite, or UTF-8 behind one BOM.
  const encode = (text: string) => (spec.encoding === 'cp932' ? iconv.encode(text, 'cp932') : Buffer.from(text, 'utf8'))
  const toCsv = (rows: string[][]) => stringify(rows, { record_delimiter: '\r\n' })
  async function* chunks(): AsyncGenerator<Buffer> {
    if (spec.encoding === 'utf-8-bom') yield Buffer.from([0xef, 0xbb, 0xbf])
    yield encode(toCsv([spec.header]))
    let slice: string[][] = []
    for await (const r of spec.rows) {
      rowCount++
      slice.push(r.map((v) => neutralizeCell(v == null ? '' : String(v))))
      if (slice.length === 1000) {
        yield encode(toCsv(slice))
        slice = []
      }
    }
    if (slice.length) yield encode(toCsv(slice))
  }
  const parts: Buffer[] = []
  if (target) await pipeline(Readable.from(chunks()), fs.createWriteStream(target))
  else for await (const c of chunks()) parts.push(c)
  await writeAudit(ctx.db, {
    at: ctx.clock().toISOString(),
    actorId: user.staffId,
    actorLoginId: user.loginId,
    action: spec.action,
    outcome: 'ok',
    target: null,
    detail: { filter: spec.filter, rowCount, encoding: spec.encoding, fileName: spec.fileName, savedBy: target ? 'save dialog' : 'download' },
  })
  return {
    fileName: spec.fileName,
    rowCount,
    saved: !!target,
    cancelled: false,
    contentBase64: target ? null : Buffer.concat(parts).toString('base64'),
  }
}

const REQUEST_HEADER = ['受付番号', '受付日', '店番', '店名', '依頼種別', '状態', '店番（口座）', '預金種目', '口座番号', '氏名', 'フリガナ', '受付者', '受付日時', '検印者', '検印日時', '差戻し理由']

interface RequestFilter {
  from: string
  to: string
  branchCode?: string | null
  kind?: RequestKind | null
  state?: RequestState | null
}

function requestRows(ctx: AppContext, f: RequestFilter): Iterable<Row> {
  // The period is read through otp_requests_business_date_idx (0007).
  const where = ['r.business_date BETWEEN @from AND @to']
  if (f.branchCode) where.push('b.code = @branchCode')
  if (f.kind) where.push('r.kind = @kind')
  if (f.state) where.push('r.state = @state')
  const stmt = embeddedLedger(ctx, 'CSV出力').prepare(`
    SELECT r.receipt_no, r.business_date, b.code AS branch_code, b.name AS branch_name, r.kind, r.state,
      c.account_branch_code, c.account_type, c.account_number, c.name_kanji, c.name_kana,
      rs.name AS received_by, r.received_at, vs.name AS reviewed_by, r.reviewed_at, r.return_reason
    FROM otp_requests r
    JOIN branches b ON b.id = r.branch_id
    JOIN customers c ON c.id = r.customer_id
    JOIN staff rs ON rs.id = r.received_by
    LEFT JOIN staff vs ON vs.id = r.reviewed_by
    WHERE ${where.join(' AND ')}
    ORDER BY r.business_date, r.receipt_no`)
  const params = { from: f.from, to: f.to, branchCode: f.branchCode ?? null, kind: f.kind ?? null, state: f.state ?? null }
  const bound = Object.fromEntries(Object.entries(params).filter(([k]) => where.some((w) => w.includes(`@${k}`))))
  return (function* () {
    for (const r of stmt.iterate(bound) as IterableIterator<Record<string, string | null>>)
      yield [
        r.receipt_no!,
        r.business_date!,
        r.branch_code!,
        r.branch_name!,
        REQUEST_KIND_LABELS[r.kind as RequestKind],
        REQUEST_STATE_LABELS[r.state as RequestState],
        r.account_branch_code!,
        ACCOUNT_TYPE_LABELS[r.account_type as AccountType],
        r.account_number!,
        r.name_kanji!,
        r.name_kana!,
        r.received_by!,
        r.received_at!,
        r.reviewed_by,
        r.reviewed_at,
        r.return_reason,
      ]
  })()
}

const compact = (ymd: string) => ymd.replace(/-/g, '')

export function exportRequests(ctx: AppContext, asked: OpParsed<'exports.requests'>, caller: Caller): Promise<ExportResult> {
  const input = { ...asked, branchCode: branchFilter(requireUser(caller), asked.branchCode) }
  return deliver(ctx, caller, {
    action: 'exports.requests',
    fileName: `依頼一覧_${compact(input.from)}-${compact(input.to)}${input.branchCode ? `_${input.branchCode}` : ''}.csv`,
    encoding: input.encoding,
    header: REQUEST_HEADER,
    rows: requestRows(ctx, input),
    filter: { from: input.from, to: input.to, branchCode: input.branchCode ?? null, kind: input.kind ?? null, state: input.state ?? null },
  })
}

/** The data of the 日次取扱一覧: the caller's branch (the head office: the one it shows), one business date. */
export async function exportJournal(ctx: AppContext, input: OpParsed<'exports.journal'>, caller: Caller): Promise<ExportResult> {
  const branch = await viewedBranch(ctx.db, requireUser(caller), input.branchCode)
  return deliver(ctx, caller, {
    action: 'exports.journal',
    fileName: `日次取扱一覧データ_${branch.code}_${compact(input.businessDate)}.csv`,
    encoding: input.encoding,
    header: REQUEST_HEADER,
    rows: requestRows(ctx, { from: input.businessDate, to: input.businessDate, branchCode: branch.code }),
    filter: { businessDate: input.businessDate, branchCode: branch.code },
  })
}

/** The customer list, in the column order the customer import reads (a round trip imports as
 * unchanged), plus the OTP status and the closing day. */
export function exportCustomers(ctx: AppContext, input: OpParsed<'exports.customers'>, caller: Caller): Promise<ExportResult> {
  const stmt = embeddedLedger(ctx, 'CSV出力').prepare(`
    SELECT account_branch_code, account_type, account_number, name_kanji, name_kana, birth_date, postal_code, address, phone,
      ib_contract_id, otp_status, closed_on
    FROM customers ${input.branchCode ? 'WHERE account_branch_code = ?' : ''}
    ORDER BY account_branch_code, account_type, account_number`)
  const rows = (function* () {
    for (const c of stmt.iterate(...(input.branchCode ? [input.branchCode] : [])) as IterableIterator<Record<string, string | null>>)
      yield [
        c.account_branch_code!,
        ACCOUNT_TYPE_LABELS[c.account_type as AccountType],
        c.account_number!,
        c.name_kanji!,
        c.name_kana!,
        c.birth_date!,
        c.postal_code!,
        c.address!,
        c.phone!,
        c.ib_contract_id!,
        STATUS_LABELS[c.otp_status as OtpStatus],
        c.closed_on,
      ]
  })()
  return deliver(ctx, caller, {
    action: 'exports.customers',
    fileName: `顧客一覧_${compact(japanDate(ctx.clock()))}${input.branchCode ? `_${input.branchCode}` : ''}.csv`,
    encoding: input.encoding,
    header: ['店番', '預金種目', '口座番号', '氏名', 'フリガナ', '生年月日', '郵便番号', '住所', '電話番号', 'IB契約者ID', '登録状況', '解約日'],
    rows,
    filter: { branchCode: input.branchCode ?? null },
  })
}

export function exportFigures(ctx: AppContext, asked: OpParsed<'exports.figures'>, caller: Caller): Promise<ExportResult> {
  const input = { ...asked, branchCode: branchFilter(requireUser(caller), asked.branchCode) }
  const table = figuresTable(summarizeFigures(ctx, input, caller))
  return deliver(ctx, caller, {
    action: 'exports.figures',
    fileName: `集計_${compact(input.from)}-${compact(input.to)}${input.branchCode ? `_${input.branchCode}` : ''}.csv`,
    encoding: input.encoding,
    header: table.header,
    rows: table.rows,
    filter: { from: input.from, to: input.to, branchCode: input.branchCode ?? null },
  })
}

/** The 監査ログ of the caller's scope (their branch, or every branch for an administrator or the head office), with the
 * screen's filter, newest first; the detail as the screen shows it, and as recorded. */
export function exportAudit(ctx: AppContext, input: OpParsed<'exports.audit'>, caller: Caller): Promise<ExportResult> {
  const user = requireUser(caller)
  const rows = (async function* () {
    for await (const e of auditEntries(ctx, user, input)) {
      let detail: Record<string, unknown> | null = null
      try {
        detail = e.detailJson ? (JSON.parse(e.detailJson) as Record<string, unknown>) : null
      } catch {
        detail = null
      }
      yield [
        e.id,
        formatJapanDateTime(e.at),
        e.branchCode,
        e.actorLoginId,
        e.actorName,
        auditActionLabel(e.action),
        e.action,
        AUDIT_OUTCOME_LABELS[e.outcome],
        e.receiptNo,
        e.accountBranchCode,
        e.accountType ? ACCOUNT_TYPE_LABELS[e.accountType] : null,
        e.accountNumber,
        e.customerName,
        describeAuditDetail(detail)
          .map((l) => `${l.label}：${l.value}`)
          .join(' / '),
        e.detailJson,
      ]
    }
  })()
  const scope = seesAllBranches(user) ? input.branchCode || '全店' : user.branchCode
  return deliver(ctx, caller, {
    action: 'exports.audit',
    fileName: `監査ログ_${compact(input.from)}-${compact(input.to)}_${scope}.csv`,
    encoding: input.encoding,
    header: ['記録番号', '日時', '店番', '職員ID', '職員名', '操作', '操作コード', '結果', '受付番号', '店番（口座）', '預金種目', '口座番号', '氏名', '内容', '内容（記録のまま）'],
    rows,
    filter: filterOf(input),
  })
}
