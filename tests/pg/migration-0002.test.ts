// PostgreSQL 0002 (db/pg/migrations/0002_printed_form_files.ts): the archived PDFs in the ledger.
// A ledger at version 1 (with a print recorded) upgrades to 2; the table then holds a PDF only
// with the SHA-256 its bytes have AND printed_forms recorded, and never changes or loses one.
import { createHash } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { migratePg, pgSchemaVersion } from '../../db/pg/migrate'
import { PG_MIGRATIONS } from '../../db/pg/migrations'
import { createTestLedger, type TestLedger } from '../helpers/pg'

let l: TestLedger
afterAll(async () => l?.drop())

describe('PostgreSQL migration 0002: printed_form_files', () => {
  it('upgrades a version-1 ledger; a PDF is stored only with its recorded hash, and is append-only for everyone', async () => {
    l = await createTestLedger()
    const o = await l.owner()
    await migratePg(o, { appRole: l.appRole, migrations: [PG_MIGRATIONS[0]!] })
    const pdf = Buffer.from('%PDF-1.7 日次取扱一覧\n%%EOF\n')
    const sha = createHash('sha256').update(pdf).digest('hex')
    await o.query(`
      INSERT INTO branches (code, name) VALUES ('001', '本店');
      INSERT INTO staff (login_id, name, role, branch_id, password_hash, created_at, login_key) VALUES ('s1', '役席 一郎', 'supervisor', 1, 'x', 'x', 's1');
      INSERT INTO printed_forms (branch_id, business_date, form_kind, printed_at, printed_by, reprint, sha256, file_path)
        VALUES (1, '2026-11-21', 'daily_journal', '2026-11-21T09:00:00Z', 1, false, '${sha}', 'forms/2026/11/21/j.pdf');`)
    expect(await migratePg(o, { appRole: l.appRole, backupTaken: true, migrations: PG_MIGRATIONS.slice(0, 2) })).toEqual({ from: 1, to: 2 })
    expect(await pgSchemaVersion(o)).toBe(2)

    const app = await l.app()
    const wrong = Buffer.from('%PDF-1.7 something else\n')
    const wrongSha = createHash('sha256').update(wrong).digest('hex')
    // Bytes that do not hash to the stated SHA-256, and a hash printed_forms did not record: refused.
    await expect(app.query('INSERT INTO printed_form_files (printed_form_id, sha256, pdf) VALUES (1, $1, $2)', [sha, wrong])).rejects.toThrow(/printed_form_files_bytes_match/)
    await expect(app.query('INSERT INTO printed_form_files (printed_form_id, sha256, pdf) VALUES (1, $1, $2)', [wrongSha, wrong])).rejects.toThrow(/not the one printed_forms recorded/)
    await app.query('INSERT INTO printed_form_files (printed_form_id, sha256, pdf) VALUES (1, $1, $2)', [sha, pdf])
    const back = await app.query('SELECT pdf FROM printed_form_files WHERE printed_form_id = 1')
    expect((back.rows[0].pdf as Buffer).equals(pdf)).toBe(true)
    // The application role may not change or remove one; the owner neither (append-only guard).
    await expect(app.query('UPDATE printed_form_files SET pdf = $1', [wrong])).rejects.toThrow(/permission denied/)
    await expect(app.query('DELETE FROM printed_form_files')).rejects.toThrow(/permission denied/)
    await expect(o.query('UPDATE printed_form_files SET sha256 = sha256')).rejects.toThrow(/append-only/)
    await expect(o.query('TRUNCATE printed_form_files')).rejects.toThrow(/append-only/)
  })
})
