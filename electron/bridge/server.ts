// The browser-preview bridge: serves the built renderer and the dispatcher over HTTP on 127.0.0.1
// so the real renderer runs in a real browser where Electron cannot (QA machines, CI). It is a
// second thin transport over the same dispatcher; the packaged app never starts it (it is not part
// of the electron-vite build and electron-builder.yml excludes this folder).
// Guards:
// - loopback only; Host and Origin checked against the bound address (no DNS rebinding);
// - a random token per run, served in the page and required on every API call;
// - the session is bound to a cookie the server sets with the page (HttpOnly, SameSite=Strict):
//   the page's script cannot read it, another site cannot send it, and no id the page chooses
//   names a session. Session keys never go to the log;
// - the event stream only for a logged-in session, ended when the session ends;
// - 401 and 413 answered from the headers, before any of the body is read (the connection is
//   closed rather than drained); bodies over 1 MiB are refused;
// - password checks (login, 役席認証) limited per browser and in total, so a flood of logins
//   (even for unknown IDs) cannot starve everyone else.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { AppError } from '../../shared/errors'
import type { LedgerChangedEvent } from '../../shared/operations'
import type { AppContext } from '../main/context'
import { dispatch } from '../main/dispatcher'
import { uploadImportFile } from '../main/services/imports'

export interface Bridge {
  url: string
  token: string
  close(): Promise<void>
}

export const MAX_BODY = 1024 * 1024
export const SESSION_COOKIE = 'otp_sid'
/** Password checks one browser may start per minute. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10
/** Password checks running at once (scrypt holds a worker thread each), and waiting beyond those. */
const PASSWORD_CHECKS_AT_ONCE = 2
const PASSWORD_CHECKS_WAITING = 8
const MAX_BROWSERS = 1000
const PASSWORD_OPS = new Set(['auth.login', 'requests.decideUnlock'])

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
}

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieOf(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=')
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim()
  }
  return undefined
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        req.pause()
        reject(new BodyTooLarge())
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Admits at most `atOnce` tasks together and `waiting` more in line; the rest are refused at once. */
class Gate {
  private running = 0
  private readonly queue: Array<() => void> = []
  constructor(
    private readonly atOnce: number,
    private readonly waiting: number,
  ) {}
  async run<T>(task: () => Promise<T>): Promise<T | null> {
    if (this.running >= this.atOnce) {
      if (this.queue.length >= this.waiting) return null
      await new Promise<void>((resolve) => this.queue.push(resolve))
    } else this.running++
    try {
      return await task()
    } finally {
      const next = this.queue.shift()
      if (next) next()
      else this.running--
    }
  }
}

interface BrowserSession {
  /** Start times of recent password checks (for the per-browser limit). */
  attempts: number[]
  streams: Set<http.ServerResponse>
}

export async function startBridge(ctx: AppContext, opts: { rendererDir: string; port?: number }): Promise<Bridge> {
  const token = randomBytes(24).toString('base64url')
  const rendererDir = path.resolve(opts.rendererDir)
  const indexFile = path.join(rendererDir, 'index.html')
  if (!fs.existsSync(indexFile)) throw new Error(`renderer not built: ${indexFile} is missing (run npm run build)`)
  const browsers = new Map<string, BrowserSession>()
  const passwordGate = new Gate(PASSWORD_CHECKS_AT_ONCE, PASSWORD_CHECKS_WAITING)
  let allowedHosts: string[] = []
  const keyOf = (sid: string) => `http:${sid}`

  const onChanged = (e: LedgerChangedEvent) => {
    for (const [sid, b] of browsers) {
      if (!b.streams.size) continue
      // The stream lives only as long as the login: a session that ended gets no more events.
      if (!ctx.sessions.peek(keyOf(sid))) {
        for (const res of b.streams) res.end()
        b.streams.clear()
        continue
      }
      for (const res of b.streams) res.write(`data: ${JSON.stringify(e)}\n\n`)
    }
  }
  ctx.events.on('changed', onChanged)

  const headers = (type: string, extra: Record<string, string> = {}) => ({
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    ...extra,
  })
  const send = (res: http.ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8') => {
    res.writeHead(status, headers(type))
    res.end(body)
  }
  /** Answers without reading the request's body, and closes the connection instead of draining it. */
  const refuse = (req: http.IncomingMessage, res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, headers('application/json; charset=utf-8', { Connection: 'close' }))
    res.end(body, () => req.destroy())
  }
  const envelope = (error: AppError) => JSON.stringify({ ok: false, error: error.toPayload() })

  const server = http.createServer(async (req, res) => {
    try {
      if (!allowedHosts.includes(req.headers.host ?? '')) return refuse(req, res, 421, '{"error":"bad host"}')
      const origin = req.headers.origin
      if (origin && !allowedHosts.some((h) => origin === `http://${h}`)) return refuse(req, res, 403, '{"error":"bad origin"}')
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`)

      if (url.pathname.startsWith('/api/')) {
        const given = (req.headers['x-otp-token'] as string | undefined) ?? url.searchParams.get('token') ?? undefined
        const sid = cookieOf(req, SESSION_COOKIE)
        const browser = sid ? browsers.get(sid) : undefined
        if (!sameToken(given, token) || !sid || !browser) return refuse(req, res, 401, '{"error":"not authorised"}')
        // A file to import (顧客データ取込): the page sends its bytes, streamed to the main side's
        // staging area with the import's own size limit (not MAX_BODY); the page never names a path.
        if (url.pathname === '/api/upload' && req.method === 'POST') {
          const name = (url.searchParams.get('name') ?? 'import.csv').slice(0, 200)
          return send(res, 200, JSON.stringify(await uploadImportFile(ctx, keyOf(sid), name, req)))
        }
        const length = Number(req.headers['content-length'] ?? 0)
        if (length > MAX_BODY) return refuse(req, res, 413, envelope(new AppError('PAYLOAD_TOO_LARGE')))

        if (url.pathname === '/api/events' && req.method === 'GET') {
          if (!ctx.sessions.peek(keyOf(sid))) return refuse(req, res, 401, '{"error":"login required"}')
          res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' })
          res.write(': connected\n\n')
          browser.streams.add(res)
          req.on('close', () => browser.streams.delete(res))
          res.on('error', () => browser.streams.delete(res)) // a tab that vanished mid-write
          return
        }
        const m = /^\/api\/op\/([A-Za-z.]+)$/.exec(url.pathname)
        if (m && req.method === 'POST') {
          const op = m[1]!
          let payload: unknown
          try {
            const raw = await readBody(req)
            payload = raw ? JSON.parse(raw) : {}
          } catch (err) {
            if (err instanceof BodyTooLarge) return refuse(req, res, 413, envelope(new AppError('PAYLOAD_TOO_LARGE')))
            return send(res, 400, envelope(new AppError('VALIDATION_FAILED', '送信内容を読み取れません。')))
          }
          // A refresh the page made on its own (X-OTP-Background: 1) does not renew the session.
          const background = req.headers['x-otp-background'] === '1'
          const call = () => dispatch(ctx, op, payload, keyOf(sid), { background }) // unknown names too: the dispatcher refuses and logs them
          if (!PASSWORD_OPS.has(op)) return send(res, 200, JSON.stringify(await call()))
          const now = Date.now()
          browser.attempts = browser.attempts.filter((t) => now - t < 60_000)
          if (browser.attempts.length >= LOGIN_ATTEMPTS_PER_MINUTE) {
            ctx.logger.warn({ code: 'RATE_LIMITED', op }, 'bridge: password checks over the per-browser limit')
            return send(res, 429, envelope(new AppError('RATE_LIMITED')))
          }
          browser.attempts.push(now)
          const result = await passwordGate.run(call)
          if (!result) {
            ctx.logger.warn({ code: 'RATE_LIMITED', op }, 'bridge: too many password checks at once')
            return send(res, 429, envelope(new AppError('RATE_LIMITED')))
          }
          return send(res, 200, JSON.stringify(result))
        }
        return send(res, 404, '{"error":"not found"}')
      }

      if (req.method !== 'GET') return refuse(req, res, 405, '')
      let pathname: string
      try {
        pathname = decodeURIComponent(url.pathname)
      } catch {
        return send(res, 400, 'bad path', 'text/plain')
      }
      const rel = pathname === '/' ? 'index.html' : pathname.slice(1)
      const file = path.resolve(rendererDir, rel)
      if (!file.startsWith(rendererDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile())
        return send(res, 404, 'not found', 'text/plain')
      if (file === indexFile) {
        // The page comes with its browser's session cookie (kept across reloads while it is known).
        let sid = cookieOf(req, SESSION_COOKIE)
        if (!sid || !browsers.has(sid)) {
          sid = randomBytes(32).toString('base64url')
          browsers.set(sid, { attempts: [], streams: new Set() })
          // A page fetched over and over must not grow the map for ever: the oldest idle browsers go.
          for (const [old, b] of browsers) {
            if (browsers.size <= MAX_BROWSERS) break
            if (!b.streams.size && !ctx.sessions.peek(keyOf(old))) browsers.delete(old)
          }
        }
        const html = fs
          .readFileSync(file, 'utf8')
          .replace('</head>', `<meta name="otp-bridge-token" content="${token}">\n</head>`)
        res.writeHead(200, headers(TYPES['.html']!, { 'Set-Cookie': `${SESSION_COOKIE}=${sid}; HttpOnly; SameSite=Strict; Path=/` }))
        return res.end(html)
      }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'X-Content-Type-Options': 'nosniff',
      })
      fs.createReadStream(file).pipe(res)
    } catch (err) {
      try {
        ctx.logger.error({ code: 'BRIDGE_REQUEST_FAILED', err }, 'bridge request failed')
      } catch {
        // the log may be on a full disk; the answer below still goes out
      }
      if (!res.headersSent) send(res, 500, envelope(new AppError('INTERNAL')))
      else res.end()
    }
  })
  // A client that vanishes mid-request must not take the process down.
  server.on('clientError', (_err, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`]
  ctx.logger.info({ port }, 'browser-preview bridge listening on loopback')
  return {
    url: `http://127.0.0.1:${port}/`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        ctx.events.off('changed', onChanged)
        for (const b of browsers.values()) for (const r of b.streams) r.end()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
