// The browser-preview bridge: loopback only, the per-run token required, Host/Origin checked, the
// session bound to an HttpOnly SameSite=Strict cookie the server sets (never an id the page
// chooses), no session key in the log, the event stream only behind a login, 401/413 answered
// before a body is read, password checks rate-limited per browser and in total.
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGIN_ATTEMPTS_PER_MINUTE, startBridge, type Bridge } from '../../electron/bridge/server'
import { createTestApp, tempDir, type TestApp } from '../helpers/app'
import { TestBrowser } from '../helpers/bridge'
import { DEMO_PASSWORD } from '../../db/seed'

let app: TestApp
let bridge: Bridge

beforeAll(async () => {
  app = await createTestApp()
  const rendererDir = tempDir('otp-renderer-')
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<html><head><title>t</title></head><body></body></html>')
  fs.writeFileSync(path.join(rendererDir, 'app.js'), 'console.log(1)')
  bridge = await startBridge(app.ctx, { rendererDir })
})
afterAll(async () => {
  await bridge.close()
  app.close()
})

/** A raw request with a forged Host header (fetch will not send one). */
function rawGet(pathname: string, host: string): Promise<number> {
  const u = new URL(bridge.url)
  return new Promise((resolve, reject) => {
    http.get({ host: u.hostname, port: u.port, path: pathname, headers: { Host: host } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    }).on('error', reject)
  })
}

/** Sends only the headers of a huge POST (and a few bytes), never the rest of the body, and
 * returns the status line the server answers with and whether it then closed the connection
 * (rather than waiting to drain 100 MB). */
function headersOnly(headers: Record<string, string>): Promise<{ status: string; closed: boolean }> {
  const u = new URL(bridge.url)
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname, () => {
      const lines = Object.entries({ Host: u.host, 'Content-Type': 'application/json', 'Content-Length': String(100 * 1024 * 1024), ...headers })
      sock.write(`POST /api/op/auth.login HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n{"loginId":`)
    })
    let got = ''
    const status = () => got.split('\r\n')[0]!
    const timer = setTimeout(() => {
      sock.destroy()
      if (got) resolve({ status: status(), closed: false })
      else reject(new Error('no answer before the body: the server is waiting for it'))
    }, 3000)
    sock.on('data', (d) => (got += d.toString()))
    sock.on('close', () => {
      clearTimeout(timer)
      resolve({ status: status(), closed: true })
    })
    sock.on('error', () => undefined) // a reset after the answer counts as closed
  })
}

/** One call on a connection of its own (not queued behind the test's other fetches). */
function rawPost(b: TestBrowser, op: string): Promise<string> {
  const u = new URL(bridge.url)
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: `/api/op/${op}`, method: 'POST', agent: false, headers: { 'X-OTP-Token': bridge.token, Cookie: b.cookie, 'Content-Type': 'application/json' } },
      (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve(body))
      },
    )
    req.on('error', reject)
    req.end('{}')
  })
}

describe('HTTP bridge', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(new URL(bridge.url).hostname).toBe('127.0.0.1')
  })

  it('serves the page with the per-run token and an HttpOnly SameSite=Strict session cookie', async () => {
    const res = await fetch(bridge.url)
    expect(await res.text()).toContain(`<meta name="otp-bridge-token" content="${bridge.token}">`)
    expect(res.headers.get('set-cookie')).toMatch(/^otp_sid=[A-Za-z0-9_-]{40,}; HttpOnly; SameSite=Strict; Path=\/$/)
    expect((await fetch(new URL('/app.js', bridge.url))).status).toBe(200)
    // fetch() would normalise '..' away before sending; a raw request does not.
    expect(await rawGet('/..%2f..%2f..%2fetc%2fpasswd', new URL(bridge.url).host)).toBe(404)
    expect(await rawGet('/../../../etc/passwd', new URL(bridge.url).host)).toBe(404)
    expect(await rawGet('/%E0%A4%A', new URL(bridge.url).host)).toBe(400)
  })

  it('keeps one session per browser, bound to the cookie; an id the page chooses names nothing', async () => {
    const a = await new TestBrowser(bridge).open()
    const b = await new TestBrowser(bridge).open()
    expect(await a.json('auth.login', { loginId: 'teller1', password: DEMO_PASSWORD })).toMatchObject({ ok: true, value: { loginId: 'teller1' } })
    const found = await a.json('customers.search', { kana: 'ﾀﾅｶ' })
    expect(found.ok).toBe(true)
    expect(await b.json('customers.search', { kana: 'ﾀﾅｶ' })).toMatchObject({ ok: false, error: { code: 'NOT_AUTHENTICATED' } })
    // Reloading the page keeps the same session.
    expect(await (await a.open()).json('customers.search', { kana: 'ﾀﾅｶ' })).toMatchObject({ ok: true })
    // The old client id header is not a credential, and a made-up cookie is refused outright.
    expect((await b.call('customers.search', { kana: 'ﾀﾅｶ' }, { 'X-OTP-Client': 'tab-0000-1111' })).status).toBe(200)
    expect((await b.call('system.info', {}, { Cookie: 'otp_sid=made-up-by-the-page' })).status).toBe(401)
    expect((await b.call('system.info', {}, { Cookie: '' })).status).toBe(401)
  })

  it('writes no session key to the log', async () => {
    const a = await new TestBrowser(bridge).open()
    await a.json('auth.login', { loginId: 'teller2', password: DEMO_PASSWORD })
    await a.json('no.such.op', {})
    await new TestBrowser(bridge).open().then((b) => b.json('customers.search', { kana: 'ﾀﾅｶ' })) // NOT_AUTHENTICATED, logged
    const log = fs.readFileSync(path.join(app.dir, 'logs', 'app.log'), 'utf8')
    expect(log).toContain('NOT_AUTHENTICATED')
    expect(log).not.toContain(a.cookie.split('=')[1]!)
    expect(log).not.toMatch(/sessionKey|http:/)
  })

  it('takes a file to import only from an administrator\'s logged-in browser with the token, and stages its bytes under an id', async () => {
    const upload = (b: TestBrowser, token = bridge.token) =>
      fetch(new URL('/api/upload?name=' + encodeURIComponent('顧客.csv'), bridge.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', 'X-OTP-Token': token, Cookie: b.cookie },
        body: Buffer.from('店番,口座番号\r\n001,1000001\r\n'),
      })
    const anonymous = await new TestBrowser(bridge).open()
    expect((await upload(anonymous, 'wrong')).status).toBe(401)
    expect(await (await upload(anonymous)).json()).toMatchObject({ ok: false, error: { code: 'NOT_AUTHENTICATED' } })
    const teller = await new TestBrowser(bridge).open()
    await teller.json('auth.login', { loginId: 'teller2', password: DEMO_PASSWORD })
    expect(await (await upload(teller)).json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ROLE' } })
    const admin = await new TestBrowser(bridge).open()
    await admin.json('auth.login', { loginId: 'admin1', password: DEMO_PASSWORD })
    const staged = await (await upload(admin)).json()
    expect(staged).toMatchObject({ ok: true, value: { fileName: '顧客.csv', size: 34 } })
    expect(staged.value.stagingId).toMatch(/^[0-9a-f-]{36}$/)
    const seen = await admin.json('imports.inspect', { stagingId: staged.value.stagingId, kind: 'customers' })
    expect(seen).toMatchObject({ ok: true, value: { header: ['店番', '口座番号'], encodingLabel: 'UTF-8' } })
  })

  it('refuses calls without the token, with a wrong token, or from a foreign origin', async () => {
    const a = await new TestBrowser(bridge).open()
    expect((await a.call('system.info', {}, { 'X-OTP-Token': '' })).status).toBe(401)
    expect((await a.call('system.info', {}, { 'X-OTP-Token': 'x'.repeat(32) })).status).toBe(401)
    expect((await a.call('system.info', {}, { Origin: 'http://evil.example' })).status).toBe(403)
    expect(await rawGet('/', 'evil.example:80')).toBe(421)
  })

  it('answers 401 and 413 from the headers, before reading a 100 MB body', async () => {
    const a = await new TestBrowser(bridge).open()
    expect(await headersOnly({})).toEqual({ status: expect.stringMatching(/^HTTP\/1\.1 401/), closed: true })
    expect(await headersOnly({ 'X-OTP-Token': bridge.token })).toEqual({ status: expect.stringMatching(/^HTTP\/1\.1 401/), closed: true }) // no cookie
    expect(await headersOnly({ 'X-OTP-Token': bridge.token, Cookie: a.cookie })).toEqual({ status: expect.stringMatching(/^HTTP\/1\.1 413/), closed: true })
    // A body sent without a length is cut off at the limit.
    const big = await fetch(new URL('/api/op/auth.login', bridge.url), {
      method: 'POST',
      headers: { 'X-OTP-Token': bridge.token, Cookie: a.cookie },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 3; i++) c.enqueue(new Uint8Array(512 * 1024).fill(32))
          c.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } })
    expect((await a.call('system.info', {})).status).toBe(200) // and the bridge goes on
  })

  it('refuses unknown operations and unreadable bodies with an error envelope', async () => {
    const a = await new TestBrowser(bridge).open()
    expect(await a.json('db.exec', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } })
    const res = await fetch(new URL('/api/op/auth.login', bridge.url), {
      method: 'POST',
      headers: { 'X-OTP-Token': bridge.token, Cookie: a.cookie },
      body: '{not json',
    })
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } })
  })

  it('streams ledger changes only to a logged-in browser, and ends the stream at logout', async () => {
    const a = await new TestBrowser(bridge).open()
    const ac = new AbortController()
    expect((await a.events(ac.signal)).status).toBe(401)
    await a.json('auth.login', { loginId: 'super1', password: DEMO_PASSWORD })
    const res = await a.events(ac.signal)
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    await reader.read() // ': connected'
    app.ctx.events.emitChanged({ kind: 'request_received', customerId: 7, requestId: 9 })
    const { value } = await reader.read()
    expect(new TextDecoder().decode(value)).toBe('data: {"kind":"request_received","customerId":7,"requestId":9}\n\n')
    await a.json('auth.logout', {})
    app.ctx.events.emitChanged({ kind: 'request_received', customerId: 8, requestId: 10 })
    expect((await reader.read()).done).toBe(true)
    ac.abort()
  })

  it('limits password checks per browser, and a flood of unknown-ID logins does not starve the others', async () => {
    const flood = await new TestBrowser(bridge).open()
    const other = await new TestBrowser(bridge).open()
    const order: string[] = []
    const logins = Array.from({ length: 300 }, (_, i) =>
      flood.call('auth.login', { loginId: `nobody${i}`, password: 'wrong-password-1' }).then(async (r) => {
        order.push(`login${r.status}`)
        return { status: r.status, body: await r.json() }
      }),
    )
    // Once the flood is being answered, the other browser asks something on a connection of its own.
    await Promise.race(logins)
    const info = rawPost(other, 'system.info').then((r) => {
      order.push('info')
      return r
    })
    const results = await Promise.all(logins)
    expect(JSON.parse(await info)).toMatchObject({ ok: true })
    const limited = results.filter((r) => r.status === 429)
    expect(limited.length).toBeGreaterThanOrEqual(300 - LOGIN_ATTEMPTS_PER_MINUTE)
    expect(limited[0]!.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', message: expect.stringMatching(/しばらく/) } })
    expect(results.filter((r) => r.status === 200).every((r) => r.body.error.code === 'LOGIN_FAILED')).toBe(true)
    // At most 10 of the 300 were checked at all: the rest cost the server an answer from memory.
    expect(order.filter((o) => o === 'login200').length).toBeLessThanOrEqual(LOGIN_ATTEMPTS_PER_MINUTE)
    // Another browser's own login still goes through.
    expect(await other.json('auth.login', { loginId: 'teller1', password: DEMO_PASSWORD })).toMatchObject({ ok: true })
  })

  it('lets only a few password checks run at once across browsers; the rest are refused at once', async () => {
    const browsers = await Promise.all(Array.from({ length: 40 }, () => new TestBrowser(bridge).open()))
    const results = await Promise.all(browsers.map((b, i) => b.call('auth.login', { loginId: `ghost${i}`, password: 'x1234567890' })))
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(10)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30)
  })
})
