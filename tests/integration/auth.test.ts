import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, auditRows, type TestApp } from '../helpers/app'
import { DEMO_PASSWORD } from '../../db/seed'

let app: TestApp
afterEach(() => app?.close())

describe('staff login and lockout', () => {
  it('logs in with the right password and keeps the identity on the main side', async () => {
    app = await createTestApp()
    const user = await app.ok('auth.login', { loginId: 'teller1', password: DEMO_PASSWORD }, 'w1')
    expect(user).toMatchObject({ loginId: 'teller1', role: 'teller', branchCode: '001' })
    expect((await app.ok('auth.state', {}, 'w1')).user?.loginId).toBe('teller1')
    // Another window/tab has its own session.
    expect((await app.ok('auth.state', {}, 'w2')).user).toBeNull()
    expect(auditRows(app.ctx).at(-1)).toMatchObject({ action: 'auth.login', outcome: 'ok' })
  })

  it('five consecutive wrong passwords lock the account until an administrator unlocks it', async () => {
    app = await createTestApp()
    for (let i = 1; i <= 4; i++) {
      const e = await app.err('auth.login', { loginId: 'teller1', password: 'wrong-password-1' })
      expect(e.code).toBe('LOGIN_FAILED')
      expect(e.message).toBe('職員IDまたはパスワードが違います。')
    }
    const fifth = await app.err('auth.login', { loginId: 'teller1', password: 'wrong-password-1' })
    expect(fifth.code).toBe('ACCOUNT_LOCKED')
    expect(fifth.message).toContain('5回続けて間違えた')
    // Now even the right password is refused.
    expect((await app.err('auth.login', { loginId: 'teller1', password: DEMO_PASSWORD })).code).toBe('ACCOUNT_LOCKED')

    const audit = auditRows(app.ctx).filter((r) => r.actor_login_id === 'teller1')
    expect(audit.filter((r) => r.action === 'auth.login' && r.outcome === 'refused')).toHaveLength(6)
    expect(audit.filter((r) => r.action === 'auth.lockout')).toHaveLength(1)

    // A teller cannot unlock; an administrator can.
    await app.loginAs('teller2', 't2')
    const staffId = (app.ctx.sqlite.prepare("SELECT id FROM staff WHERE login_id='teller1'").get() as { id: number }).id
    expect((await app.err('staff.unlock', { staffId }, 't2')).code).toBe('FORBIDDEN_ROLE')
    await app.loginAs('admin1', 'adm')
    const unlocked = await app.ok('staff.unlock', { staffId }, 'adm')
    expect(unlocked).toMatchObject({ locked: false, failedAttempts: 0 })
    expect(auditRows(app.ctx).at(-1)).toMatchObject({ action: 'staff.unlock', outcome: 'ok', actor_login_id: 'admin1' })
    await app.loginAs('teller1')
  })

  it('guesses sent in parallel cannot get past the lockout, even with the right password among them', async () => {
    app = await createTestApp()
    const guesses = Array.from({ length: 8 }, (_, i) => app.raw('auth.login', { loginId: 'super1', password: `guess-${i}-wrong` }, `g${i}`))
    const right = app.raw('auth.login', { loginId: 'super1', password: DEMO_PASSWORD }, 'right')
    const results = await Promise.all([...guesses, right])
    expect(results.filter((r) => r.ok)).toHaveLength(0)
    expect((await app.ok('auth.state', {}, 'right')).user).toBeNull()
    const row = app.ctx.sqlite.prepare("SELECT locked_at FROM staff WHERE login_id='super1'").get() as { locked_at: string | null }
    expect(row.locked_at).not.toBeNull()
    // No more than five passwords were actually checked: the rest were refused unchecked.
    const refused = auditRows(app.ctx).filter((r) => r.actor_login_id === 'super1' && r.action === 'auth.login')
    expect(refused).toHaveLength(9)
    expect(auditRows(app.ctx).filter((r) => r.action === 'auth.lockout')).toHaveLength(1)
  })

  it('a lockout ends the sessions the staff member already has', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 'counter')
    for (let i = 0; i < 5; i++) await app.err('auth.login', { loginId: 'teller1', password: 'wrong-password-1' }, 'elsewhere')
    expect((await app.err('customers.search', { kana: 'タナカ' }, 'counter')).code).toBe('NOT_AUTHENTICATED')
  })

  it('a deactivated account cannot log in', async () => {
    app = await createTestApp()
    app.ctx.sqlite.prepare("UPDATE staff SET active = 0 WHERE login_id = 'teller2'").run()
    expect((await app.err('auth.login', { loginId: 'teller2', password: DEMO_PASSWORD })).code).toBe('ACCOUNT_INACTIVE')
  })

  it('an administrator resets a forgotten password: the old one stops working, the lock is lifted', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 'counter')
    for (let i = 0; i < 5; i++) await app.err('auth.login', { loginId: 'teller1', password: 'forgot-it-1' })
    await app.loginAs('admin1', 'adm')
    const staffId = (app.ctx.sqlite.prepare("SELECT id FROM staff WHERE login_id='teller1'").get() as { id: number }).id
    const weak = await app.err('staff.resetPassword', { staffId, password: 'short' }, 'adm')
    expect(weak.fields?.password).toBe('パスワードは10文字以上にしてください')
    expect(await app.ok('staff.resetPassword', { staffId, password: 'new-secret-2027' }, 'adm')).toMatchObject({ locked: false, failedAttempts: 0 })
    expect((await app.err('auth.login', { loginId: 'teller1', password: DEMO_PASSWORD })).code).toBe('LOGIN_FAILED')
    await app.ok('auth.login', { loginId: 'teller1', password: 'new-secret-2027' })
    expect(auditRows(app.ctx).some((a) => a.action === 'staff.resetPassword' && a.actor_login_id === 'admin1')).toBe(true)
  })

  it('a successful login resets the count of wrong passwords', async () => {
    app = await createTestApp()
    for (let i = 0; i < 4; i++) await app.err('auth.login', { loginId: 'super1', password: 'nope-nope-1' })
    await app.loginAs('super1')
    for (let i = 0; i < 4; i++) await app.err('auth.login', { loginId: 'super1', password: 'nope-nope-1' })
    await app.loginAs('super1') // still not locked: the count started again
  })

  it('an unknown login ID gets the same answer and is audited', async () => {
    app = await createTestApp()
    const e = await app.err('auth.login', { loginId: 'nobody', password: 'whatever-1' })
    expect(e.code).toBe('LOGIN_FAILED')
    expect(auditRows(app.ctx).at(-1)).toMatchObject({ action: 'auth.login', outcome: 'refused', actor_login_id: 'nobody' })
  })

  it('logout ends the session', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    await app.ok('auth.logout', {})
    expect((await app.err('customers.search', { kana: 'タナカ' })).code).toBe('NOT_AUTHENTICATED')
  })

  it('an idle session expires after 30 minutes', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    app.clock.now = new Date(app.clock.now.getTime() + 31 * 60 * 1000)
    expect((await app.err('customers.search', { kana: 'タナカ' })).code).toBe('NOT_AUTHENTICATED')
  })

  it('a session in constant use still ends 12 hours after the login (one working day)', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const start = app.clock.now.getTime()
    // A call every 29 minutes for 11 h 36 min: never idle long enough to expire.
    for (let m = 29; m <= 12 * 60 - 29; m += 29) {
      app.clock.now = new Date(start + m * 60 * 1000)
      expect((await app.raw('customers.search', { kana: 'タナカ' })).ok, `after ${m} min`).toBe(true)
    }
    app.clock.now = new Date(start + (12 * 60 + 1) * 60 * 1000)
    expect((await app.err('customers.search', { kana: 'タナカ' })).code).toBe('NOT_AUTHENTICATED')
    await app.loginAs('teller1') // a new login starts a new day
    expect((await app.raw('customers.search', { kana: 'タナカ' })).ok).toBe(true)
  })

  it('a login on a window someone is still logged in to logs that person out, on the record', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    await app.loginAs('super1')
    expect((await app.ok('auth.state', {})).user?.loginId).toBe('super1')
    const rows = auditRows(app.ctx).filter((r) => r.action === 'auth.logout')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ actor_login_id: 'teller1', outcome: 'ok' })
    expect(JSON.parse(rows[0]!.detail_json!)).toEqual({ reason: 'replaced_by_login', by: 'super1' })
  })
})

describe('a fresh production ledger', () => {
  it('has no staff, no demo data and no default password: it asks for the first administrator', async () => {
    app = await createTestApp({ demo: false })
    expect(await app.ok('auth.state', {})).toEqual({ needsSetup: true, user: null, sessionIdleMs: 30 * 60 * 1000 })
    expect(app.ctx.sqlite.prepare('SELECT count(*) AS n FROM customers').get()).toEqual({ n: 0 })
    expect((await app.err('auth.login', { loginId: 'admin1', password: DEMO_PASSWORD })).code).toBe('LOGIN_FAILED')
    expect((await app.ok('system.info', {})).demo).toBe(false)

    const weak = await app.err('auth.setupFirstAdmin', { institutionName: '大町信用組合', branchCode: '101', branchName: '大町支店', branchPhone: '018-800-1234', loginId: 'kanri', name: '管理 太郎', password: 'short' })
    expect(weak.code).toBe('VALIDATION_FAILED')
    expect(weak.fields?.password).toBe('パスワードは10文字以上にしてください')

    const admin = await app.ok('auth.setupFirstAdmin', {
      institutionName: '大町信用組合',
      branchCode: '１０１',
      branchName: '大町支店',
      branchPhone: '０１８-８００-１２３４',
      loginId: 'kanri',
      name: '管理 太郎',
      password: 'first-admin-2026',
    })
    expect(admin).toMatchObject({ role: 'admin', branchCode: '101', branchName: '大町支店', mustChangePassword: false })
    // The setup asked for what the receipts print: the institution and the branch's telephone.
    expect(await app.ok('settings.get', {})).toMatchObject({ institutionName: '大町信用組合', branchPhone: '018-800-1234' })
    expect((await app.ok('auth.state', {})).needsSetup).toBe(false)
    // Only once.
    const again = await app.err('auth.setupFirstAdmin', { institutionName: 'x', branchCode: '101', branchName: 'x', branchPhone: '018-800-1234', loginId: 'kanri2', name: 'x', password: 'first-admin-2026' }, 'other')
    expect(again.code).toBe('SETUP_ALREADY_DONE')
    // The administrator creates staff.
    const t = await app.ok('staff.create', { loginId: 'madoguchi1', name: '窓口 一郎', role: 'teller', password: 'teller-pass-2026' })
    expect(t).toMatchObject({ role: 'teller', locked: false })
    expect((await app.err('staff.create', { loginId: 'madoguchi1', name: '重複', role: 'teller', password: 'teller-pass-2026' })).code).toBe('LOGIN_ID_TAKEN')
  })

  it('refuses to load demo data into a production ledger', async () => {
    app = await createTestApp({ demo: false })
    const dir = app.dir
    app.close()
    const { openApp } = await import('../../electron/main/ledger')
    await expect(openApp({ dataDir: dir, demo: true, transport: 'ipc', version: 't' })).rejects.toMatchObject({ code: 'DEMO_ON_REAL_LEDGER' })
    app = await createTestApp({ demo: false, dir })
  })
})
