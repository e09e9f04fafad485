// The ledger's integrity as both sides see it: the report of a verification of the journal
// (db/verify.ts) and the digest printed on the 日次取扱一覧 or exported by an administrator.

/** The digest as one line: what the QR code on the 日次取扱一覧 holds and --anchor accepts. */
export const formatDigest = (d: Pick<LedgerDigest, 'count' | 'hash'>) => `otp-ledger:1:${d.count}:${d.hash}`

/** The hash in groups of four hex digits, as printed for a person to compare. */
export const groupedHash = (hash: string) => (hash.match(/.{4}/g) ?? []).join(' ')

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
