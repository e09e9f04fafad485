// Exports (CSV for Excel in Japan) and the figures of the 集計 screen: what the page asks for and
// what comes back. The main process writes the file (Electron: where the user chose in the save
// dialog) or hands the bytes back for a download (browser preview); the page never names a path.
import { z } from 'zod'
import { isValidYmd } from './datetime'
import { REQUEST_KINDS, REQUEST_STATES, type RequestKind } from './status'

export const EXPORT_ENCODINGS = ['cp932', 'utf-8-bom'] as const
export type ExportEncoding = (typeof EXPORT_ENCODINGS)[number]
export const EXPORT_ENCODING_LABELS: Record<ExportEncoding, string> = {
  cp932: 'Shift_JIS（CP932・Excel標準）',
  'utf-8-bom': 'UTF-8（BOM付き）',
}

export interface ExportResult {
  fileName: string
  rowCount: number
  /** Electron: written where the user chose in the save dialog. */
  saved: boolean
  /** The user closed the save dialog without choosing: nothing written, nothing audited. */
  cancelled: boolean
  /** Browser preview: the file, base64, for the page to offer as a download. */
  contentBase64: string | null
}

export const day = (label: string) =>
  z
    .string({ error: `${label}を入力してください` })
    .transform((s) => s.normalize('NFKC').trim().replace(/\//g, '-'))
    .pipe(z.string().refine(isValidYmd, { error: `${label}を正しい日付で入力してください` }))

const branchCode = z
  .string()
  .transform((s) => s.normalize('NFKC').trim())
  .pipe(z.string().regex(/^(\d{3})?$/, { error: '店番は数字3桁で入力してください' }))
  .nullable()
  .optional()

const encoding = z.enum(EXPORT_ENCODINGS, { error: '文字コードを選択してください' })

/** A period of business dates, at most ~5 years (the figures are aggregated in SQL anyway). */
export const periodSchema = z
  .strictObject({ from: day('開始日'), to: day('終了日'), branchCode })
  .refine((p) => p.from <= p.to, { path: ['to'], error: '終了日は開始日以降にしてください' })
  .refine((p) => Number(p.to.slice(0, 4)) - Number(p.from.slice(0, 4)) <= 5, { path: ['from'], error: '期間は5年以内にしてください' })

export const exportRequestsSchema = z
  .strictObject({
    from: day('開始日'),
    to: day('終了日'),
    branchCode,
    kind: z.enum(REQUEST_KINDS).nullable().optional(),
    state: z.enum(REQUEST_STATES).nullable().optional(),
    encoding,
  })
  .refine((p) => p.from <= p.to, { path: ['to'], error: '終了日は開始日以降にしてください' })

export const exportJournalSchema = z.strictObject({ businessDate: day('取扱日'), branchCode, encoding })
export const exportCustomersSchema = z.strictObject({ branchCode, encoding })
export const exportFiguresSchema = z
  .strictObject({ from: day('開始日'), to: day('終了日'), branchCode, encoding })
  .refine((p) => p.from <= p.to, { path: ['to'], error: '終了日は開始日以降にしてください' })

export interface FiguresSummary {
  from: string
  to: string
  branchCode: string | null
  /** Requests received, by month ('2026-11') and kind. */
  byMonth: { month: string; kind: RequestKind; count: number }[]
  /** Requests received, by branch and kind. */
  byBranch: { branchCode: string; branchName: string; kind: RequestKind; count: number }[]
  unlocks: { received: number; approved: number; repeated: number }
  /** Minutes from 受付 to 承認 of approved requests: nearest-rank median and 90th percentile. */
  approval: { kind: RequestKind | 'all'; count: number; medianMinutes: number | null; p90Minutes: number | null }[]
}
