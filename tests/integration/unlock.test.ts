// 閉塞解除: verification at the counter, 役席認証, four eyes. Each rule has a test that fails
// without it; every refusal leaves the ledger's business tables as they were and is audited.
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../db/seed'
import { baseForm, unlockForm, type CustomerRow } from '../helpers/forms'
import { ENGINES, createEngineApp, type EngineApp } from '../helpers/engines'

describe.each(ENGINES)('on the %s ledger', (engine) => {
  let app: EngineApp
  /** A test that writes behind the services on purpose (a tampered form, a damaged setting). */
  let tamperedOnPurpose = false
  afterEach(async () => {
    // The journal verifies after every flow that went through the services only.
    if (app?.ctx.ledger.isOpen() && !tamperedOnPurpose) await app.expectVerifies()
    tamperedOnPurpose = false
    await app?.close()
  })

  const blocked = async (n = 0): Promise<CustomerRow> => (await app.customersIn('blocked'))[n]!
  const decide = (requestId: number, version: number, over: Record<string, unknown> = {}) => ({
    requestId,
    version,
    supervisorLoginId: 'super1',
    supervisorPassword: DEMO_PASSWORD,
    decision: 'approve' as const,
    ...over,
  })

  async function setup(): Promise<void> {
    app = await createEngineApp(engine)
    await app.loginAs('teller1', 'counter')
  }

  describe('閉塞解除', () => {
    it('a supervisor approves at the counter with their own credentials: サービス利用中, count reset, who verified and who approved', async () => {
      await setup()
      const c = await blocked()
      expect(c.wrong_entry_count).toBe(10)
      const req = await app.ok('requests.receiveUnlock', unlockForm(c), 'counter')
      expect(req).toMatchObject({ kind: 'unlock', state: 'pending_review', repeatUnlock: null })
      expect(req.form).toMatchObject({ kind: 'unlock', verification: { idDocumentMatches: true, fraudSuspected: false } })
      // The counter terminal is logged in as the teller; the supervisor types their credentials.
      const done = await app.ok('requests.decideUnlock', decide(req.id, req.version), 'counter')
      expect(done).toMatchObject({ state: 'approved', reviewedByName: '高橋 健一' })
      const after = (await app.customerRow(c.id))
      expect(after).toMatchObject({ otp_status: 'in_use', wrong_entry_count: 0 })
      const h = (await app.ok('customers.get', { customerId: c.id }, 'counter')).history
      expect(h[0]).toMatchObject({ kind: 'request_approved', actorName: '高橋 健一', fromStatus: 'blocked', toStatus: 'in_use' })
      expect(h[0]!.note).toContain('役席認証により承認（端末操作：佐藤 美咲）')
      expect(h[1]).toMatchObject({ kind: 'request_received', actorName: '佐藤 美咲' })
      const audit = (await app.auditRows()).filter((a) => a.action === 'requests.decideUnlock')
      expect(audit).toHaveLength(1)
      expect(audit[0]).toMatchObject({ outcome: 'ok', actor_login_id: 'super1' })
      expect(JSON.parse(audit[0]!.detail_json!)).toMatchObject({ terminalOperator: 'teller1', auth: 'supervisor_credentials' })
      expect((await app.auditRows()).some((a) => a.action === 'auth.supervisorAuth' && a.outcome === 'ok')).toBe(true)
    })

    it('a wrong supervisor password is refused, audited, counts toward the lockout, and changes nothing', async () => {
      await setup()
      const req = await app.ok('requests.receiveUnlock', unlockForm(await blocked()), 'counter')
      const before = (await app.snapshot()).replace(/"failed_attempts":\d+/g, '')
      for (let i = 1; i <= 4; i++) {
        const e = await app.err('requests.decideUnlock', decide(req.id, req.version, { supervisorPassword: 'not-it-1' }), 'counter')
        expect(e.code).toBe('LOGIN_FAILED')
      }
      expect((await app.snapshot()).replace(/"failed_attempts":\d+/g, '')).toBe(before)
      const fifth = await app.err('requests.decideUnlock', decide(req.id, req.version, { supervisorPassword: 'not-it-1' }), 'counter')
      expect(fifth.code).toBe('ACCOUNT_LOCKED')
      expect((await app.auditRows()).filter((a) => a.action === 'auth.supervisorAuth' && a.outcome === 'refused')).toHaveLength(5)
      // super1 is now locked: the right password no longer helps, but another supervisor can.
      expect((await app.err('requests.decideUnlock', decide(req.id, req.version), 'counter')).code).toBe('ACCOUNT_LOCKED')
      await app.ok('requests.decideUnlock', decide(req.id, req.version, { supervisorLoginId: 'super2' }), 'counter')
    })

    it('four eyes: not the supervisor who received it, not a teller, not through the plain approval', async () => {
      await setup()
      await app.loginAs('super1', 'sup')
      const own = await app.ok('requests.receiveUnlock', unlockForm(await blocked(0)), 'sup')
      const other = await app.ok('requests.receiveUnlock', unlockForm(await blocked(1)), 'counter')
      const before = await app.snapshot()

      // The supervisor who received it, with their own (correct) credentials.
      expect((await app.err('requests.decideUnlock', decide(own.id, own.version), 'sup')).code).toBe('SELF_APPROVAL')
      // A teller typing their own credentials.
      const t = await app.err('requests.decideUnlock', decide(other.id, other.version, { supervisorLoginId: 'teller2' }), 'counter')
      expect(t).toMatchObject({ code: 'NOT_A_SUPERVISOR', message: '入力された職員IDは役席ではないため、承認・差戻しできません。役席の方が自分の職員IDとパスワードを入力してください。' })
      // A teller calling the plain approval directly (bypassing the UI).
      expect((await app.err('requests.approve', { requestId: other.id, version: other.version }, 'counter')).code).toBe('FORBIDDEN_ROLE')
      // A logged-in supervisor without 役席認証.
      expect((await app.err('requests.approve', { requestId: other.id, version: other.version }, 'sup')).code).toBe('SUPERVISOR_AUTH_REQUIRED')
      expect((await app.err('requests.return', { requestId: other.id, version: other.version, reason: 'x' }, 'sup')).code).toBe('SUPERVISOR_AUTH_REQUIRED')
      expect(await app.snapshot()).toBe(before)

      const refused = (await app.auditRows())
        .filter((a) => a.outcome === 'refused')
        .map((a) => [a.action, a.actor_login_id, JSON.parse(a.detail_json!).reason])
      expect(refused).toEqual([
        ['requests.decideUnlock', 'super1', 'SELF_APPROVAL'],
        ['requests.decideUnlock', 'teller2', 'NOT_A_SUPERVISOR'],
        ['requests.approve', 'teller1', 'FORBIDDEN_ROLE'],
        ['requests.approve', 'super1', 'SUPERVISOR_AUTH_REQUIRED'],
        ['requests.return', 'super1', 'SUPERVISOR_AUTH_REQUIRED'],
      ])
    })

    it('an approval is valid for that request at that version only: stale and replayed decisions are refused', async () => {
      await setup()
      const req = await app.ok('requests.receiveUnlock', unlockForm(await blocked()), 'counter')
      const before = await app.snapshot()
      expect((await app.err('requests.decideUnlock', decide(req.id, req.version + 1), 'counter')).code).toBe('STALE_VERSION')
      expect((await app.snapshot()).replace(/"failed_attempts":\d+|"last_login_at":"[^"]*"/g, '')).toBe(before.replace(/"failed_attempts":\d+|"last_login_at":"[^"]*"/g, ''))
      await app.ok('requests.decideUnlock', decide(req.id, req.version), 'counter')
      const historyRows = async () => (await app.rows("SELECT count(*) AS n FROM otp_history WHERE kind = 'request_approved'"))[0]
      const n = await historyRows()
      const replay = await app.err('requests.decideUnlock', decide(req.id, req.version), 'counter')
      expect(replay.code).toBe('REQUEST_NOT_PENDING')
      expect(await historyRows()).toEqual(n)
    })

    it('only from 閉塞, with a message naming the status', async () => {
      await setup()
      const c = (await app.customersIn('in_use'))[0]!
      const before = await app.snapshot()
      const e = await app.err('requests.receiveUnlock', unlockForm(c), 'counter')
      expect(e).toMatchObject({ code: 'REQUEST_NOT_ALLOWED', message: '登録状況が「サービス利用中」のため、「閉塞解除」は受け付けられません。' })
      expect(await app.snapshot()).toBe(before)
      expect((await app.ok('customers.get', { customerId: (await blocked()).id }, 'counter')).allowedRequests).toContain('unlock')
    })

    it('fraud suspected: no unlock, the branch takes a 利用停止 instead', async () => {
      await setup()
      const c = await blocked()
      const withoutHistory = await app.snapshot(['otp_history'])
      const e = await app.err('requests.receiveUnlock', unlockForm(c, { fraudSuspected: true }), 'counter')
      expect(e).toMatchObject({ code: 'FRAUD_SUSPECTED', message: '不正利用の疑いがあるため閉塞解除はできません。利用停止の手続きをしてください。' })
      // No request, no status change; the refusal itself is on the record (refusals.test.ts).
      expect(await app.snapshot(['otp_history'])).toBe(withoutHistory)
      expect((await app.rows('SELECT count(*) AS n FROM otp_requests'))[0]).toEqual({ n: 0 })
      expect((await app.customerRow(c.id)).otp_status).toBe('blocked')
      const stop = await app.ok('requests.receiveSuspension', { ...baseForm(c), reason: 'suspected_fraud' }, 'counter')
      expect(stop).toMatchObject({ kind: 'suspension', resultStatus: 'suspended' })
    })

    it('fraud ticked on a corrected unlock is refused at 再提出, and a tampered form is refused at approval', async () => {
      await setup()
      const c = await blocked()
      const req = await app.ok('requests.receiveUnlock', unlockForm(c), 'counter')
      const r = await app.ok('requests.decideUnlock', decide(req.id, req.version, { decision: 'return', reason: '経緯を再確認' }), 'counter')
      const corrected = { kind: 'unlock' as const, ...unlockForm(c, { fraudSuspected: true }) }
      const before = await app.snapshot()
      expect((await app.err('requests.resubmit', { requestId: req.id, version: r.version, form: corrected }, 'counter')).code).toBe('FRAUD_SUSPECTED')
      expect(await app.snapshot()).toBe(before)
      const again = await app.ok('requests.resubmit', { requestId: req.id, version: r.version, form: { kind: 'unlock', ...unlockForm(c) } }, 'counter')
      // Even if the stored form said otherwise (written around the services), approval refuses.
      const stored = JSON.parse(((await app.rows('SELECT form_json FROM otp_requests WHERE id = ?', req.id))[0] as { form_json: string }).form_json)
      stored.verification.fraudSuspected = true
      tamperedOnPurpose = true
      await app.behind('UPDATE otp_requests SET form_json = ? WHERE id = ?', JSON.stringify(stored), req.id)
      expect((await app.err('requests.decideUnlock', decide(req.id, again.version), 'counter')).code).toBe('FRAUD_SUSPECTED')
      expect((await app.customerRow(c.id)).otp_status).toBe('blocked')
    })

    it('a failed 役席認証 is audited with the terminal operator and the request', async () => {
      await setup()
      const req = await app.ok('requests.receiveUnlock', unlockForm(await blocked()), 'counter')
      await app.err('requests.decideUnlock', decide(req.id, req.version, { supervisorPassword: 'wrong-one-1' }), 'counter')
      const row = (await app.auditRows()).filter((a) => a.action === 'auth.supervisorAuth').at(-1)!
      expect(row).toMatchObject({ outcome: 'refused', actor_login_id: 'super1' })
      expect(JSON.parse(row.detail_json!)).toMatchObject({ reason: 'LOGIN_FAILED', terminalOperator: 'teller1', requestId: req.id })
    })

    it('a damaged repeat-period setting falls back to the default instead of breaking approvals', async () => {
      await setup()
      tamperedOnPurpose = true
      await app.behind("INSERT INTO settings(key, value) VALUES ('unlock_repeat_days', 'abc')")
      expect(await app.ok('settings.get', {}, 'counter')).toMatchObject({ unlockRepeatDays: 30 })
      const req = await app.ok('requests.receiveUnlock', unlockForm(await blocked()), 'counter')
      await app.ok('requests.decideUnlock', decide(req.id, req.version), 'counter')
    })

    it('a returned unlock (差戻し through 役席認証) needs a reason and goes back to the teller', async () => {
      await setup()
      const req = await app.ok('requests.receiveUnlock', unlockForm(await blocked()), 'counter')
      const noReason = await app.err('requests.decideUnlock', decide(req.id, req.version, { decision: 'return' }), 'counter')
      expect(noReason.fields).toEqual({ reason: '差戻しの理由を入力してください' })
      const r = await app.ok('requests.decideUnlock', decide(req.id, req.version, { decision: 'return', reason: '閉塞の経緯を詳しく聴取してください' }), 'counter')
      expect(r).toMatchObject({ state: 'returned', returnReason: '閉塞の経緯を詳しく聴取してください' })
      expect((await app.ok('requests.returnedToMe', {}, 'counter')).items.map((x) => x.id)).toEqual([req.id])
      expect((await app.customerRow(r.customerId)).otp_status).toBe('blocked')
    })

    it('a repeated unlock within the period needs the supervisor to acknowledge it; the period is the administrator’s', async () => {
      await setup()
      const c = await blocked()
      const first = await app.ok('requests.receiveUnlock', unlockForm(c), 'counter')
      await app.ok('requests.decideUnlock', decide(first.id, first.version), 'counter')
      // Blocked again ten days later.
      app.clock.now = new Date(app.clock.now.getTime() + 10 * 86400_000)
      await app.loginAs('teller1', 'counter')
      const again = (await app.customerRow(c.id))
      await app.ok('events.record', { customerId: c.id, customerVersion: again.version, kind: 'blocked', occurredOn: '2026-12-01', source: 'centre' }, 'counter')
      const second = await app.ok('requests.receiveUnlock', { ...unlockForm(c), applicationDate: '2026-12-01' }, 'counter')
      expect(second.repeatUnlock).toMatchObject({ count: 1, days: 30 })
      const before = (await app.snapshot()).replace(/"failed_attempts":\d+|"last_login_at":"[^"]*"/g, '')
      const e = await app.err('requests.decideUnlock', decide(second.id, second.version), 'counter')
      expect(e.code).toBe('REPEAT_UNLOCK_NOT_ACKNOWLEDGED')
      expect(e.message).toContain('過去30日以内にこのお客さまの閉塞解除が1回あります')
      expect((await app.snapshot()).replace(/"failed_attempts":\d+|"last_login_at":"[^"]*"/g, '')).toBe(before)
      await app.ok('requests.decideUnlock', decide(second.id, second.version, { acknowledgeRepeat: true }), 'counter')
      expect((await app.rows('SELECT repeat_unlock_acknowledged AS a FROM otp_requests WHERE id = ?', second.id))[0]).toEqual({ a: 1 })

      // With a period of 5 days set by the administrator, the first unlock (10 days ago) no longer counts.
      await app.loginAs('admin1', 'adm')
      expect((await app.err('settings.update', { unlockRepeatDays: 0 }, 'adm')).fields).toEqual({ unlockRepeatDays: '日数は1日以上にしてください' })
      expect(await app.ok('settings.update', { unlockRepeatDays: 5 }, 'adm')).toMatchObject({ unlockRepeatDays: 5 })
      app.clock.now = new Date(app.clock.now.getTime() + 6 * 86400_000)
      await app.loginAs('teller1', 'counter')
      const now3 = (await app.customerRow(c.id))
      await app.ok('events.record', { customerId: c.id, customerVersion: now3.version, kind: 'blocked', occurredOn: '2026-12-07', source: 'customer' }, 'counter')
      const third = await app.ok('requests.receiveUnlock', { ...unlockForm(c), applicationDate: '2026-12-07' }, 'counter')
      expect(third.repeatUnlock).toBeNull()
      await app.ok('requests.decideUnlock', decide(third.id, third.version), 'counter')
    })
  })
})
