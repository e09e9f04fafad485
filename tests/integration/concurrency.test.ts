// Two app instances (two processes, two SQLite connections) approving the same request at the same
// moment: the IMMEDIATE write lock and the version check let exactly one through.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app'
import { customersIn, suspensionForm } from '../helpers/forms'

const run = promisify(execFile)
const CHILD = path.join(__dirname, 'fixtures', 'approve-at.ts')

describe('two app instances on one ledger', () => {
  it('approve the same request at the same moment: one wins, one is refused, the ledger shows one approval', async () => {
    const app = await createTestApp({ now: new Date() })
    await app.loginAs('teller1')
    const c = customersIn(app.ctx, 'in_use')[0]!
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date())
    const req = await app.ok('requests.receiveSuspension', { ...suspensionForm(c), applicationDate: today })
    const startAt = String(Date.now() + 2500)
    const outputs = await Promise.all(
      ['super1', 'super2'].map((who) =>
        run(process.execPath, ['--import', 'tsx', CHILD, app.dir, who, String(req.id), String(req.version), startAt], { timeout: 30_000 }),
      ),
    )
    const results = outputs.map((o) => JSON.parse(o.stdout.trim()))
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(['REQUEST_NOT_PENDING', 'STALE_VERSION']).toContain(results.find((r) => !r.ok).error.code)
    expect(app.ctx.sqlite.prepare("SELECT count(*) AS n FROM otp_history WHERE kind = 'request_approved' AND request_id = ?").get(req.id)).toEqual({ n: 1 })
    expect(app.ctx.sqlite.prepare('SELECT otp_status FROM customers WHERE id = ?').get(c.id)).toEqual({ otp_status: 'suspended' })
    app.close()
  }, 40_000)
})
