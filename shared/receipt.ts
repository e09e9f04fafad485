// 受付番号: branch, Japan business date, daily sequence per branch: '001-20261121-0007'.
// The sequence has at least four digits (ledgers written before issue 16 hold only four-digit
// numbers, and they stay valid); from the 10,000th reception of a day it simply grows to five or
// six digits: '001-20261121-10000'. Compare receipt numbers with compareReceiptNo, never as text.

/** The last daily sequence a branch can give out in one business day (a day's counter cannot run
 * out in practice: a branch takes a few hundred paper requests on its busiest day). */
export const MAX_DAILY_SEQ = 999_999

export function formatReceiptNo(branchCode: string, businessDate: string, seq: number): string {
  if (!/^\d{3}$/.test(branchCode)) throw new RangeError(`branch code must be 3 digits: ${branchCode}`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(businessDate)) throw new RangeError(`bad business date: ${businessDate}`)
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_DAILY_SEQ) throw new RangeError(`daily sequence out of range: ${seq}`)
  return `${branchCode}-${businessDate.replace(/-/g, '')}-${String(seq).padStart(4, '0')}`
}

export function parseReceiptNo(s: string): { branchCode: string; businessDate: string; seq: number } | null {
  const m = /^(\d{3})-(\d{4})(\d{2})(\d{2})-(\d{4,6})$/.exec(s.normalize('NFKC').trim())
  if (!m) return null
  // Five or six digits only without a leading zero: '00123' is not a number this app gave out.
  if (m[5]!.length > 4 && m[5]!.startsWith('0')) return null
  return { branchCode: m[1]!, businessDate: `${m[2]}-${m[3]}-${m[4]}`, seq: Number(m[5]) }
}

/** Orders receipt numbers as given out: branch, date, then the sequence as a number (so
 * '…-9999' comes before '…-10000'). Unparseable ones go last, as text. */
export function compareReceiptNo(a: string, b: string): number {
  const x = parseReceiptNo(a)
  const y = parseReceiptNo(b)
  if (!x || !y) return x ? -1 : y ? 1 : a < b ? -1 : a > b ? 1 : 0
  return x.branchCode.localeCompare(y.branchCode) || x.businessDate.localeCompare(y.businessDate) || x.seq - y.seq
}

/**
 * 口座番号 as the customer's copy shows it: only the last 4 digits, the rest as '*'
 * ('1234567' -> '***4567'). Shorter numbers are zero-padded to 7 digits first so at least three
 * digits are always hidden.
 */
export function maskAccountNumber(accountNumber: string): string {
  const digits = accountNumber.replace(/\D/g, '').padStart(7, '0')
  return '*'.repeat(digits.length - 4) + digits.slice(-4)
}
