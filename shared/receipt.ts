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

/** On the customer's copy the account number shows only its last four digits. */
export function maskAccountNumber(n: string): string {
  return n.length <= 4 ? n : '*'.repeat(n.length - 4) + n.slice(-4)
}
