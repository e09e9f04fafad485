// A counter day through the dispatcher, on a ledger built by the benchmark's generator: every
// request kind, 検印, 差戻し/再提出/取消, 閉塞解除, events, every form and the journal, staff and
// settings, the 監査ログ照会, and the screens opened beside the counter (集計, the CSV exports, the
// head office's views). The query-plan test (tests/integration/query-plans.test.ts) plans
// every statement it issues on SQLite; tests/pg/statements.test.ts prepares each on PostgreSQL.
import { expect } from 'vitest'
import { DEMO_PASSWORD } from '../../db/seed'
import type { TestApp } from './app'
import { baseForm, newApplicationForm, suspensionForm, unlockForm, type CustomerRow } from './forms'

/** A customer in `status` with no request yet. */
export function freshCustomer(app: TestApp, status: string, skip = 0): CustomerRow {
  return app.ctx.sqlite
    .prepare(
      `SELECT * FROM customers WHERE otp_status = ? AND id > 50 AND id NOT IN (SELECT customer_id FROM otp_requests) ORDER BY id LIMIT 1 OFFSET ?`,
    )
    .get(status, skip) as CustomerRow
}

export async function counterDay(app: TestApp): Promise<void> {
  const fresh = (status: string, skip = 0) => freshCustomer(app, status, skip)
  const date = '2026-11-20'
  const form = (c: CustomerRow) => ({ ...baseForm(c, date) })

  // A counter day, through the dispatcher.
  await app.ok('system.info', {}, 't')
  await app.ok('auth.state', {}, 't')
  await app.loginAs('teller1', 't')
  await app.loginAs('super1', 's')
  await app.loginAs('admin1', 'a')
  await app.ok('settings.get', {}, 't')
  await app.ok('settings.update', { unlockRepeatDays: 30 }, 'a')
  const staff = await app.ok('staff.create', { loginId: 'teller9', name: '窓口 九郎', role: 'teller', password: 'password-2026x' }, 'a')
  await app.ok('staff.resetPassword', { staffId: staff.id, password: 'password-2027x' }, 'a')
  for (let i = 0; i < 5; i++) await app.raw('auth.login', { loginId: 'teller9', password: 'wrong-password' }, 'x')
  await app.ok('staff.unlock', { staffId: staff.id }, 'a')
  await app.ok('staff.list', {}, 'a')

  const c = fresh('in_use')
  await app.ok('customers.search', { branchCode: c.account_branch_code, accountNumber: c.account_number }, 't')
  await app.ok('customers.search', { kana: 'タナカ' }, 't')
  await app.ok('customers.search', { kana: 'タナカ', branchCode: '002' }, 't')
  // By name in kanji, from the surname or the given name (folded keys, 0012).
  await app.ok('customers.search', { name: '田中' }, 't')
  await app.ok('customers.search', { name: '花子', branchCode: '002' }, 't')
  await app.ok('customers.search', { ibContractId: c.ib_contract_id }, 't')
  await app.ok('customers.get', { customerId: c.id }, 't')

  const news = await app.ok('requests.receiveNewApplication', { ...newApplicationForm(fresh('unregistered'), date) }, 't')
  const susp = await app.ok('requests.receiveSuspension', { ...suspensionForm(c), applicationDate: date }, 't')
  await app.ok('requests.receiveResumption', form(fresh('suspended')), 't')
  await app.ok('requests.receiveCancellation', form(fresh('token_issued')), 't')
  await app.ok('requests.receiveRestrictionRelease', form(fresh('issuance_restricted')), 't')
  const unlock = await app.ok('requests.receiveUnlock', { ...unlockForm(fresh('blocked')), applicationDate: date }, 't')
  await app.raw('requests.receiveUnlock', { ...unlockForm(fresh('blocked', 1), { fraudSuspected: true }), applicationDate: date }, 't')

  // The queue and the returned list are read one screen at a time (the first, then the next).
  const firstScreen = await app.ok('requests.pendingReview', { limit: 2 }, 's')
  expect(firstScreen.nextCursor).not.toBeNull()
  await app.ok('requests.pendingReview', { limit: 2, after: firstScreen.nextCursor! }, 's')
  await app.ok('requests.get', { requestId: unlock.id }, 's')
  await app.ok('requests.approve', { requestId: news.id, version: news.version }, 's')
  const returned = await app.ok('requests.return', { requestId: susp.id, version: susp.version, reason: '記載漏れ' }, 's')
  const returnedScreen = await app.ok('requests.returnedToMe', {}, 't')
  expect(returnedScreen.total).toBe(1)
  const again = await app.ok('requests.resubmit', { requestId: returned.id, version: returned.version, form: { kind: 'suspension', ...suspensionForm(c), applicationDate: date } }, 't')
  await app.ok('requests.withdraw', { requestId: again.id, version: again.version, reason: 'お客さまのお申し出' }, 't')
  // Issue 13: an urgent stop superseding an open request, a takeover, a supervisor's withdrawal,
  // a fraud refusal on the record, the teller's list of the day, the on-screen journal.
  await app.loginAs('teller2', 't2')
  const other = fresh('in_use', 2)
  await app.ok('requests.receiveCancellation', form(other), 't2')
  await app.ok('requests.receiveSuspension', { ...suspensionForm(other), applicationDate: date }, 't')
  const third = fresh('in_use', 3)
  const toTake = await app.ok('requests.receiveCancellation', form(third), 't')
  const back = await app.ok('requests.return', { requestId: toTake.id, version: toTake.version, reason: '記載漏れ' }, 's')
  const taken = await app.ok('requests.takeOver', { requestId: toTake.id, version: back.version }, 't2')
  await app.ok('requests.withdraw', { requestId: toTake.id, version: taken.version, reason: '担当者不在' }, 's')
  await app.ok('refusals.recordUnlockFraud', { customerId: fresh('blocked', 2).id, verification: { othersMayHaveTried: true } }, 't')
  await app.ok('requests.myDay', {}, 't')
  await app.ok('requests.myDay', {}, 't2')
  const page = await app.ok('journal.list', { businessDate: date, limit: 2 }, 's')
  await app.ok('journal.list', { businessDate: date, limit: 2, cursor: page.nextCursor }, 's')
  await app.ok('journal.list', { businessDate: date, state: 'approved', kind: 'unlock' }, 's')
  await app.ok('journal.list', { businessDate: date, state: 'returned' }, 's')
  await app.ok('journal.list', { businessDate: date, kind: 'suspension' }, 's')
  await app.ok(
    'requests.decideUnlock',
    { requestId: unlock.id, version: unlock.version, decision: 'approve', supervisorLoginId: 'super1', supervisorPassword: DEMO_PASSWORD },
    't',
  )
  const blocked = fresh('in_use', 1)
  await app.ok('events.record', { customerId: blocked.id, customerVersion: blocked.version, kind: 'blocked', occurredOn: date, source: 'centre' }, 't')

  for (const f of ['customer_receipt', 'completion_notice', 'handling_record'] as const) {
    await app.ok('forms.preview', { form: f, requestId: unlock.id }, 't')
    await app.ok('forms.print', { form: f, requestId: unlock.id }, 't')
  }
  await app.ok('forms.previewDailyJournal', { businessDate: date }, 's')
  await app.ok('forms.printDailyJournal', { businessDate: date }, 's')
  // 監査ログ照会 (issue 15): each filter alone, a few together, the next page, one entry, the export;
  // a supervisor (one branch) and an administrator (every branch).
  await app.raw('requests.approve', { requestId: 'x' }, 's') // a malformed call: recorded as a refusal
  const period = { from: '2026-11-01', to: '2026-11-30' }
  const filters = [
    {},
    { staffLoginId: 'teller1' },
    { action: 'requests.approve' as const },
    { outcome: 'refused' as const },
    { customerId: c.id },
    { accountBranchCode: c.account_branch_code, accountNumber: c.account_number },
    { receiptNo: news.receiptNo },
    { staffLoginId: 'teller1', action: 'requests.receiveSuspension' as const, outcome: 'ok' as const },
  ]
  for (const f of filters) {
    await app.ok('audit.search', { ...period, ...f }, 's')
    await app.ok('audit.search', { ...period, ...f }, 'a')
  }
  await app.ok('audit.search', { ...period, branchCode: '001', action: 'auth.login' }, 'a')
  const first = await app.ok('audit.search', period, 's')
  const last = first.entries[first.entries.length - 1]!
  await app.ok('audit.search', { ...period, cursor: { at: last.at, id: last.id } }, 's')
  await app.ok('audit.search', { ...period, action: 'requests.approve', cursor: { at: last.at, id: last.id } }, 'a')
  await app.ok('audit.entry', { entryId: last.id }, 's')
  await app.ok('exports.audit', { ...period, encoding: 'utf-8-bom' }, 's')
  await app.ok('exports.audit', { ...period, staffLoginId: 'teller1', encoding: 'cp932' }, 'a')

  // The screens a supervisor, the head office and an administrator open beside the counter: the
  // branches, 集計 and its CSV, the CSV exports of the requests, the day's journal data and the
  // customers (their keyset pages through ledger.rows, read more than one page at a time), the
  // head office's view of one branch's journal and audit trail.
  await app.ok('branches.list', {}, 't')
  await app.ok('figures.summary', period, 's')
  await app.ok('exports.figures', { ...period, encoding: 'utf-8-bom' }, 's')
  await app.ok('exports.requests', { ...period, encoding: 'utf-8-bom' }, 's')
  await app.ok('exports.requests', { ...period, kind: 'unlock', state: 'approved', encoding: 'cp932' }, 's')
  await app.ok('exports.journal', { businessDate: date, encoding: 'utf-8-bom' }, 's')
  await app.loginAs('honbu1', 'h')
  await app.ok('figures.summary', period, 'h')
  await app.ok('figures.summary', { ...period, branchCode: '002' }, 'h')
  await app.ok('exports.figures', { ...period, encoding: 'cp932' }, 'h')
  await app.ok('exports.requests', { ...period, encoding: 'utf-8-bom' }, 'h')
  await app.ok('exports.requests', { ...period, branchCode: '002', state: 'pending_review', encoding: 'utf-8-bom' }, 'h')
  await app.ok('exports.journal', { businessDate: date, branchCode: '001', encoding: 'utf-8-bom' }, 'h')
  await app.ok('journal.list', { businessDate: date, branchCode: '001' }, 'h')
  await app.ok('audit.search', { ...period, branchCode: '001' }, 'h')
  await app.ok('exports.audit', { ...period, branchCode: '002', encoding: 'utf-8-bom' }, 'h')
  await app.ok('exports.customers', { encoding: 'utf-8-bom' }, 'a')
  await app.ok('exports.customers', { branchCode: '002', encoding: 'cp932' }, 'a')
  await app.ok('auth.logout', {}, 'h')
  await app.ok('auth.logout', {}, 'a')
}
