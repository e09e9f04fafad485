// The ledger's integrity as both sides see it: the report of a verification of the journal
// (db/verify.ts) and the digest printed on the 日次取扱一覧 or exported by an administrator.
import { z } from 'zod'

/** The digest as one line: what the QR code on the 日次取扱一覧 holds and --anchor accepts. */
export const formatDigest = (d: Pick<LedgerDigest, 'count' | 'hash'>) => `otp-ledger:1:${d.count}:${d.hash}`

/** The hash in groups of four hex digits, as printed for a person to compare. */
export const groupedHash = (hash: string) => (hash.match(/.{4}/g) ?? []).join(' ')

/** A hash as typed off the paper: the groups of four with spaces or hyphens, any case. null if it
 * is not 64 hex digits once those are taken out. */
export function parseDigestHash(s: string): string | null {
  const h = s.normalize('NFKC').replace(/[\s\-‐－ー]/g, '').toLowerCase()
  return /^[0-9a-f]{64}$/.test(h) ? h : null
}

/** An entry count as typed: digits, thousands separators allowed. */
export function parseDigestCount(s: string): number | null {
  const c = s.normalize('NFKC').replace(/[\s,]/g, '')
  return /^\d{1,12}$/.test(c) ? Number(c) : null
}

/**
 * A digest as a barcode scanner types it off the QR code (otp-ledger:1:<count>:<hash>), as an
 * exported digest file's first line holds it, or as `--anchor=` takes it (the prefix may be left
 * out; spaces and hyphens in the hash are ignored, any case). The one parser of `npm run
 * ledger:verify --anchor` and the administrators' 「控えの照合」.
 */
export function parseDigest(s: string): { count: number; hash: string } | null {
  const m = /^(?:otp-ledger:1:)?([^:]+):([^:]+)$/i.exec(s.normalize('NFKC').trim())
  if (!m) return null
  const count = parseDigestCount(m[1]!)
  const hash = parseDigestHash(m[2]!)
  return count === null || hash === null ? null : { count, hash }
}

export interface LedgerDigest {
  /** Entries in the journal; the digest vouches for entries 1..count. */
  count: number
  /** SHA-256 (hex) of entry `count` (64 zeros for an empty journal). */
  hash: string
  /** When entry `count` was written. */
  at: string | null
}

export type ChainBreakKind = 'gap' | 'hash' | 'link' | 'count' | 'shortened' | 'checkpoint'
export type RowFindingKind = 'changed' | 'unjournaled' | 'missing' | 'present-after-delete'

export interface EntryRef {
  entryId: number
  at: string | null
  actorLoginId: string | null
  action: string | null
}

export interface ChainBreak extends EntryRef {
  kind: ChainBreakKind
  message: string
}

export interface RowFinding {
  kind: RowFindingKind
  table: string
  rowKey: string
  /** The journal's latest state of the row and the table's, as encoded (null: none). */
  journalState: string | null
  currentState: string | null
  /** The entry that recorded the row last (null: the journal never saw it). */
  entry: EntryRef | null
  message: string
}

export interface AnchorResult {
  count: number
  hash: string
  ok: boolean
  /** 一致 / 不一致 / 台帳がこの控えより短い. */
  status: 'match' | 'mismatch' | 'short'
  /** The entries the ledger holds now. */
  ledgerCount: number
  /** Where the ledger differs from the paper: the entry whose hash is not the one printed (null on a match or a short ledger). */
  differsAt: number | null
  message: string
}

export interface VerifyReport {
  ok: boolean
  mode: 'full' | 'incremental'
  checkedAt: string
  durationMs: number
  /** Entries whose chain was checked in this run, and from which entry on. */
  entriesChecked: number
  fromEntry: number
  digest: LedgerDigest
  /** Rows a ledger already held when the journal was introduced (migration 0013). */
  chainedAtUpgrade: { entries: number; rows: number; at: string } | null
  chainBreak: ChainBreak | null
  rows: RowFinding[]
  /** More differing rows exist than listed. */
  rowsTruncated: boolean
  anchor?: AnchorResult
}


/** What integrity.status returns: the last verification kept, and the digest now. */
export interface IntegrityStatus {
  digest: LedgerDigest
  digestText: string
  lastCheckedAt: string | null
  lastFullCheckedAt: string | null
  ok: boolean | null
  report: VerifyReport | null
  /** A full verification running now (in a worker thread): on demand or the background one after start. */
  running: VerifyRunning | null
}

export interface VerifyRunning {
  kind: 'demand' | 'background'
  startedAt: string
  /** Entries whose chain is checked so far, of `total`. */
  checked: number
  total: number
}

export interface DigestExport {
  fileName: string
  digestText: string
  saved: boolean
  cancelled: boolean
  contentBase64: string | null
}

/**
 * 「控えの照合」: the digest as a keyboard-wedge barcode scanner types it off the printed QR code
 * (`scanned`: otp-ledger:1:<count>:<hash> and Enter), or typed by hand off the paper (`count` and
 * `hash`, the hash as printed in groups of four). Parsed by parseDigest, as `--anchor=` is.
 */
export const anchorCheckSchema = z
  .strictObject({
    scanned: z.string().max(300).optional(),
    count: z.string().max(40).optional(),
    hash: z.string().max(300).optional(),
  })
  .transform((v, ctx) => {
    if (v.scanned?.trim()) {
      const d = parseDigest(v.scanned)
      if (!d) ctx.addIssue({ code: 'custom', path: ['scanned'], message: '台帳ダイジェストのQRコードではありません（otp-ledger:1:件数:ハッシュ）。日次取扱一覧のQRコードを読み取ってください。' })
      return d ?? z.NEVER
    }
    const count = parseDigestCount(v.count ?? '')
    const hash = parseDigestHash(v.hash ?? '')
    if (count === null) ctx.addIssue({ code: 'custom', path: ['count'], message: '控えの「仕訳件数」を数字で入力してください。' })
    if (hash === null)
      ctx.addIssue({ code: 'custom', path: ['hash'], message: '控えのハッシュ（英数字64桁）を入力してください。4桁ごとの空白・ハイフンはそのままで構いません。' })
    return count === null || hash === null ? z.NEVER : { count, hash }
  })
