// 「控えの照合」 (issue 15): the digest printed on a 日次取扱一覧 — read off its QR code as a
// keyboard-wedge scanner types it, or typed by hand off the paper in its groups of four — is checked
// against the ledger: 一致, 不一致 (naming the entry), or 台帳がこの控えより短い; every check audited.
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { parseDigest } from '../../db/journal'
import { groupedHash } from '../../shared/integrity'
import { auditRows, createTestApp, type TestApp } from '../helpers/app'
import { pageCount, qrCodes } from './pdf/poppler'

let app: TestApp | null = null
afterEach(() => {
  if (app?.ctx.sqlite.open) app.close()
  app = null
})

/** The supervisor prints the day's 日次取扱一覧; the QR code is read off the PDF (zbarimg). */
async function printedDigest(t: TestApp): Promise<string> {
  const journal = await t.ok('forms.printDailyJournal', { businessDate: '2026-11-21' }, 's')
  const file = path.join(t.dir, 'daily-journal.pdf')
  fs.writeFileSync(file, Buffer.from(journal.pdfBase64, 'base64'))
  const [qr] = qrCodes(file, pageCount(file))
  expect(qr).toMatch(/^otp-ledger:1:\d+:[0-9a-f]{64}$/)
  return qr!
}

describe('integrity.checkAnchor', () => {
  it('一致 for the scanned QR code and for the count and grouped hash typed by hand; 不一致 names the entry; audited', async () => {
    app = await createTestApp()
    await app.loginAs('super1', 's')
    await app.loginAs('admin1', 'a')
    const scanned = await printedDigest(app)
    const { count, hash } = parseDigest(scanned)!
    await app.ok('settings.update', { unlockRepeatDays: 45 }, 'a') // the ledger goes on after the print

    const byScanner = await app.ok('integrity.checkAnchor', { scanned }, 'a')
    expect(byScanner).toMatchObject({ ok: true, status: 'match', count, hash, differsAt: null })
    expect(byScanner.message).toContain('一致')
    expect(byScanner.ledgerCount).toBeGreaterThan(count)

    // As printed: groups of four; typed with hyphens, in capitals, the count with a separator.
    const typed = groupedHash(hash).toUpperCase().replaceAll(' ', '-')
    const byHand = await app.ok('integrity.checkAnchor', { count: count.toLocaleString('en-US'), hash: typed }, 'a')
    expect(byHand).toMatchObject({ ok: true, status: 'match', count, hash })

    // One digit misread or changed: 不一致 at the entry the paper names.
    const wrong = hash.slice(0, -1) + (hash.endsWith('0') ? '1' : '0')
    const mismatch = await app.ok('integrity.checkAnchor', { count: String(count), hash: groupedHash(wrong) }, 'a')
    expect(mismatch).toMatchObject({ ok: false, status: 'mismatch', differsAt: count })
    expect(mismatch.message).toContain(`不一致：仕訳 ${count} のハッシュが控えと違います`)

    const audited = auditRows(app.ctx).filter((a) => a.action === 'integrity.checkAnchor')
    expect(audited.map((a) => [a.outcome, a.actor_login_id, JSON.parse(a.detail_json!).result])).toEqual([
      ['ok', 'admin1', 'match'],
      ['ok', 'admin1', 'match'],
      ['ok', 'admin1', 'mismatch'],
    ])
    expect(JSON.parse(audited[2]!.detail_json!)).toMatchObject({ differsAt: count, digest: `otp-ledger:1:${count}:${wrong}` })
  })

  it('台帳がこの控えより短い when entries after an earlier point were deleted behind the app', async () => {
    app = await createTestApp()
    await app.loginAs('super1', 's')
    await app.loginAs('admin1', 'a')
    const scanned = await printedDigest(app)
    const { count } = parseDigest(scanned)!
    const db = new Database(app.ctx.sqlite.name)
    db.exec(`DROP TRIGGER ledger_journal_no_delete; DROP TRIGGER ledger_journal_rows_no_delete;
      DELETE FROM ledger_journal_rows WHERE entry_id > ${count - 3}; DELETE FROM ledger_journal WHERE id > ${count - 3};`)
    db.close()
    const short = await app.ok('integrity.checkAnchor', { scanned }, 'a')
    expect(short).toMatchObject({ ok: false, status: 'short', ledgerCount: count - 3, differsAt: null })
    expect(short.message).toContain('台帳がこの控えより短くなっています')
  })

  it('refuses what is not a digest with a message on the field, and changes nothing', async () => {
    app = await createTestApp()
    await app.loginAs('admin1', 'a')
    const before = auditRows(app.ctx).filter((a) => a.action === 'integrity.checkAnchor').length
    const bad = await app.err('integrity.checkAnchor', { scanned: 'otp-ledger:1:12:abcd' }, 'a')
    expect(bad.code).toBe('VALIDATION_FAILED')
    expect(bad.fields?.scanned).toContain('台帳ダイジェストのQRコードではありません')
    const typed = await app.err('integrity.checkAnchor', { count: '十二', hash: 'abcd efgh' }, 'a')
    expect(Object.keys(typed.fields ?? {}).sort()).toEqual(['count', 'hash'])
    expect(auditRows(app.ctx).filter((a) => a.action === 'integrity.checkAnchor' && a.outcome === 'ok')).toHaveLength(before)
    // A supervisor may not check anchors (administrators' screen).
    await app.loginAs('super1', 's')
    expect((await app.err('integrity.checkAnchor', { scanned: 'otp-ledger:1:1:' + '0'.repeat(64) }, 's')).code).toBe('FORBIDDEN_ROLE')
  })
})
