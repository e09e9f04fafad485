// The customer master's data access for the import from the core banking system: prepared
// statements on the natural key (店番 + 預金種目 + 口座番号, unique index customers_account_uq) and the
// IB契約者ID (unique), and per-import scratch tables in SQLite's temp schema. What the import has
// seen so far (keys of the file, customers matched) lives there, on disk if need be, not in the
// process: memory stays flat however long the file is.
import type Database from 'better-sqlite3'
import type { Sqlite } from './open'
import { ledgerTransaction, type AppendOptions } from './journal'
import type { AccountType } from '../shared/schemas'
import type { CustomerRecord } from '../shared/importFormat'

export interface StoredCustomer {
  id: number
  branchCode: string
  accountType: AccountType
  accountNumber: string
  nameKanji: string
  nameKana: string
  birthDate: string
  postalCode: string
  address: string
  phone: string
  ibContractId: string
  closedOn: string | null
  version: number
}

const COLUMNS = `id, account_branch_code AS branchCode, account_type AS accountType, account_number AS accountNumber,
  name_kanji AS nameKanji, name_kana AS nameKana, birth_date AS birthDate, postal_code AS postalCode, address, phone,
  ib_contract_id AS ibContractId, closed_on AS closedOn, version`

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Statement = Database.Statement<any[]>

let scratchSeq = 0

export class CustomerMasterStore {
  private readonly t: string
  private readonly s: {
    claimKey: Statement
    lineOfKey: Statement
    claimIb: Statement
    lineOfIb: Statement
    seen: Statement
    byAccount: Statement
    byIb: Statement
    branch: Statement
    insertBranch: Statement
    insert: Statement
    update: Statement
  }

  private readonly cacheBefore: number

  constructor(private readonly sqlite: Sqlite) {
    this.t = `customer_import_${process.pid}_${++scratchSeq}`
    // A larger page cache while the import runs (a fixed 64 MiB, not growing with the file): the
    // customers' indexes are walked once per row, and at a million rows the default 2 MiB cache
    // turns every look-up into a read. Restored by dispose().
    this.cacheBefore = sqlite.pragma('cache_size', { simple: true }) as number
    sqlite.pragma('cache_size = -65536')
    sqlite.pragma('temp.cache_size = -32768')
    sqlite.exec(`
      CREATE TEMP TABLE ${this.t}_keys (key TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TEMP TABLE ${this.t}_ibs (ib TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TEMP TABLE ${this.t}_seen (id INTEGER PRIMARY KEY);
    `)
    this.s = {
      claimKey: sqlite.prepare(`INSERT OR IGNORE INTO temp.${this.t}_keys(key, line) VALUES (?, ?)`),
      lineOfKey: sqlite.prepare(`SELECT line FROM temp.${this.t}_keys WHERE key = ?`).pluck(),
      claimIb: sqlite.prepare(`INSERT OR IGNORE INTO temp.${this.t}_ibs(ib, line) VALUES (?, ?)`),
      lineOfIb: sqlite.prepare(`SELECT line FROM temp.${this.t}_ibs WHERE ib = ?`).pluck(),
      seen: sqlite.prepare(`INSERT OR IGNORE INTO temp.${this.t}_seen(id) VALUES (?)`),
      byAccount: sqlite.prepare(
        `SELECT ${COLUMNS} FROM customers WHERE account_branch_code = ? AND account_type = ? AND account_number = ?`,
      ),
      byIb: sqlite.prepare(`SELECT ${COLUMNS} FROM customers WHERE ib_contract_id = ?`),
      branch: sqlite.prepare('SELECT id FROM branches WHERE code = ?').pluck(),
      insertBranch: sqlite.prepare('INSERT INTO branches(code, name) VALUES (?, ?)'),
      insert: sqlite.prepare(`INSERT INTO customers(branch_id, name_kanji, name_kana, kana_key, name_key, given_name_key, given_kana_key, birth_date, postal_code, address,
          phone, account_branch_code, account_type, account_number, ib_contract_id, otp_status, status_changed_at, created_at, updated_at)
        VALUES (@branchId, @nameKanji, @nameKana, @kanaKey, @nameKey, @givenNameKey, @givenKanaKey, @birthDate, @postalCode, @address, @phone, @branchCode, @accountType,
          @accountNumber, @ibContractId, 'unregistered', @at, @at, @at)`),
      // Only the master's fields; the OTP status, its counters and the history are never touched.
      update: sqlite.prepare(`UPDATE customers SET name_kanji = @nameKanji, name_kana = @nameKana, kana_key = @kanaKey,
          name_key = @nameKey, given_name_key = @givenNameKey, given_kana_key = @givenKanaKey,
          birth_date = @birthDate, postal_code = @postalCode, address = @address, phone = @phone, ib_contract_id = @ibContractId,
          closed_on = NULL, updated_at = @at, version = version + 1
        WHERE id = @id AND version = @version`),
    }
  }

  /** The line that first carried this key, or null if this is the first. */
  claimAccount(key: string, line: number): number | null {
    if (this.s.claimKey.run(key, line).changes === 1) return null
    return this.s.lineOfKey.get(key) as number
  }

  claimIbContractId(ib: string, line: number): number | null {
    if (this.s.claimIb.run(ib, line).changes === 1) return null
    return this.s.lineOfIb.get(ib) as number
  }

  markSeen(customerId: number): void {
    this.s.seen.run(customerId)
  }

  findByAccount(branchCode: string, type: AccountType, number: string): StoredCustomer | undefined {
    return this.s.byAccount.get(branchCode, type, number) as StoredCustomer | undefined
  }

  findByIbContractId(ib: string): StoredCustomer | undefined {
    return this.s.byIb.get(ib) as StoredCustomer | undefined
  }

  branchId(code: string): number | undefined {
    return this.s.branch.get(code) as number | undefined
  }

  insertBranch(code: string, name: string): number {
    return Number(this.s.insertBranch.run(code, name).lastInsertRowid)
  }

  insert(r: CustomerRecord, branchId: number, at: string): number {
    return Number(this.s.insert.run({ ...r, branchId, at }).lastInsertRowid)
  }

  update(id: number, version: number, r: CustomerRecord, at: string): boolean {
    return this.s.update.run({ ...r, id, version, at }).changes === 1
  }

  /** Open customers the file did not list. */
  countMissing(): number {
    return this.sqlite
      .prepare(`SELECT count(*) FROM customers c WHERE c.closed_on IS NULL AND c.id NOT IN (SELECT id FROM temp.${this.t}_seen)`)
      .pluck()
      .get() as number
  }

  listMissing(limit: number): StoredCustomer[] {
    return this.sqlite
      .prepare(
        `SELECT ${COLUMNS} FROM customers c WHERE c.closed_on IS NULL AND c.id NOT IN (SELECT id FROM temp.${this.t}_seen) ORDER BY c.id LIMIT ?`,
      )
      .all(limit) as StoredCustomer[]
  }

  /** Marks up to `limit` missing customers closed (解約) on `today`; returns their ids. */
  closeMissing(today: string, at: string, limit: number): number[] {
    const ids = this.sqlite
      .prepare(`SELECT c.id FROM customers c WHERE c.closed_on IS NULL AND c.id NOT IN (SELECT id FROM temp.${this.t}_seen) ORDER BY c.id LIMIT ?`)
      .pluck()
      .all(limit) as number[]
    const close = this.sqlite.prepare('UPDATE customers SET closed_on = ?, updated_at = ?, version = version + 1 WHERE id = ?')
    for (const id of ids) close.run(today, at, id)
    return ids
  }

  /** Runs `fn` in one transaction: IMMEDIATE when it writes the ledger, so the write lock is held
   * only for this batch. */
  batch<T>(write: boolean, fn: () => T, journal?: AppendOptions['fallback']): T {
    // A writing batch is one journal entry (db/journal.ts), headed by `journal` (no audit row in it).
    return write ? ledgerTransaction(this.sqlite, fn, { fallback: journal }) : this.sqlite.transaction(fn)()
  }

  dispose(): void {
    if (!this.sqlite.open) return
    this.sqlite.pragma(`cache_size = ${this.cacheBefore}`)
    this.sqlite.exec(`DROP TABLE IF EXISTS temp.${this.t}_keys; DROP TABLE IF EXISTS temp.${this.t}_ibs; DROP TABLE IF EXISTS temp.${this.t}_seen;`)
  }
}
