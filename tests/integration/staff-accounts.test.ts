// Staff accounts that are safe to hand out (issue 13, point 4): one-time passwords, one's own
// change, retire / rename / role change, IDs unique regardless of case and width, four eyes on
// what makes a supervisor or administrator, sessions ended by every such change, and background
// calls that never keep a session alive (point 5). Real ledgers, through the dispatcher.
import { afterEach, describe, expect, it } from 'vitest'
import { embeddedContext } from '../../electron/main/context'
import { dispatch } from '../../electron/main/dispatcher'
import { DEMO_PASSWORD } from '../../db/seed'
import { FIRST_ADMIN_KEY } from '../../electron/main/services/auth'
import { auditRows, createTestApp, snapshotLedger, type TestApp } from '../helpers/app'
import { baseForm, customersIn } from '../helpers/forms'

let app: TestApp
afterEach(() => app?.close())

const idOf = (loginId: string) => (app.ctx.sqlite.prepare('SELECT id FROM staff WHERE login_id = ?').get(loginId) as { id: number }).id
const lastAudit = (action: string) => {
  const row = auditRows(app.ctx).filter((a) => a.action === action).at(-1)
  return row ? { ...row, detail: JSON.parse(row.detail_json ?? 'null') as Record<string, unknown> } : undefined
}
const SUPER2 = { loginId: 'super2', password: DEMO_PASSWORD }

describe('one-time passwords and one\'s own change', () => {
  it('a password an administrator sets works once: nothing but its change until it is changed', async () => {
    app = await createTestApp()
    await app.loginAs('admin1', 'adm')
    const created = await app.ok('staff.create', { loginId: 'madoguchi5', name: '窓口 五郎', role: 'teller', password: 'first-pass-2026' }, 'adm')
    expect(created).toMatchObject({ mustChangePassword: true })

    const user = await app.ok('auth.login', { loginId: 'madoguchi5', password: 'first-pass-2026' }, 'w')
    expect(user.mustChangePassword).toBe(true)
    expect((await app.ok('auth.state', {}, 'w')).user?.mustChangePassword).toBe(true)
    // Every other operation is refused, queries and commands alike.
    expect((await app.err('customers.search', { kana: 'タナカ' }, 'w')).code).toBe('PASSWORD_CHANGE_REQUIRED')
    const c = customersIn(app.ctx, 'token_issued')[0]!
    const before = snapshotLedger(app.ctx)
    expect((await app.err('requests.receiveCancellation', baseForm(c), 'w')).code).toBe('PASSWORD_CHANGE_REQUIRED')
    expect(snapshotLedger(app.ctx)).toBe(before)

    // The change needs the current password, and a new one that differs and meets the policy.
    const wrong = await app.err('auth.changePassword', { currentPassword: 'not-it-2026', newPassword: 'my-own-pass-2026' }, 'w')
    expect(wrong).toMatchObject({ code: 'CURRENT_PASSWORD_WRONG', fields: { currentPassword: '現在のパスワードが違います' } })
    const same = await app.err('auth.changePassword', { currentPassword: 'first-pass-2026', newPassword: 'first-pass-2026' }, 'w')
    expect(same.fields?.newPassword).toBe('新しいパスワードは現在のパスワードと違うものにしてください')
    const weak = await app.err('auth.changePassword', { currentPassword: 'first-pass-2026', newPassword: 'abcdefghijk' }, 'w')
    expect(weak.fields?.newPassword).toBe('パスワードには英字と数字を両方含めてください')

    const changed = await app.ok('auth.changePassword', { currentPassword: 'first-pass-2026', newPassword: 'my-own-pass-2026' }, 'w')
    expect(changed.mustChangePassword).toBe(false)
    await app.ok('customers.search', { kana: 'タナカ' }, 'w') // the same session goes on
    expect((await app.err('auth.login', { loginId: 'madoguchi5', password: 'first-pass-2026' }, 'x')).code).toBe('LOGIN_FAILED')
    expect((await app.ok('auth.login', { loginId: 'madoguchi5', password: 'my-own-pass-2026' }, 'x')).mustChangePassword).toBe(false)
    expect(lastAudit('auth.changePassword')).toMatchObject({ outcome: 'ok', actor_login_id: 'madoguchi5', detail: { wasOneTime: true } })
    expect(lastAudit('staff.create')?.detail).toMatchObject({ oneTimePassword: true })
  })

  it('everyone changes their own password; their other windows are logged out, this one goes on', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 'counter')
    await app.loginAs('teller1', 'back-office')
    await app.ok('auth.changePassword', { currentPassword: DEMO_PASSWORD, newPassword: 'teller-own-2026' }, 'counter')
    await app.ok('customers.search', { kana: 'タナカ' }, 'counter')
    expect((await app.err('customers.search', { kana: 'タナカ' }, 'back-office')).code).toBe('NOT_AUTHENTICATED')
    expect((await app.err('auth.login', { loginId: 'teller1', password: DEMO_PASSWORD }, 'x')).code).toBe('LOGIN_FAILED')
  })

  it('a reset password is one-time too, and the reset ends the sessions the person had', async () => {
    app = await createTestApp()
    await app.loginAs('teller2', 'counter')
    await app.loginAs('admin1', 'adm')
    await app.ok('staff.resetPassword', { staffId: idOf('teller2'), password: 'reset-pass-2026' }, 'adm')
    expect((await app.err('customers.search', { kana: 'タナカ' }, 'counter')).code).toBe('NOT_AUTHENTICATED')
    const pw = await app.firstLogin('teller2', 'reset-pass-2026', 'counter')
    expect(pw).not.toBe('reset-pass-2026')
    await app.ok('customers.search', { kana: 'タナカ' }, 'counter')
  })
})

describe('login IDs are unique regardless of case and width', () => {
  it('refuses TELLER1 and ｔｅｌｌｅｒ１ beside teller1, and logs teller1 in by either', async () => {
    app = await createTestApp()
    await app.loginAs('admin1', 'adm')
    for (const loginId of ['TELLER1', 'Teller1', 'ｔｅｌｌｅｒ１', 'ＴＥＬＬＥＲ１']) {
      const e = await app.err('staff.create', { loginId, name: '重複 太郎', role: 'teller', password: 'first-pass-2026' }, 'adm')
      expect(e.code, loginId).toBe('LOGIN_ID_TAKEN')
      expect(e.fields?.loginId).toContain('大文字・小文字、全角・半角の違いは同じIDとみなします')
    }
    expect(app.ctx.sqlite.prepare("SELECT count(*) AS n FROM staff WHERE lower(login_id) = 'teller1'").get()).toEqual({ n: 1 })
    expect((await app.ok('auth.login', { loginId: 'TELLER1', password: DEMO_PASSWORD }, 'w')).loginId).toBe('teller1')
    // The database itself refuses a second row with the same fold.
    expect(() =>
      app.ctx.sqlite
        .prepare("INSERT INTO staff(login_id, login_key, name, role, branch_id, password_hash, created_at) VALUES ('TELLER1', 'teller1', 'x', 'teller', 1, 'x', 'x')")
        .run(),
    ).toThrow(/UNIQUE/)
  })
})

describe('four eyes on supervisors and administrators', () => {
  it('registering a supervisor needs another administrator or a supervisor, confirmed now; never oneself', async () => {
    app = await createTestApp()
    await app.loginAs('admin1', 'adm')
    const input = { loginId: 'yakuseki3', name: '役席 三郎', role: 'supervisor' as const, password: 'first-pass-2026' }
    const before = snapshotLedger(app.ctx, ['staff'])
    expect(await app.err('staff.create', input, 'adm')).toMatchObject({ code: 'CONFIRMATION_REQUIRED', fields: { 'confirmation.loginId': expect.any(String) } })
    // The acting administrator confirming themselves, in any case or width.
    for (const loginId of ['admin1', 'ADMIN1']) {
      expect((await app.err('staff.create', { ...input, confirmation: { loginId, password: DEMO_PASSWORD } }, 'adm')).code).toBe('CONFIRMER_NOT_ALLOWED')
    }
    // A teller cannot confirm; a wrong password is a failed login of the confirmer.
    expect((await app.err('staff.create', { ...input, confirmation: { loginId: 'teller1', password: DEMO_PASSWORD } }, 'adm')).code).toBe('CONFIRMER_NOT_ALLOWED')
    expect((await app.err('staff.create', { ...input, confirmation: { loginId: 'super2', password: 'wrong-pass-1' } }, 'adm')).code).toBe('LOGIN_FAILED')
    // Nothing changed but the confirmer's count of wrong passwords.
    expect(snapshotLedger(app.ctx, ['staff'])).toBe(before)
    expect(app.ctx.sqlite.prepare("SELECT count(*) AS n FROM staff WHERE login_id = 'yakuseki3'").get()).toEqual({ n: 0 })

    const created = await app.ok('staff.create', { ...input, confirmation: SUPER2 }, 'adm')
    expect(created).toMatchObject({ role: 'supervisor', mustChangePassword: true })
    expect(lastAudit('staff.create')?.detail).toMatchObject({ role: 'supervisor', confirmedBy: { loginId: 'super2', role: 'supervisor' } })
    expect(lastAudit('staff.confirm')).toMatchObject({ outcome: 'ok', actor_login_id: 'super2' })
    const refusals = auditRows(app.ctx).filter((a) => a.action === 'staff.confirm' && a.outcome === 'refused')
    expect(refusals.length).toBeGreaterThanOrEqual(3)

    // An administrator likewise; a supervisor whose password is still one-time cannot confirm.
    const admin = { loginId: 'kanri2', name: '管理 二郎', role: 'admin' as const, password: 'first-pass-2026' }
    expect((await app.err('staff.create', { ...admin, confirmation: { loginId: 'yakuseki3', password: 'first-pass-2026' } }, 'adm')).code).toBe(
      'CONFIRMER_NOT_ALLOWED',
    )
    await app.ok('staff.create', { ...admin, confirmation: { loginId: 'super1', password: DEMO_PASSWORD } }, 'adm')
    // A teller is registered alone.
    expect(await app.ok('staff.create', { loginId: 'madoguchi3', name: '窓口 三郎', role: 'teller', password: 'first-pass-2026' }, 'adm')).toMatchObject({ role: 'teller' })
  })

  it("resetting a supervisor's password needs a second person, never the supervisor concerned", async () => {
    app = await createTestApp()
    await app.loginAs('admin1', 'adm')
    const staffId = idOf('super1')
    const before = snapshotLedger(app.ctx)
    expect((await app.err('staff.resetPassword', { staffId, password: 'admin-knows-2026' }, 'adm')).code).toBe('CONFIRMATION_REQUIRED')
    expect(
      (await app.err('staff.resetPassword', { staffId, password: 'admin-knows-2026', confirmation: { loginId: 'super1', password: DEMO_PASSWORD } }, 'adm')).code,
    ).toBe('CONFIRMER_NOT_ALLOWED')
    expect(snapshotLedger(app.ctx)).toBe(before)
    // Even with the reset, the administrator's password is one-time: it cannot approve anything.
    await app.ok('staff.resetPassword', { staffId, password: 'admin-knows-2026', confirmation: SUPER2 }, 'adm')
    await app.ok('auth.login', { loginId: 'super1', password: 'admin-knows-2026' }, 's1')
    expect((await app.err('requests.pendingReview', {}, 's1')).code).toBe('PASSWORD_CHANGE_REQUIRED')
    expect(lastAudit('staff.resetPassword')?.detail).toMatchObject({ role: 'supervisor', confirmedBy: { loginId: 'super2' } })
    // An administrator cannot reset their own password (they change it themselves).
    expect((await app.err('staff.resetPassword', { staffId: idOf('admin1'), password: 'self-reset-2026' }, 'adm')).code).toBe('SELF_STAFF_CHANGE')
  })

  it('raising a teller to supervisor needs a second person and ends the teller\'s sessions; lowering does not need one', async () => {
    app = await createTestApp()
    await app.loginAs('teller2', 'counter')
    await app.loginAs('admin1', 'adm')
    const staffId = idOf('teller2')
    expect((await app.err('staff.changeRole', { staffId, role: 'supervisor' }, 'adm')).code).toBe('CONFIRMATION_REQUIRED')
    expect((await app.err('staff.changeRole', { staffId, role: 'admin', confirmation: { loginId: 'teller2', password: DEMO_PASSWORD } }, 'adm')).code).toBe(
      'CONFIRMER_NOT_ALLOWED',
    )
    await app.ok('customers.search', { kana: 'タナカ' }, 'counter') // still a teller, still logged in
    expect(await app.ok('staff.changeRole', { staffId, role: 'supervisor', confirmation: SUPER2 }, 'adm')).toMatchObject({ role: 'supervisor' })
    expect((await app.err('customers.search', { kana: 'タナカ' }, 'counter')).code).toBe('NOT_AUTHENTICATED')
    expect((await app.ok('auth.login', { loginId: 'teller2', password: DEMO_PASSWORD }, 'counter')).role).toBe('supervisor')
    await app.ok('requests.pendingReview', {}, 'counter')
    // Back to teller: alone, and the session ends again.
    await app.ok('staff.changeRole', { staffId, role: 'teller' }, 'adm')
    expect((await app.err('requests.pendingReview', {}, 'counter')).code).toBe('NOT_AUTHENTICATED')
    expect(lastAudit('staff.changeRole')?.detail).toMatchObject({ from: 'supervisor', to: 'teller' })
    // One's own role: never.
    expect((await app.err('staff.changeRole', { staffId: idOf('admin1'), role: 'supervisor' }, 'adm')).code).toBe('SELF_STAFF_CHANGE')
  })

  it('only the first administrator, before the ledger\'s first request, acts alone, and it is recorded', async () => {
    app = await createTestApp()
    await app.loginAs('admin1', 'adm')
    app.ctx.sqlite.prepare('INSERT INTO settings(key, value) VALUES (?, ?)').run(FIRST_ADMIN_KEY, String(idOf('admin1')))
    const sup = (loginId: string) => ({ loginId, name: '役席 某', role: 'supervisor' as const, password: 'first-pass-2026' })
    await app.ok('staff.create', sup('yakuseki4'), 'adm')
    expect(lastAudit('staff.create')?.detail).toMatchObject({ soleSetup: true })
    expect(lastAudit('staff.create')?.detail).not.toHaveProperty('confirmedBy')
    // Another administrator (registered during the set-up) never acts alone.
    await app.ok('staff.create', { loginId: 'kanri3', name: '管理 三郎', role: 'admin', password: 'first-pass-2026' }, 'adm')
    await app.firstLogin('kanri3', 'first-pass-2026', 'adm3')
    expect((await app.err('staff.create', sup('yakuseki5'), 'adm3')).code).toBe('CONFIRMATION_REQUIRED')
    // The first request ends the set-up.
    await app.loginAs('teller1', 't')
    await app.ok('requests.receiveCancellation', baseForm(customersIn(app.ctx, 'token_issued')[0]!), 't')
    expect((await app.err('staff.create', sup('yakuseki6'), 'adm')).code).toBe('CONFIRMATION_REQUIRED')
  })
})

describe('retire, rename', () => {
  it('a retired staff member cannot log in, their session ends, their row and history stay', async () => {
    app = await createTestApp()
    await app.loginAs('teller2', 'counter')
    await app.ok('requests.receiveCancellation', baseForm(customersIn(app.ctx, 'token_issued')[0]!), 'counter')
    await app.loginAs('admin1', 'adm')
    const staffId = idOf('teller2')
    expect((await app.err('staff.retire', { staffId, reason: '' }, 'adm')).fields?.reason).toBe('理由を入力してください')
    const retired = await app.ok('staff.retire', { staffId, reason: '人事異動（本部へ）' }, 'adm')
    expect(retired).toMatchObject({ active: false, retiredAt: expect.any(String) })
    expect((await app.err('customers.search', { kana: 'タナカ' }, 'counter')).code).toBe('NOT_AUTHENTICATED')
    expect((await app.err('auth.login', { loginId: 'teller2', password: DEMO_PASSWORD }, 'counter')).code).toBe('ACCOUNT_INACTIVE')
    expect((await app.ok('staff.list', {}, 'adm')).find((s) => s.id === staffId)).toMatchObject({ loginId: 'teller2', active: false })
    expect(app.ctx.sqlite.prepare('SELECT count(*) AS n FROM otp_requests WHERE received_by = ?').get(staffId)).toEqual({ n: 1 })
    expect((await app.err('staff.retire', { staffId, reason: '二度目' }, 'adm')).code).toBe('STAFF_RETIRED')
    expect((await app.err('staff.retire', { staffId: idOf('admin1'), reason: '自分' }, 'adm')).code).toBe('SELF_STAFF_CHANGE')
    // The ID stays taken: the audit trail names people by it.
    expect((await app.err('staff.create', { loginId: 'Teller2', name: 'x', role: 'teller', password: 'first-pass-2026' }, 'adm')).code).toBe('LOGIN_ID_TAKEN')
  })

  it('a rename reaches the person\'s open session at once, and is audited with before and after', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 'counter')
    await app.loginAs('admin1', 'adm')
    await app.ok('staff.rename', { staffId: idOf('teller1'), name: '山田 美咲' }, 'adm')
    expect((await app.ok('auth.state', {}, 'counter')).user?.name).toBe('山田 美咲')
    expect(lastAudit('staff.rename')?.detail).toMatchObject({ before: '佐藤 美咲', after: '山田 美咲' })
  })

  it('a change made by another process (the account version moved) ends the session before its next command', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 'counter')
    app.ctx.sqlite.prepare("UPDATE staff SET auth_version = auth_version + 1 WHERE login_id = 'teller1'").run()
    expect((await app.err('customers.search', { kana: 'タナカ' }, 'counter')).code).toBe('NOT_AUTHENTICATED')
  })
})

describe('the idle time counts only what a person does', () => {
  const minutes = (n: number) => n * 60 * 1000
  const later = (ms: number) => (app.clock.now = new Date(app.clock.now.getTime() + ms))
  const background = (op: string, payload: unknown, key: string) => dispatch(app.ctx, op, payload, key, { background: true })

  it('background refreshes never renew the session; the person\'s own calls and activity do', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 'counter')
    // Others work; the window refreshes every few minutes in the background, nobody touches it.
    for (let i = 0; i < 6; i++) {
      later(minutes(5))
      expect((await background('customers.search', { kana: 'タナカ' }, 'counter')).ok).toBe(true)
    }
    later(minutes(1)) // 31 minutes after the last thing the person did
    expect((await background('requests.returnedToMe', {}, 'counter')).ok).toBe(false)
    expect((await app.err('customers.search', { kana: 'タナカ' }, 'counter')).code).toBe('NOT_AUTHENTICATED')

    // The person's own activity (a key, the pointer: auth.activity) and calls renew it.
    await app.loginAs('teller1', 'counter')
    later(minutes(20))
    await app.ok('auth.activity', {}, 'counter')
    later(minutes(20))
    await app.ok('customers.search', { kana: 'タナカ' }, 'counter')
    later(minutes(29))
    await app.ok('customers.search', { kana: 'タナカ' }, 'counter')
  })

  it('a command is always the person\'s: a background flag on it is ignored', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 'counter')
    later(minutes(29))
    const c = customersIn(app.ctx, 'token_issued')[0]!
    expect((await background('requests.receiveCancellation', baseForm(c), 'counter')).ok).toBe(true)
    later(minutes(29))
    await app.ok('customers.search', { kana: 'タナカ' }, 'counter')
  })

  it('the idle time is the configured one, and auth.state tells the window', async () => {
    const { openApp } = await import('../../electron/main/ledger')
    const { tempDir } = await import('../helpers/app')
    const ctx = embeddedContext(await openApp({ dataDir: tempDir(), demo: true, transport: 'ipc', version: 't', autoBackup: false, sessionIdleMs: 10_000 }))
    try {
      expect(ctx.sessions.idleMs).toBe(10_000)
      const r = await dispatch(ctx, 'auth.state', {}, 'k')
      expect(r).toMatchObject({ ok: true, value: { sessionIdleMs: 10_000 } })
    } finally {
      ctx.sqlite.close()
    }
  })
})
