// The IB centre's status list (センター連携) through the dispatcher on a real ledger: the same event
// rule as the counter's 事象の記録, a dry run that says what each line would do, lines already
// recorded skipped.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, snapshotLedger, type TestApp } from '../helpers/app'
import { csvText, encode, runImport, stage, writeFile } from '../helpers/importFiles'
import type { StatusImportReport } from '../../shared/importFormat'

let app: TestApp
beforeEach(async () => {
  app = await createTestApp()
  await app.loginAs('admin1')
})
afterEach(() => app.close())

const MAPPING = { ibContractId: 'ご利用者番号', event: '事象', occurredOn: '発生日' }
const ibOf = (status: string, n = 0) =>
  (app.ctx.sqlite.prepare('SELECT ib_contract_id FROM customers WHERE otp_status = ? ORDER BY id LIMIT 1 OFFSET ?').get(status, n) as { ib_contract_id: string })
    .ib_contract_id
const statusOf = (ib: string) => (app.ctx.sqlite.prepare('SELECT otp_status FROM customers WHERE ib_contract_id = ?').get(ib) as { otp_status: string }).otp_status

async function run(rows: string[][], mode: 'dry_run' | 'apply', stagingId?: string) {
  const id = stagingId ?? (await stage(app.ctx, writeFile(app.dir, 'status.csv', encode(csvText([['ご利用者番号', '事象', '発生日'], ...rows]), 'cp932'))))
  const job = await runImport(app, { stagingId: id, kind: 'status', mapping: MAPPING, mode })
  return { id, job, report: job.report as StatusImportReport }
}

describe('IB centre status list', () => {
  it('a dry run says what each line would change and which lines the status table refuses; apply records them as センター連携', async () => {
    const waiting = ibOf('awaiting_issue')
    const inUse = ibOf('in_use')
    const unregistered = ibOf('unregistered')
    const rows = [
      [waiting, 'トークン発行', '2026/11/20'],
      [waiting, '利用開始', '2026-11-21'], // follows the line above: トークン発行済 -> サービス利用中
      [inUse, '閉塞', 'R8.11.21'],
      [unregistered, '閉塞', '2026-11-21'],
      ['9999999999', '利用開始', '2026-11-21'],
      [waiting, '爆発', '2026-11-21'],
    ]
    const before = snapshotLedger(app.ctx, ['settings'])
    const { id, report, job } = await run(rows, "dry_run")
    expect(job.error).toBeNull()
    expect(snapshotLedger(app.ctx, ['settings'])).toBe(before)
    expect(report.counts).toEqual({ recorded: 3, skipped: 0, refused: 3 })
    expect(report.outcomes.map((o) => [o.line, o.event, o.from, o.to])).toEqual([
      [2, 'トークン発行', '発行待ち', 'トークン発行済'],
      [3, '利用開始', 'トークン発行済', 'サービス利用中'],
      [4, '閉塞（10回連続誤入力）', 'サービス利用中', '閉塞'],
    ])
    expect(report.refused).toEqual([
      { line: 5, reasons: [expect.stringContaining('登録状況が「未登録」のため、「閉塞（10回連続誤入力）」は記録できません。')] },
      { line: 6, reasons: ['IB契約者ID 9999999999 のお客さまが見つかりません'] },
      { line: 7, reasons: ['事象「爆発」はトークン発行・利用開始・閉塞・発行規制のいずれでもありません'] },
    ])

    const applied = await run(rows, 'apply', id)
    expect(applied.job.error).toBeNull()
    expect(applied.report.counts).toEqual({ recorded: 3, skipped: 0, refused: 3 })
    expect(statusOf(waiting)).toBe('in_use')
    expect(statusOf(inUse)).toBe('blocked')
    expect(statusOf(unregistered)).toBe('unregistered')
    const events = app.ctx.sqlite
      .prepare("SELECT event_kind, event_source, occurred_on FROM otp_history WHERE event_source = 'centre_feed' ORDER BY id")
      .all()
    expect(events).toEqual([
      { event_kind: 'token_issued', event_source: 'centre_feed', occurred_on: '2026-11-20' },
      { event_kind: 'use_started', event_source: 'centre_feed', occurred_on: '2026-11-21' },
      { event_kind: 'blocked', event_source: 'centre_feed', occurred_on: '2026-11-21' },
    ])
    // The customer screen shows the source as センター連携.
    await app.loginAs('teller1', 't')
    const c = (await app.ok('customers.search', { ibContractId: inUse }, 't'))[0]!
    const detail = await app.ok('customers.get', { customerId: c.id }, 't')
    expect(detail.history[0]).toMatchObject({ eventKind: 'blocked', eventSource: 'centre_feed', occurredOn: '2026-11-21' })
    expect(detail.wrongEntryCount).toBe(10)

    // The same list again: every recorded line is skipped, nothing changes.
    const after = snapshotLedger(app.ctx, ['settings'])
    const again = await run(rows, 'dry_run')
    expect(again.report.counts).toMatchObject({ recorded: 0, skipped: 3 })
    await run(rows, 'apply', again.id)
    expect(snapshotLedger(app.ctx, ['settings'])).toBe(after)
  })

  it('finds the customer by account when the list has no IB契約者ID, and refuses events for a closed customer', async () => {
    const c = app.ctx.sqlite.prepare("SELECT id, account_number FROM customers WHERE otp_status = 'in_use' LIMIT 1").get() as { id: number; account_number: string }
    app.ctx.sqlite.prepare("UPDATE customers SET closed_on = '2026-11-01' WHERE id = ?").run(c.id)
    const f = writeFile(app.dir, 'acct.tsv', encode(csvText([['店番', '科目', '口座', '状態', '日付'], ['001', '普通', c.account_number, '閉塞', '2026-11-21']], '\t'), 'utf-8-bom'))
    const stagingId = await stage(app.ctx, f)
    const job = await runImport(app, {
      stagingId,
      kind: 'status',
      mapping: { ibContractId: '', branchCode: '店番', accountType: '科目', accountNumber: '口座', event: '状態', occurredOn: '日付' },
      mode: 'dry_run',
    })
    expect((job.report as StatusImportReport).refused[0]!.reasons[0]).toContain('解約済み（2026-11-01）のため、事象は記録できません')
  })
})
