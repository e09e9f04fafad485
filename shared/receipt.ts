// 受付番号: branch, Japan business date, daily sequence per branch: '001-20261121-0007'.

export function formatReceiptNo(branchCode: string, businessDate: string, seq: number): string {
  if (!/^\d{3}$/.test(branchCode)) throw new RangeError(`branch code must be 3 digits: ${branchCode}`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(businessDate)) throw new RangeError(`bad business date: ${businessDate}`)
  if (!Number.isInteger(seq) || seq < 1 || seq > 9999) throw new RangeError(`daily sequence out of range: ${seq}`)
  return `${branchCode}-${businessDate.replace(/-/g, '')}-${String(seq).padStart(4, '0')}`
}

export function parseReceiptNo(s: string): { branchCode: string; businessDate: string; seq: number } | null {
  const m = /^(\d{3})-(\d{4})(\d{2})(\d{2})-(\d{4})$/.exec(s.normalize('NFKC').trim())
  if (!m) return null
  return { branchCode: m[1]!, businessDate: `${m[2]}-${m[3]}-${m[4]}`, seq: Number(m[5]) }
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
