// Reading an extract handed over by another system (the core banking system's customer master, the
// IB centre's status list): CSV or TSV, CP932 or UTF-8 with or without BOM. The file is read as a
// stream from beginning to end, so memory does not grow with the file; csv-parse does the quoting
// rules and iconv-lite the CP932 decoding. Anything that is not a clean table of text is refused
// as a whole with a Japanese message and an English reason for the log, before a row is used.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { Transform } from 'node:stream'
import { parse, type CsvError } from 'csv-parse'
import iconv from 'iconv-lite'
import { AppError } from '../../../shared/errors'

export type SourceEncoding = 'utf-8' | 'utf-8-bom' | 'cp932'
export const ENCODING_LABELS: Record<SourceEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8（BOM付き）',
  cp932: 'Shift_JIS（CP932）',
}

export interface SourceInfo {
  encoding: SourceEncoding
  delimiter: ',' | '\t'
  header: string[]
  /** The first rows after the header, decoded, to show before anything is written. */
  sample: string[][]
  sha256: string
  size: number
}

/** One line of data: its line number in the file (the header is line 1) and its fields. */
export interface SourceRow {
  line: number
  fields: string[]
}

/** A longest line of a sensible extract is a few hundred bytes; 64 KiB leaves room and stops a
 * 100 MB line before it is held in memory. */
export const MAX_LINE_BYTES = 64 * 1024
const HEAD_BYTES = 256 * 1024

/** A file refused as a whole: `reason` is the English code for the log, the message is Japanese. */
export class FileRefused extends AppError {
  readonly reason: string
  readonly line?: number
  constructor(reason: string, message: string, line?: number) {
    super('IMPORT_FILE_REFUSED', line ? `${line}行目：${message}` : message)
    this.reason = reason
    this.line = line
  }
}

// C0 controls but tab, LF and CR, DEL, and the C1 block: never part of a name or an address.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/
const LINE_BREAK_OR_TAB = /[\t\r\n]/
// Text that went through a wrong decoder once already: UTF-8's lead bytes E3 81..83 read as CP932
// give 縺 繧 繝 followed by a second such character; genuine names almost never do.
const MOJIBAKE = /[縺繧繝][\u3000-\u9FFF\uFF61-\uFF9F]/g

function decoderFor(encoding: SourceEncoding): NodeJS.ReadWriteStream {
  return iconv.decodeStream(encoding === 'cp932' ? 'cp932' : 'utf8', { stripBOM: true })
}

/** Reads the whole file once: its SHA-256, whether it is binary, valid UTF-8, and starts with a BOM. */
async function scan(file: string): Promise<{ sha256: string; size: number; binary: boolean; utf8: boolean; bom: boolean }> {
  const hash = createHash('sha256')
  const utf8 = new TextDecoder('utf-8', { fatal: true })
  let validUtf8 = true
  let binary = false
  let size = 0
  let bom = false
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    if (size === 0) bom = chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf
    size += chunk.length
    hash.update(chunk)
    if (!binary && chunk.includes(0)) binary = true
    if (validUtf8) {
      try {
        utf8.decode(chunk, { stream: true })
      } catch {
        validUtf8 = false
      }
    }
  }
  if (validUtf8) {
    try {
      utf8.decode()
    } catch {
      validUtf8 = false
    }
  }
  return { sha256: hash.digest('hex'), size, binary, utf8: validUtf8, bom }
}

function csvErrorToRefusal(err: CsvError): FileRefused {
  const line = typeof err.lines === 'number' ? err.lines : undefined
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new FileRefused('UNCLOSED_QUOTE', '引用符（"）が閉じられていません。', line)
    case 'CSV_MAX_RECORD_SIZE':
      return new FileRefused('LINE_TOO_LONG', `1行が長すぎます（${MAX_LINE_BYTES / 1024}KB超）。区切り文字や改行が正しいか確認してください。`, line)
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return new FileRefused('FIELD_COUNT', '項目の数が見出し行と違います。', line)
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new FileRefused('BAD_QUOTE', '引用符（"）の使い方が正しくありません。', line)
    default:
      return new FileRefused('CSV_SYNTAX', `CSV・TSVの形式として読めません（${err.code}）。`, line)
  }
}

function checkFields(fields: string[], line: number): void {
  for (const f of fields) {
    if (f.includes('\uFFFD'))
      throw new FileRefused('ENCODING_INVALID', '文字コードとして読めない文字があります。ファイルの文字コード（Shift_JIS・UTF-8）を確認してください。', line)
    if (CONTROL.test(f) || LINE_BREAK_OR_TAB.test(f))
      throw new FileRefused('CONTROL_CHARACTER', '制御文字（改行・タブなど）を含む項目があります。', line)
  }
}

/** Rows of the file in batches, decoded and checked. `onBytes` reports progress in bytes read. */
export async function* readRows(
  file: string,
  info: Pick<SourceInfo, 'encoding' | 'delimiter'>,
  opts: { batchSize?: number; onBytes?: (n: number) => void; maxRows?: number } = {},
): AsyncGenerator<SourceRow[]> {
  const batchSize = opts.batchSize ?? 1000
  let read = 0
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      read += chunk.length
      opts.onBytes?.(read)
      cb(null, chunk)
    },
  })
  const parser = parse({
    delimiter: info.delimiter,
    max_record_size: MAX_LINE_BYTES,
    skip_empty_lines: true,
    info: true,
    relax_column_count: false,
  })
  const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 })
  const source = input.pipe(counter).pipe(decoderFor(info.encoding)).pipe(parser)
  let batch: SourceRow[] = []
  let width = -1
  let rows = 0
  try {
    for await (const item of source as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info: where } = item
      if (width < 0) width = record.length
      else if (record.length !== width) throw new FileRefused('FIELD_COUNT', '項目の数が見出し行と違います。', where.lines)
      checkFields(record, where.lines)
      batch.push({ line: where.lines, fields: record })
      rows++
      if (batch.length >= batchSize) {
        yield batch
        batch = []
      }
      if (opts.maxRows && rows >= opts.maxRows) break
    }
    if (batch.length) yield batch
  } catch (err) {
    if (err instanceof FileRefused) throw err
    if (err && typeof err === 'object' && 'code' in err && String((err as CsvError).code).startsWith('CSV_')) throw csvErrorToRefusal(err as CsvError)
    throw err
  } finally {
    input.destroy()
    parser.destroy()
  }
}

/** Everything shown before anything is written: the encoding found, the delimiter, the header and
 * the first rows. Refuses an empty, binary, wrongly encoded or garbled file. */
export async function inspectSource(file: string): Promise<SourceInfo> {
  const s = await scan(file)
  if (s.size === 0 || (s.bom && s.size === 3)) throw new FileRefused('EMPTY_FILE', 'ファイルが空です。')
  if (s.binary)
    throw new FileRefused('BINARY_FILE', 'テキストのファイルではありません（Excelブックや画像などは取り込めません）。CSVまたはTSVで保存したファイルを選んでください。')
  const encoding: SourceEncoding = s.bom ? (s.utf8 ? 'utf-8-bom' : 'cp932') : s.utf8 ? 'utf-8' : 'cp932'
  if (s.bom && !s.utf8)
    throw new FileRefused('ENCODING_INVALID', 'UTF-8のBOMがあるのにUTF-8として読めない部分があります。ファイルの文字コードを確認してください。')

  // The head, decoded, for the delimiter and the garbled-text check.
  const fd = fs.openSync(file, 'r')
  const head = Buffer.alloc(Math.min(HEAD_BYTES, s.size))
  try {
    fs.readSync(fd, head, 0, head.length, 0)
  } finally {
    fs.closeSync(fd)
  }
  const text = iconv.decode(head, encoding === 'cp932' ? 'cp932' : 'utf8', { stripBOM: true })
  const firstLine = text.split(/\r?\n/, 1)[0] ?? ''
  if (!firstLine.trim()) throw new FileRefused('NO_HEADER', '1行目に見出し（項目名）がありません。')
  const delimiter: ',' | '\t' = (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? '\t' : ','
  if ((text.match(MOJIBAKE)?.length ?? 0) >= 3)
    throw new FileRefused('MOJIBAKE', '文字化けした文字があります（別の文字コードで一度読まれたファイルのようです）。元のファイルを取り出し直してください。')

  const rows: string[][] = []
  for await (const batch of readRows(file, { encoding, delimiter }, { batchSize: 6, maxRows: 6 })) rows.push(...batch.map((r) => r.fields))
  const header = (rows[0] ?? []).map((h) => h.normalize('NFKC').trim())
  if (header.length < 2) throw new FileRefused('NO_HEADER', '見出し行に項目が2つ以上ありません。区切り文字（カンマ・タブ）を確認してください。')
  if (new Set(header).size !== header.length) throw new FileRefused('DUPLICATE_HEADER', '見出し行に同じ項目名が2回以上あります。', 1)
  if (rows.length < 2) throw new FileRefused('NO_ROWS', '見出し行のほかにデータの行がありません。')
  return { encoding, delimiter, header, sample: rows.slice(1), sha256: s.sha256, size: s.size }
}
