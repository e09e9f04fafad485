// Printing the お客さま控 through the dispatcher: archived with its SHA-256, recorded, reprints
// counted and audited, and robust to two prints at once and to a file left by an interrupted one.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { auditRows, createTestApp, type TestApp } from '../helpers/app'
import { customersIn, newApplicationForm } from '../helpers/forms'

let app: TestApp
afterEach(() => app?.close())

async function receiveOne(key = 'default'): Promise<{ id: number; receiptNo: string }> {
  return app.ok('requests.receiveNewApplication', newApplicationForm(customersIn(app.ctx, 'unregistered')[0]!), key)
}

const printed = () =>
  app.ctx.sqlite.prepare('SELECT reprint, sha256, file_path FROM printed_forms ORDER BY id').all() as { reprint: number; sha256: string; file_path: string }[]

describe('printing the お客さま控', () => {
  it('archives the PDF with its hash; a reprint says 再発行 and is audited', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const req = await receiveOne()
    const first = await app.ok('forms.customerReceipt', { requestId: req.id })
    expect(first).toMatchObject({ fileName: `${req.receiptNo}_お客さま控.pdf`, reprint: false })
    const second = await app.ok('forms.customerReceipt', { requestId: req.id })
    expect(second).toMatchObject({ fileName: `${req.receiptNo}_お客さま控_再発行1.pdf`, reprint: true })

    for (const row of printed()) {
      const file = path.join(app.dir, row.file_path)
      expect(createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(row.sha256)
    }
    const text = execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(second.pdfBase64, 'base64') }).toString()
    expect(text).toContain('再発行')
    expect(auditRows(app.ctx).filter((a) => a.action.startsWith('forms.')).map((a) => a.action)).toEqual(['forms.print', 'forms.reprint'])
  })

  it('two prints at once both succeed, and exactly one of them is the first', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 'a')
    await app.loginAs('teller2', 'b')
    const req = await receiveOne('a')
    const [x, y] = await Promise.all([
      app.ok('forms.customerReceipt', { requestId: req.id }, 'a'),
      app.ok('forms.customerReceipt', { requestId: req.id }, 'b'),
    ])
    expect([x.reprint, y.reprint].sort()).toEqual([false, true])
    expect(printed().map((p) => p.reprint).sort()).toEqual([0, 1])
    for (const row of printed()) expect(fs.existsSync(path.join(app.dir, row.file_path))).toBe(true)
  })

  it('a file left behind by an interrupted print does not block the next print', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const req = await receiveOne()
    const first = await app.ok('forms.customerReceipt', { requestId: req.id })
    // Simulate a crash after the file was written but before it was recorded: remove the record.
    const rel = printed()[0]!.file_path
    app.ctx.sqlite.prepare('DELETE FROM printed_forms').run()
    expect(fs.existsSync(path.join(app.dir, rel))).toBe(true)
    const again = await app.ok('forms.customerReceipt', { requestId: req.id })
    expect(again.sha256).toBe(first.sha256)
    expect(printed()).toHaveLength(1)
  })
})
