// Customer master import at scale. Not a test: run it by hand and read the figures.
//   npx tsx tests/bench/import-bench.ts [rows=1000000]
// Writes a CP932 extract of `rows` customers (tricky names included), then on a fresh demo ledger:
// dry run, apply (all new), and a second apply of the same file (all unchanged), each through the
// same service the screen and the command call. Prints rows/second and the peak RSS (VmHWM), and
// how long the event loop was blocked at worst (the counters' operations wait at most that long).
// Floors: 10,000 rows/s for each pass, peak RSS under 400 MB, event-loop block under 500 ms.
import fs from 'node:fs'
import { embeddedContext } from '../../electron/main/context'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import iconv from 'iconv-lite'
import { openApp } from '../../electron/main/ledger'
import { inspectSource } from '../../electron/main/importing/csvSource'
import { runCustomerImport } from '../../electron/main/services/customerImport'

const ROWS = Number(process.argv[2] ?? 1_000_000)
const FLOOR_ROWS_PER_S = 10_000
const FLOOR_RSS_MB = 400
const FLOOR_BLOCK_MS = 500

const KANA = ['タナカ ハナコ', 'ﾀｶﾊｼ ｳﾞｨｸﾄﾙ', 'ヤマザキ ケイコ', 'サトウ ルーシー', 'ﾊｾｶﾞﾜ ｶﾞﾌﾞﾘｴﾙ']
const KANJI = ['田中 花子', '髙橋 ヴィクトル', '山﨑 ヶ子', '佐藤 ルーシー', '長谷川 ガブリエル']

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024
}

async function writeExtract(file: string): Promise<void> {
  const out = fs.createWriteStream(file)
  const write = (s: string) => (out.write(iconv.encode(s, 'cp932')) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())))
  await write('店番,預金種目,口座番号,氏名,フリガナ,生年月日,郵便番号,住所,電話番号,IB契約者ID\r\n')
  let chunk = ''
  for (let i = 0; i < ROWS; i++) {
    const k = i % KANA.length
    const branch = String(100 + (i % 40)).padStart(3, '0')
    chunk += `${branch},普通,${String(i).padStart(7, '0')},${KANJI[k]},${KANA[k]},昭和${(i % 60) + 2}年${(i % 12) + 1}月${(i % 28) + 1}日,010-${String(i % 10000).padStart(4, '0')},秋田県秋田市中通${(i % 9) + 1}丁目${i % 100}-${i % 50},018-${String(800 + (i % 199)).padStart(3, '0')}-${String(i % 10000).padStart(4, '0')},${String(5_000_000_000 + i)}\r\n`
    if (chunk.length > 256 * 1024) {
      await write(chunk)
      chunk = ''
    }
  }
  await write(chunk)
  await new Promise<void>((r) => out.end(() => r()))
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-import-bench-'))
  const file = path.join(dir, 'extract.csv')
  let t = performance.now()
  await writeExtract(file)
  console.log(`extract: ${ROWS.toLocaleString()} rows, ${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} MB CP932, written in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  const ctx = embeddedContext(await openApp({ dataDir: path.join(dir, 'ledger'), demo: true, transport: 'ipc', version: 'bench', logger: undefined }))
  const mapping = {
    branchCode: '店番', accountType: '預金種目', accountNumber: '口座番号', nameKanji: '氏名', nameKana: 'フリガナ',
    birthDate: '生年月日', postalCode: '郵便番号', address: '住所', phone: '電話番号', ibContractId: 'IB契約者ID',
  }
  t = performance.now()
  const info = await inspectSource(file)
  console.log(`inspect (SHA-256, encoding): ${((performance.now() - t) / 1000).toFixed(1)} s, ${info.encoding}`)
  const results: string[] = []
  let ok = true
  for (const [name, apply] of [['dry run (all new)', false], ['apply (all new)', true], ['apply again (all unchanged)', true]] as const) {
    const loop = monitorEventLoopDelay({ resolution: 10 })
    loop.enable()
    t = performance.now()
    const r = await runCustomerImport(ctx, { file, fileName: 'extract.csv', info, mapping, fullExtract: true, apply, actor: { staffId: null, loginId: 'bench' } })
    const s = (performance.now() - t) / 1000
    loop.disable()
    const perS = Math.round(r.rows / s)
    const blockMs = loop.max / 1e6
    const rss = peakRssMb()
    const line = `${name.padEnd(28)} ${s.toFixed(1).padStart(6)} s  ${perS.toLocaleString().padStart(8)} rows/s (floor ${FLOOR_ROWS_PER_S.toLocaleString()})  peak RSS ${rss.toFixed(0)} MB (floor ${FLOOR_RSS_MB})  worst event-loop block ${blockMs.toFixed(0)} ms (floor ${FLOOR_BLOCK_MS})  counts ${JSON.stringify(r.counts)}`
    results.push(line)
    console.log(line)
    ok &&= perS >= FLOOR_ROWS_PER_S && rss <= FLOOR_RSS_MB && blockMs <= FLOOR_BLOCK_MS
  }
  ctx.sqlite.close()
  fs.rmSync(dir, { recursive: true, force: true })
  console.log(ok ? 'within the floors' : 'BELOW A FLOOR')
  process.exitCode = ok ? 0 : 1
}

void main()
