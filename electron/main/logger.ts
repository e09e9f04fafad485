// Structured logs (pino, JSON lines) in <data folder>/logs/app.log. Error codes are English; what
// the user sees is the Japanese message of the same code.
import fs from 'node:fs'
import path from 'node:path'
import pino, { type Logger } from 'pino'

export function createLogger(dataDir: string | null, level = process.env.OTP_LOG_LEVEL ?? 'info'): Logger {
  if (!dataDir) return pino({ level: 'silent' })
  const dir = path.join(dataDir, 'logs')
  fs.mkdirSync(dir, { recursive: true })
  return pino({ level, base: { pid: process.pid } }, pino.destination({ dest: path.join(dir, 'app.log'), mkdir: true, sync: true }))
}
