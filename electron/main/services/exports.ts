// CSV exports that Excel in Japan opens as they are: the requests of a period (by branch, kind and
// state), one day's journal data, the customer list, and the figures of the 集計 screen. CP932 or
// UTF-8 with BOM, as the user chooses; every cell that a spreadsheet could run as a formula is
// neutralised; every export is audited with its filter and row count. In Electron the main
// process asks where to save (the system's save dialog) and streams the file there; in the browser
// preview the file comes back to the page, which offers it as a download. The renderer never
// names a path.
import { sql } from 'drizzle-orm'
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

/** Rows a page of an export reads: enough to keep a round trip to the server cheap, few enough
 * that a million customers stream through the process in flat memory. (Tests make it small to
 * cross page boundaries on a small ledger.) */
export const exportPaging = { rows: 1000 }

interface RequestRow {
  receipt_no: string
  business_date: string
  branch_code: string
  branch_name: string
  kind: RequestKind
  state: RequestState
  account_branch_code: string
  account_type: AccountType
  account_number: string
  name_kanji: string
  name_kana: string
  received_by: string
  received_at: string
  reviewed_by: string | null
  reviewed_at: string | null
  return_reason: string | null
}

/**
 * The requests of a period in business date and receipt number order, read a page at a time
 * through the ledger (either engine) with a keyset: one business date at a time, the receipt
 * numbers after the last one delivered. Each page is found through otp_requests_business_date_idx
 * (business_date, branch_id, kind) by its date (and branch), and sorted by receipt number among
 * that one day's requests only; the next date is the index's next key (min() after the date).
 * Nothing holds a statement open between pages, so other work on the ledger goes on while the
 * file is written; a request changed meanwhile is exported as it stands when its page is read.
 */
async function* requestRows(ctx: AppContext, f: RequestFilter): AsyncGenerator<Row> {
  const filters = [
    f.branchCode ? sql` AND r.branch_id = (SELECT id FROM branches WHERE code = ${f.branchCode})` : sql``,
    f.kind ? sql` AND r.kind = ${f.kind}` : sql``,
    f.state ? sql` AND r.state = ${f.state}` : sql``,
  ]
  const nextDate = async (after: string | null) =>
    (
      await ctx.ledger.rows<{ d: string | null }>(
        after === null
          ? sql`SELECT min(business_date) AS d FROM otp_requests WHERE business_date BETWEEN ${f.from} AND ${f.to}`
          : sql`SELECT min(business_date) AS d FROM otp_requests WHERE business_date > ${after} AND business_date <= ${f.to}`,
      )
    )[0]?.d ?? null
  const size = exportPaging.rows
  for (let date = await nextDate(null); date !== null; date = await nextDate(date)) {
    let last = ''
    for (;;) {
      // `+r.receipt_no` (SQLite: not a search key) keeps the planner on the date's index entries
      // rather than walking the receipt number index; PostgreSQL drops the sign (translate.ts).
      const page = await ctx.ledger.rows<RequestRow>(sql`
        SELECT r.receipt_no, r.business_date, b.code AS branch_code, b.name AS branch_name, r.kind, r.state,
          c.account_branch_code, c.account_type, c.account_number, c.name_kanji, c.name_kana,
          rs.name AS received_by, r.received_at, vs.name AS reviewed_by, r.reviewed_at, r.return_reason
        FROM otp_requests r
        JOIN branches b ON b.id = r.branch_id
        JOIN customers c ON c.id = r.customer_id
        JOIN staff rs ON rs.id = r.received_by
        LEFT JOIN staff vs ON vs.id = r.reviewed_by
        WHERE r.business_date = ${date} AND +r.receipt_no > ${last}${sql.join(filters, sql``)}
        ORDER BY r.receipt_no
        LIMIT ${size}`)
      for (const r of page)
        yield [
          r.receipt_no,
          r.business_date,
          r.branch_code,
          r.branch_name,
          REQUEST_KIND_LABELS[r.kind],
          REQUEST_STATE_LABELS[r.state],
          r.account_branch_code,
          ACCOUNT_TYPE_LABELS[r.account_type],
          r.account_number,
          r.name_kanji,
          r.name_kana,
          r.received_by,
          r.received_at,
          r.reviewed_by,
          r.reviewed_at,
          r.return_reason,
        ]
      if (page.length < size) break
      last = page[page.length - 1]!.receipt_no
    }
  }
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

interface CustomerRow {
  account_branch_code: string
  account_type: AccountType
  account_number: string
  name_kanji: string
  name_kana: string
  birth_date: string
  postal_code: string
  address: string
  phone: string
  ib_contract_id: string
  otp_status: OtpStatus
  closed_on: string | null
}

/**
 * The customers (of one account branch, or all) in account order, a page at a time through the
 * ledger (either engine): each page is the next keys of customers_account_uq
 * (account_branch_code, account_type, account_number) after the last row delivered, read in the
 * index's order (no sort), so a million customers stream in flat memory and nothing holds a
 * statement open between pages.
 */
async function* customerRows(ctx: AppContext, branchCode: string | null | undefined): AsyncGenerator<Row> {
  const size = exportPaging.rows
  let last: [string, string, string] = ['', '', '']
  for (;;) {
    const [b, t, n] = last
    const after = branchCode
      ? sql`account_branch_code = ${branchCode} AND (account_type, account_number) > (${t}, ${n})`
      : sql`(account_branch_code, account_type, account_number) > (${b}, ${t}, ${n})`
    const page = await ctx.ledger.rows<CustomerRow>(sql`
      SELECT account_branch_code, account_type, account_number, name_kanji, name_kana, birth_date, postal_code, address, phone,
        ib_contract_id, otp_status, closed_on
      FROM customers WHERE ${after}
      ORDER BY account_branch_code, account_type, account_number
      LIMIT ${size}`)
    for (const c of page)
      yield [
        c.account_branch_code,
        ACCOUNT_TYPE_LABELS[c.account_type],
        c.account_number,
        c.name_kanji,
        c.name_kana,
        c.birth_date,
        c.postal_code,
        c.address,
        c.phone,
        c.ib_contract_id,
        STATUS_LABELS[c.otp_status],
        c.closed_on,
      ]
    if (page.length < size) return
    const l = page[page.length - 1]!
    last = [l.account_branch_code, l.account_type, l.account_number]
  }
}

/** The customer list, in the column order the customer import reads (a round trip imports as
 * unchanged), plus the OTP status and the closing day. */
export function exportCustomers(ctx: AppContext, input: OpParsed<'exports.customers'>, caller: Caller): Promise<ExportResult> {
  return deliver(ctx, caller, {
    action: 'exports.customers',
    fileName: `顧客一覧_${compact(japanDate(ctx.clock()))}${input.branchCode ? `_${input.branchCode}` : ''}.csv`,
    encoding: input.encoding,
    header: ['店番', '預金種目', '口座番号', '氏名', 'フリガナ', '生年月日', '郵便番号', '住所', '電話番号', 'IB契約者ID', '登録状況', '解約日'],
    rows: customerRows(ctx, input.branchCode),
    filter: { branchCode: input.branchCode ?? null },
  })
}

export async function exportFigures(ctx: AppContext, asked: OpParsed<'exports.figures'>, caller: Caller): Promise<ExportResult> {
  const input = { ...asked, branchCode: branchFilter(requireUser(caller), asked.branchCode) }
  const table = figuresTable(await summarizeFigures(ctx, input, caller))
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
