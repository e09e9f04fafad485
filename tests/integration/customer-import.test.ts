// 顧客データ取込 on real files in both encodings, through the dispatcher, on a real SQLite ledger.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ACCOUNT_TYPE_LABELS, type AccountType } from '../../shared/schemas'
import { auditRows, createTestApp, expectLedgerVerifies, snapshotLedger, type TestApp } from '../helpers/app'
import { CUSTOMER_HEADER, CUSTOMER_MAPPING, csvText, encode, runImport, stage, writeFile, type FileEncoding } from '../helpers/importFiles'
import type { CustomerImportReport } from '../../shared/importFormat'

let app: TestApp
beforeEach(async () => {
  app = await createTestApp()
  await app.loginAs('admin1')
})
afterEach(() => {
  // Every batch of every import is a journal entry: the ledger verifies after each test.
  expectLedgerVerifies(app.ctx)
  app.close()
})

/** Names a core system really hands out: ヴ, ヶ, 髙, 﨑, long vowels, half-width kana with dakuten.
 * At branch 003, which the demo ledger (001, 002, 900) does not have: the import reports it as new. */
const TRICKY: string[][] = [
  ['003', '普通', '2000001', '髙橋 ヴィクトル', 'ﾀｶﾊｼ ｳﾞｨｸﾄﾙ', '昭和55年4月1日', '0100001', '秋田県秋田市中通二丁目1-1', '018-800-0001', '3000000001'],
  ['003', '1', '2000002', '山﨑 ヶ子', 'ヤマザキ　ケイコ', 'S60.12.31', '〒010-0002', '秋田県大館市字中町２－３', '０１８-８００-０００２', '3000000002'],
  ['003', '貯蓄', '2000003', '佐藤 ルーシー', 'サトウ ルーシー', '1990/01/08', '010-0003', '秋田県横手市駅前町3-4', '0188000003', '3000000003'],
  ['003', '当座', '2000004', '長谷川 ガブリエル', 'ﾊｾｶﾞﾜ ｶﾞﾌﾞﾘｴﾙ', '平成元年1月8日', '010-0004', '秋田県秋田市山王四丁目5-6', '018-800-0004', '3000000004'],
]

function file(name: string, rows: string[][], enc: FileEncoding = 'utf-8', header = CUSTOMER_HEADER): string {
  return writeFile(app.dir, name, encode(csvText([header, ...rows]), enc))
}

async function dryRun(f: string, fullExtract = false) {
  const stagingId = await stage(app.ctx, f)
  const job = await runImport(app, { stagingId, kind: 'customers', mapping: CUSTOMER_MAPPING, fullExtract, mode: 'dry_run' })
  return { stagingId, job, report: job.report as CustomerImportReport | null }
}

async function importFile(f: string, fullExtract = false): Promise<CustomerImportReport> {
  const { stagingId, job } = await dryRun(f, fullExtract)
  expect(job.error).toBeNull()
  const applied = await runImport(app, { stagingId, kind: 'customers', mapping: CUSTOMER_MAPPING, fullExtract, mode: 'apply' })
  expect(applied.error).toBeNull()
  return applied.report as CustomerImportReport
}

/** Every demo customer as the core system would list it. */
function demoRows(): string[][] {
  const rows = app.ctx.sqlite
    .prepare(
      `SELECT account_branch_code b, account_type t, account_number n, name_kanji k, name_kana a, birth_date d, postal_code p,
        address ad, phone ph, ib_contract_id ib FROM customers ORDER BY id`,
    )
    .all() as Record<string, string>[]
  return rows.map((r) => [r.b!, ACCOUNT_TYPE_LABELS[r.t as AccountType], r.n!, r.k!, r.a!, r.d!, r.p!, r.ad!, r.ph!, r.ib!])
}

const customerRow = (account: string) =>
  app.ctx.sqlite.prepare('SELECT * FROM customers WHERE account_number = ?').get(account) as Record<string, unknown>

describe('customer master import', () => {
  for (const enc of ['cp932', 'utf-8-bom', 'utf-8'] as const) {
    it(`reads a ${enc} file, shows the encoding first, and stores names as the counter would (ヴ, ヶ, 髙, 﨑, ｶﾞ)`, async () => {
      const f = file(`tricky-${enc}.csv`, TRICKY, enc)
      const stagingId = await stage(app.ctx, f)
      const seen = await app.ok('imports.inspect', { stagingId, kind: 'customers' })
      expect(seen.encodingLabel).toBe({ cp932: 'Shift_JIS（CP932）', 'utf-8-bom': 'UTF-8（BOM付き）', 'utf-8': 'UTF-8' }[enc])
      expect(seen.header).toEqual(CUSTOMER_HEADER)
      expect(seen.sample[0]![3]).toBe('髙橋 ヴィクトル')
      // The header words a core system commonly uses are recognised for the first mapping.
      expect(seen.mapping).toMatchObject({ branchCode: '店番', accountNumber: '口座番号', nameKanji: '漢字氏名', nameKana: 'カナ氏名' })
      const before = snapshotLedger(app.ctx, ['settings'])
      const dry = await runImport(app, { stagingId, kind: 'customers', mapping: CUSTOMER_MAPPING, mode: 'dry_run' })
      expect((dry.report as CustomerImportReport).counts).toEqual({ new: 4, changed: 0, unchanged: 0, refused: 0, missing: 0, closed: 0 })
      expect((dry.report as CustomerImportReport).newBranches).toEqual(['003'])
      expect(snapshotLedger(app.ctx, ['settings'])).toBe(before) // the dry run kept only the mapping

      await runImport(app, { stagingId, kind: 'customers', mapping: CUSTOMER_MAPPING, mode: 'apply' })
      expect(customerRow('2000001')).toMatchObject({
        name_kanji: '髙橋 ヴィクトル',
        name_kana: 'タカハシ　ヴィクトル',
        kana_key: 'タカハシヴィクトル',
        name_key: '髙橋ヴィクトル',
        given_name_key: 'ヴィクトル',
        given_kana_key: 'ヴィクトル',
        birth_date: '1980-04-01',
        postal_code: '010-0001',
        otp_status: 'unregistered',
        account_type: 'ordinary',
      })
      expect(customerRow('2000002')).toMatchObject({ name_kanji: '山﨑 ヶ子', name_kana: 'ヤマザキ　ケイコ', birth_date: '1985-12-31', address: '秋田県大館市字中町２－３', phone: '018-800-0002' })
      expect(customerRow('2000003')).toMatchObject({ name_kana: 'サトウ　ルーシー', account_type: 'savings', phone: '0188000003' })
      expect(customerRow('2000004')).toMatchObject({ name_kana: 'ハセガワ　ガブリエル', birth_date: '1989-01-08', account_type: 'current' })
      // Found at the counter by kana typed in half width.
      await app.loginAs('teller1', 'counter')
      const found = await app.ok('customers.search', { kana: 'ﾀｶﾊｼｳﾞｨ' }, 'counter')
      expect(found.map((c) => c.nameKanji)).toEqual(['髙橋 ヴィクトル'])
    })
  }

  it('reads TSV as well as CSV', async () => {
    const f = writeFile(app.dir, 'tricky.tsv', encode(csvText([CUSTOMER_HEADER, ...TRICKY], '\t'), 'cp932'))
    const { report } = await dryRun(f)
    expect(report!.counts.new).toBe(4)
  })

  it('importing the same file again changes nothing; a changed field is reported field by field', async () => {
    await importFile(file('a.csv', TRICKY))
    const after = snapshotLedger(app.ctx)
    const again = await importFile(file('a.csv', TRICKY))
    expect(again.counts).toEqual({ new: 0, changed: 0, unchanged: 4, refused: 0, missing: 0, closed: 0 })
    expect(snapshotLedger(app.ctx)).toBe(after)

    const moved = TRICKY.map((r) => [...r])
    moved[1]![7] = '秋田県秋田市旭北栄町7-8'
    moved[1]![8] = '018-811-2222'
    const { report } = await dryRun(file('b.csv', moved))
    expect(report!.counts).toMatchObject({ changed: 1, unchanged: 3 })
    expect(report!.changes).toEqual([
      {
        line: 3,
        account: '003-普通-2000002',
        name: '山﨑 ヶ子',
        fields: [
          { field: 'address', label: '住所', from: '秋田県大館市字中町２－３', to: '秋田県秋田市旭北栄町7-8' },
          { field: 'phone', label: '電話番号', from: '018-800-0002', to: '018-811-2222' },
        ],
      },
    ])
  })

  it('never touches the OTP status, the requests or the history of an existing customer', async () => {
    const rows = demoRows()
    const blocked = app.ctx.sqlite.prepare("SELECT id, account_number FROM customers WHERE otp_status = 'blocked' LIMIT 1").get() as { id: number; account_number: string }
    const i = rows.findIndex((r) => r[2] === blocked.account_number)
    rows[i]![7] = '秋田県秋田市新屋1-1'
    const history = () => app.ctx.sqlite.prepare('SELECT * FROM otp_history ORDER BY id').all()
    const before = history()
    const r = await importFile(file('demo.csv', rows), true)
    expect(r.counts).toEqual({ new: 0, changed: 1, unchanged: 49, refused: 0, missing: 0, closed: 0 })
    expect(customerRow(blocked.account_number)).toMatchObject({ otp_status: 'blocked', wrong_entry_count: 10, address: '秋田県秋田市新屋1-1' })
    expect(history()).toEqual(before)
  })

  it('a customer missing from a full extract is marked closed, keeps its history, and takes no new request', async () => {
    const rows = demoRows()
    const gone = rows.findIndex((r) => r[3] === '田中 花子')
    const [removed] = rows.splice(gone, 1)
    const { report } = await dryRun(file('full.csv', rows), true)
    expect(report!.counts).toMatchObject({ missing: 1, unchanged: 49, closed: 0 })
    expect(report!.missingList).toEqual([{ account: `001-普通-${removed![2]}`, name: '田中 花子' }])
    // A partial extract (not full) closes nobody.
    const partial = await importFile(file('part.csv', rows), false)
    expect(partial.counts.missing).toBe(0)
    expect(customerRow(removed![2]!).closed_on).toBeNull()

    const applied = await importFile(file('full.csv', rows), true)
    expect(applied.counts.closed).toBe(1)
    const c = customerRow(removed![2]!)
    expect(c).toMatchObject({ closed_on: '2026-11-21', otp_status: 'unregistered' })
    // Still there, with its history; the counter sees it closed and may not receive anything.
    await app.loginAs('teller1', 'counter')
    const detail = await app.ok('customers.get', { customerId: c.id as number }, 'counter')
    expect(detail.closedOn).toBe('2026-11-21')
    expect(detail.allowedRequests).toEqual([])
    const e = await app.err(
      'requests.receiveNewApplication',
      {
        customerId: c.id,
        applicationDate: '2026-11-21',
        nameKanji: '田中 花子',
        nameKana: 'タナカ ハナコ',
        phone: c.phone,
        postalCode: c.postal_code,
        address: c.address,
        birthDate: c.birth_date,
        account: { branchCode: '001', type: 'ordinary', number: c.account_number },
        ibContractId: c.ib_contract_id,
        identity: { documentType: 'drivers_license' },
        sealMatched: true,
      },
      'counter',
    )
    expect(e.code).toBe('CUSTOMER_CLOSED')
    expect(e.message).toContain('解約済み')
    // Listed again in a later extract: the closing is lifted, reported as a change.
    const back = await importFile(file('back.csv', demoRows()), true)
    expect(back.counts).toMatchObject({ changed: 1, closed: 0 })
    expect(back.changes[0]!.fields).toEqual([{ field: 'closedOn', label: '解約', from: '解約（2026-11-21）', to: '取引あり（解約を取消）' }])
  })

  it('refuses duplicates and unreadable rows with line numbers and Japanese reasons; a full extract then closes nobody', async () => {
    const rows = demoRows()
    rows.splice(0, 1) // 田中 花子 missing
    rows.push([...rows[2]!]) // the same account twice
    rows.push(['001', '普通', '7777777', '新規 太郎', '新規 太郎', '1980-02-30', '0100001', '秋田市', '018-800-0000', '3999999999'])
    const { report } = await dryRun(file('dups.csv', rows), true)
    expect(report!.counts).toMatchObject({ refused: 2, missing: 1 })
    expect(report!.refused).toEqual([
      { line: 51, reasons: [expect.stringMatching(/^口座 001-.+ が4行目と重複しています$/)] },
      { line: 52, reasons: ['フリガナはカタカナで入力してください（「新規 太郎」）', '生年月日「1980-02-30」を日付として読めません'] },
    ])
    expect(report!.closingSkipped).toContain('解約処理は行いません')
    const before = app.ctx.sqlite.prepare('SELECT count(*) n FROM customers WHERE closed_on IS NOT NULL').get()
    const { stagingId } = await dryRun(file('dups.csv', rows), true)
    const applied = await runImport(app, { stagingId, kind: 'customers', mapping: CUSTOMER_MAPPING, fullExtract: true, mode: 'apply' })
    expect((applied.report as CustomerImportReport).counts.closed).toBe(0)
    expect(app.ctx.sqlite.prepare('SELECT count(*) n FROM customers WHERE closed_on IS NOT NULL').get()).toEqual(before)
  })

  it('applies only after a dry run of the same file and mapping, and audits who applied which file', async () => {
    const f = file('t.csv', TRICKY, 'cp932')
    const stagingId = await stage(app.ctx, f)
    const e = await app.err('imports.start', { stagingId, kind: 'customers', mapping: CUSTOMER_MAPPING, mode: 'apply' })
    expect(e.code).toBe('IMPORT_DRY_RUN_REQUIRED')
    await runImport(app, { stagingId, kind: 'customers', mapping: CUSTOMER_MAPPING, mode: 'dry_run' })
    const otherMapping = { ...CUSTOMER_MAPPING, address: '漢字氏名' }
    expect((await app.err('imports.start', { stagingId, kind: 'customers', mapping: otherMapping, mode: 'apply' })).code).toBe('IMPORT_DRY_RUN_REQUIRED')
    await runImport(app, { stagingId, kind: 'customers', mapping: CUSTOMER_MAPPING, mode: 'apply' })
    const sha = (await import('node:crypto')).createHash('sha256').update(fs.readFileSync(f)).digest('hex')
    const rows = auditRows(app.ctx).filter((r) => r.action === 'imports.customers.apply')
    expect(rows.map((r) => [r.actor_login_id, JSON.parse(r.detail_json!).phase])).toEqual([
      ['admin1', 'started'],
      ['admin1', 'finished'],
    ])
    expect(JSON.parse(rows[1]!.detail_json!)).toMatchObject({ fileName: 't.csv', sha256: sha, counts: { new: 4 } })
    // The mapping is kept for the next file.
    const next = await app.ok('imports.inspect', { stagingId: await stage(app.ctx, file('u.csv', TRICKY)), kind: 'customers' })
    expect(next.mapping).toEqual(CUSTOMER_MAPPING)
  })

  it('keeps serving the counter while a long file is read', async () => {
    const rows: string[][] = []
    for (let i = 0; i < 20000; i++)
      rows.push(['003', '普通', String(3000000 + i), `試験 ${i}`, 'シケン タロウ', '1980-01-01', '010-0001', '秋田市', '018-800-0000', String(4000000000 + i)])
    const stagingId = await stage(app.ctx, file('long.csv', rows))
    await app.loginAs('teller1', 'counter')
    const started = await app.ok('imports.start', { stagingId, kind: 'customers', mapping: CUSTOMER_MAPPING, fullExtract: false, mode: 'dry_run' })
    const found = await app.ok('customers.search', { kana: 'タナカ' }, 'counter')
    const job = await app.ok('imports.job', { jobId: started.jobId })
    expect(found.length).toBeGreaterThan(0)
    expect(job.state).toBe('running') // answered while the import was still reading
    // A second import while one runs is refused.
    expect((await app.err('imports.start', { stagingId, kind: 'customers', mapping: CUSTOMER_MAPPING, mode: 'dry_run' })).code).toBe('IMPORT_BUSY')
    let j = job
    while (j.state === 'running') {
      await new Promise((r) => setTimeout(r, 20))
      j = await app.ok('imports.job', { jobId: started.jobId })
    }
    expect((j.report as CustomerImportReport).counts.new).toBe(20000)
  }, 120_000) // 20,000 rows on a shared CI machine
})

describe('bad files change nothing and say why in Japanese', () => {
  const good = () => csvText([CUSTOMER_HEADER, ...TRICKY])
  const cases: Array<[string, () => Buffer | string, RegExp]> = [
    ['an empty file', () => Buffer.alloc(0), /ファイルが空です/],
    ['a BOM and nothing else', () => Buffer.from([0xef, 0xbb, 0xbf]), /ファイルが空です/],
    ['a binary file (an Excel book)', () => Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64), encode(good(), 'utf-8')]), /テキストのファイルではありません/],
    ['UTF-16 (unexpected encoding)', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good(), 'utf16le')]), /テキストのファイルではありません/],
    ['text garbled by a wrong decoder (mojibake)', () => encode(good().replace(/ヤマザキ|タカハシ/g, '繧ｿ繧ｫ繝上す').replace('秋田県', '遘狗伐逵'), 'utf-8'), /文字化け/],
    ['EUC-JP (unexpected encoding)', () => iconvEncode(good(), 'euc-jp'), /見出し行に「店番」|文字コード/],
    ['a header that does not match the mapping', () => csvText([CUSTOMER_HEADER.map((h) => (h === '住所' ? '所在地' : h)), ...TRICKY]), /見出し行に「住所」（住所）がありません/],
    ['a row with too many fields', () => csvText([CUSTOMER_HEADER, TRICKY[0]!, [...TRICKY[1]!, 'extra']]), /^3行目：項目の数が見出し行と違います/],
    ['a row with too few fields', () => csvText([CUSTOMER_HEADER, TRICKY[0]!.slice(0, 9)]), /^2行目：項目の数が見出し行と違います/],
    ['quotes left open', () => good() + '003,普通,2000009,"開いたまま,ア,1980-01-01,0100001,秋田市,018-800-0000,3000000009\r\n', /引用符（"）が閉じられていません/],
    ['control characters', () => csvText([CUSTOMER_HEADER, TRICKY[0]!.map((v, i) => (i === 7 ? v + '\u0007' : v))]), /^2行目：制御文字/],
    ['a line break inside a name', () => csvText([CUSTOMER_HEADER, TRICKY[0]!.map((v, i) => (i === 3 ? '髙橋\nヴィクトル' : v))]), /制御文字（改行・タブなど）/],
    ['a header only', () => csvText([CUSTOMER_HEADER]), /データの行がありません/],
  ]
  for (const [what, content, message] of cases) {
    it(what, async () => {
      const f = writeFile(app.dir, 'bad.csv', content())
      const before = snapshotLedger(app.ctx)
      const stagingId = await stage(app.ctx, f)
      const inspected = await app.raw('imports.inspect', { stagingId, kind: 'customers' })
      let error = inspected.ok ? null : inspected.error
      if (!error) {
        const job = await runImport(app, { stagingId, kind: 'customers', mapping: CUSTOMER_MAPPING, mode: 'dry_run' })
        error = job.error as never
      }
      expect(error).toMatchObject({ code: 'IMPORT_FILE_REFUSED', message: expect.stringMatching(message) })
      expect(snapshotLedger(app.ctx)).toBe(before)
      // And it cannot be applied.
      expect((await app.err('imports.start', { stagingId, kind: 'customers', mapping: CUSTOMER_MAPPING, mode: 'apply' })).code).toMatch(
        /IMPORT_DRY_RUN_REQUIRED|IMPORT_FILE_REFUSED/,
      )
    })
  }

  it('a 100 MB line is stopped without holding it in memory', { timeout: 60_000 }, async () => {
    const f = path.join(app.dir, 'huge.csv')
    const fd = fs.openSync(f, 'w')
    fs.writeSync(fd, encode(csvText([CUSTOMER_HEADER]), 'utf-8'))
    const chunk = Buffer.alloc(1024 * 1024, 'a')
    for (let i = 0; i < 100; i++) fs.writeSync(fd, chunk)
    fs.closeSync(fd)
    const before = snapshotLedger(app.ctx)
    const rss = process.memoryUsage().rss
    const stagingId = await stage(app.ctx, f)
    const inspected = await app.raw('imports.inspect', { stagingId, kind: 'customers' })
    expect(inspected.ok).toBe(false)
    expect(!inspected.ok && inspected.error.message).toMatch(/^2行目：1行が長すぎます/)
    // Holding the line would cost at least 200 MB (its bytes and the decoded string); the streamed
    // reads' 1 MB buffers are garbage V8 collects lazily, so the bound leaves room for them.
    expect(process.memoryUsage().rss - rss).toBeLessThan(160 * 1024 * 1024)
    expect(snapshotLedger(app.ctx)).toBe(before)
  })

  it('a name that cannot be normalised refuses that row and changes nothing for it', async () => {
    const rows = [TRICKY[0]!.map((v, i) => (i === 4 ? 'Takahashi' : v))]
    const { report } = await dryRun(file('name.csv', rows))
    expect(report!.refused).toEqual([{ line: 2, reasons: ['フリガナはカタカナで入力してください（「Takahashi」）'] }])
    expect(report!.counts).toMatchObject({ new: 0, refused: 1 })
  })
})

function iconvEncode(s: string, enc: string): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('iconv-lite') as typeof import('iconv-lite')).encode(s, enc)
}
