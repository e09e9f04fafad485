// Helpers to put real customers into a ledger and to damage its file the ways a bad day does.
import fs from 'node:fs'
import path from 'node:path'
import { ledgerTransaction } from '../../db/journal'
import { IN_USE_FILE } from '../../db/ledgerFile'
import type { Sqlite } from '../../db/open'

/** Adds `n` customers with plain SQL in one transaction (ids after the demo's); `from` numbers
 * their accounts, so several batches do not collide. */
export function addCustomers(sqlite: Sqlite, n: number, branchId = 1, from = 0): void {
  const ins = sqlite.prepare(`INSERT INTO customers(branch_id, name_kanji, name_kana, kana_key, name_key, given_name_key, given_kana_key, birth_date, postal_code, address, phone,
    account_branch_code, account_type, account_number, ib_contract_id, otp_status, status_changed_at, created_at, updated_at)
    VALUES (?, '試験 太郎', 'シケン　タロウ', 'シケンタロウ', '試験太郎', '太郎', 'タロウ', '1980-01-01', '100-0001', '東京都千代田区千代田1-1', '03-1234-5678',
    '001', 'ordinary', ?, ?, 'in_use', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`)
  // Journaled like an import batch (db/journal.ts), so the ledger still verifies.
  const head = { at: '2026-01-01T00:00:00Z', actorId: null, actorLoginId: 'test', action: 'test.addCustomers', outcome: 'ok' }
  ledgerTransaction(sqlite, () => {
    for (let i = from; i < from + n; i++) ins.run(branchId, String(5_000_000 + i), String(9_000_000_000 + i))
  }, { fallback: head })
}

/** A leaf page of `table` in the middle of its b-tree (not one a start reads). */
export function middleLeafPage(sqlite: Sqlite, table: string): { page: number; pageSize: number } {
  const pages = sqlite.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY path").pluck().all(table) as number[]
  if (pages.length < 5) throw new Error(`${table} has only ${pages.length} leaf pages`)
  return { page: pages[Math.floor(pages.length / 2)]!, pageSize: sqlite.pragma('page_size', { simple: true }) as number }
}

/** Overwrites one page of a closed ledger file with garbage. */
export function overwritePage(file: string, page: number, pageSize: number): void {
  const fd = fs.openSync(file, 'r+')
  fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize)
  fs.closeSync(fd)
}

/** Closes an app's ledger with everything checkpointed into the main file, as the app does when
 * it quits (its process then ends, so the in-use marker names no live process; this test process
 * lives on, so the marker goes). */
export function closeCheckpointed(sqlite: Sqlite): void {
  sqlite.pragma('wal_checkpoint(TRUNCATE)')
  const file = sqlite.name
  sqlite.close()
  fs.rmSync(path.join(path.dirname(file), IN_USE_FILE), { force: true })
}
