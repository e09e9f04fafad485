// Structured logs (pino, JSON lines) in <data folder>/logs/app.log. Error codes are English; what
// the user sees is the Japanese message of the same code.
//
// Writing the log never throws: on a full disk (or a log folder that vanished) the line is
// dropped and counted, and the next line that can be written says how many were lost. The app
// goes on answering with its Japanese messages whether or not the log can be written.
import fs from 'node:fs'
import path from 'node:path'
import pino, { type DestinationStream, type Logger } from 'pino'

export class FailSafeLogFile implements DestinationStream {
  private fd: number | null = null
  /** Lines that could not be written since the last one that could. */
  dropped = 0
  private brokenLine = false

  constructor(readonly file: string) {}

  write(line: string): void {
    try {
      if (this.fd === null) {
        fs.mkdirSync(path.dirname(this.file), { recursive: true })
        this.fd = fs.openSync(this.file, 'a')
      }
      // A line cut short by the failure is ended before anything else is written after it.
      const prefix = this.brokenLine ? '\n' : ''
      const notice = this.dropped
        ? `${JSON.stringify({ level: 40, time: Date.now(), code: 'LOG_LINES_DROPPED', dropped: this.dropped, msg: 'log lines were lost (disk full or log unwritable)' })}\n`
        : ''
      // A full disk may take part of a line (a short write) before refusing the rest.
      const bytes = Buffer.from(prefix + notice + line)
      for (let off = 0; off < bytes.length; ) off += fs.writeSync(this.fd, bytes, off)
      this.dropped = 0
      this.brokenLine = false
    } catch {
      this.dropped++
      this.brokenLine = true
      if (this.fd !== null) {
        try {
          fs.closeSync(this.fd)
        } catch {
          // already unusable
        }
        this.fd = null // opened again at the next line (the folder may be back, or space)
      }
    }
  }
}

export function createLogger(dataDir: string | null, level = process.env.OTP_LOG_LEVEL ?? 'info'): Logger {
  if (!dataDir) return pino({ level: 'silent' })
  return pino({ level, base: { pid: process.pid } }, new FailSafeLogFile(path.join(dataDir, 'logs', 'app.log')))
}
