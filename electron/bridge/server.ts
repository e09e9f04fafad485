// The browser-preview bridge: serves the built renderer and the dispatcher over HTTP on 127.0.0.1
// so the real renderer runs in a real browser where Electron cannot (QA machines, CI). It is a
// second thin transport over the same dispatcher; the packaged app never starts it (it is not part
// of the electron-vite build and electron-builder.yml excludes this folder).
// Guards: loopback only, a random token per run (served in the page, required on every call),
// Host and Origin checked against the bound address (no DNS rebinding), 1 MiB body limit.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { isOperationName, type LedgerChangedEvent } from '../../shared/operations'
import type { AppContext } from '../main/context'
import { dispatch } from '../main/dispatcher'
import { uploadImportFile } from '../main/services/imports'

export interface Bridge {
  url: string
  token: string
  close(): Promise<void>
}

const MAX_BODY = 1024 * 1024
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

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        reject(new Error('body too large'))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export async function startBridge(ctx: AppContext, opts: { rendererDir: string; port?: number }): Promise<Bridge> {
  const token = randomBytes(24).toString('base64url')
  const rendererDir = path.resolve(opts.rendererDir)
  const indexFile = path.join(rendererDir, 'index.html')
  if (!fs.existsSync(indexFile)) throw new Error(`renderer not built: ${indexFile} is missing (run npm run build)`)
  const sseClients = new Set<http.ServerResponse>()
  let allowedHosts: string[] = []

  const onChanged = (e: LedgerChangedEvent) => {
    for (const res of sseClients) res.write(`data: ${JSON.stringify(e)}\n\n`)
  }
  ctx.events.on('changed', onChanged)

  const send = (res: http.ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8') => {
    res.writeHead(status, {
      'Content-Type': type,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    })
    res.end(body)
  }

  const server = http.createServer(async (req, res) => {
    try {
      if (!allowedHosts.includes(req.headers.host ?? '')) return send(res, 421, '{"error":"bad host"}')
      const origin = req.headers.origin
      if (origin && !allowedHosts.some((h) => origin === `http://${h}`)) return send(res, 403, '{"error":"bad origin"}')
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`)

      if (url.pathname.startsWith('/api/')) {
        const client = (req.headers['x-otp-client'] as string | undefined) ?? url.searchParams.get('client') ?? ''
        const given = (req.headers['x-otp-token'] as string | undefined) ?? url.searchParams.get('token') ?? undefined
        if (!sameToken(given, token)) return send(res, 401, '{"error":"bad token"}')
        if (!/^[A-Za-z0-9-]{8,64}$/.test(client)) return send(res, 400, '{"error":"bad client id"}')

        if (url.pathname === '/api/events' && req.method === 'GET') {
          res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' })
          res.write(': connected\n\n')
          sseClients.add(res)
          req.on('close', () => sseClients.delete(res))
          return
        }
        // A file to import (顧客データ取込): the page sends its bytes, streamed to the main side's
        // staging area with its own size limit; the page never names a path.
        if (url.pathname === '/api/upload' && req.method === 'POST') {
          const name = url.searchParams.get('name') ?? 'import.csv'
          return send(res, 200, JSON.stringify(await uploadImportFile(ctx, `http:${client}`, name, req)))
        }
        const m = /^\/api\/op\/([A-Za-z.]+)$/.exec(url.pathname)
        if (m && req.method === 'POST') {
          const op = m[1]
          let payload: unknown
          try {
            const raw = await readBody(req)
            payload = raw ? JSON.parse(raw) : {}
          } catch {
            return send(res, 400, JSON.stringify({ ok: false, error: { code: 'VALIDATION_FAILED', message: '送信内容を読み取れません。' } }))
          }
          // Unknown names go to the dispatcher too, which refuses and logs them.
          const result = await dispatch(ctx, isOperationName(op) ? op : String(op), payload, `http:${client}`)
          return send(res, 200, JSON.stringify(result))
        }
        return send(res, 404, '{"error":"not found"}')
      }

      if (req.method !== 'GET') return send(res, 405, '')
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
        const html = fs
          .readFileSync(file, 'utf8')
          .replace('</head>', `<meta name="otp-bridge-token" content="${token}">\n</head>`)
        return send(res, 200, html, TYPES['.html'])
      }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'X-Content-Type-Options': 'nosniff',
      })
      fs.createReadStream(file).pipe(res)
    } catch (err) {
      ctx.logger.error({ err }, 'bridge request failed')
      if (!res.headersSent) send(res, 500, '{"error":"internal"}')
    }
  })

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
        for (const r of sseClients) r.end()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
