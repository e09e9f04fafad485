// `npm run screenshots`: the README's screenshots, from the real renderer in Debian's Chromium
// (browser preview on a fresh demo ledger) and the お客さま控 PDF through pdftoppm.
// Writes docs/screenshots/NN-*.png.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from '@playwright/test'
import iconv from 'iconv-lite'
import { ensureBuild, root } from './lib.mjs'

const out = path.join(root, 'docs', 'screenshots')
fs.mkdirSync(out, { recursive: true })
if (ensureBuild() !== 0) process.exit(1)

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-shots-'))
const server = spawn(process.execPath, ['--import', 'tsx', 'electron/bridge/main.ts', `--data-dir=${dataDir}`], { cwd: root })
const url = await new Promise((resolve, reject) => {
  let buf = ''
  server.stdout.on('data', (d) => {
    buf += d
    const m = /browser preview: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(buf)
    if (m) resolve(m[1])
  })
  server.on('exit', (code) => reject(new Error(`preview exited with ${code}`)))
})

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
})
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo', acceptDownloads: true })
  const field = (id) => page.getByTestId(id).locator('input').first()
  const shot = (name) => page.screenshot({ path: path.join(out, name) })
  /** Closes the success message, so that it does not cover the dialog's title. */
  const dismissNotice = async () => {
    const close = page.getByTestId('notify-close')
    if (await close.isVisible()) {
      await close.click()
      await page.getByTestId('notify-message').waitFor({ state: 'hidden' })
    }
  }
  /** The preview dialog is open and pdf.js has drawn every page. */
  const previewDrawn = async () => {
    const dialog = page.getByTestId('form-preview-dialog')
    await dialog.waitFor()
    await dismissNotice()
    await dialog.locator('[data-testid="form-preview-page"][data-rendered="true"]').first().waitFor()
    const pages = dialog.getByTestId('form-preview-page')
    for (let i = 0; i < (await pages.count()); i++) await pages.nth(i).and(page.locator('[data-rendered="true"]')).waitFor()
    await page.waitForTimeout(300)
  }
  const login = async (id) => {
    await field('login-id').fill(id)
    await field('login-password').fill('demo-pass-2026')
    await page.getByTestId('login-submit').click()
    await page.getByTestId('session-user').waitFor()
  }

  await page.goto(url)
  await page.getByTestId('login-submit').waitFor()
  await field('login-id').fill('teller1')
  await shot('01-login.png')
  await login('teller1')

  await page.getByTestId('search-tab-kana').click()
  await field('search-kana').fill('ﾀﾅｶ')
  await page.getByTestId('search-submit').click()
  await page.getByTestId('search-count').waitFor()
  await shot('02-search.png')

  await page.getByTestId('customer-row').filter({ hasText: '田中 花子' }).click()
  await page.getByTestId('start-new_application').click()
  await page.getByTestId('na-id-document').click()
  await page.getByRole('option', { name: '運転免許証', exact: true }).click()
  await field('na-seal-matched').check()
  await field('na-account-number').fill('1000001')
  await field('na-ib-contract-id').fill('2000000001')
  await page.screenshot({ path: path.join(out, '04-new-application.png'), fullPage: true })
  await page.getByTestId('na-confirm').click()
  await page.getByTestId('na-register-ok').click()
  await page.getByTestId('na-receipt-no').waitFor()
  // The お客さま控's preview (pdf.js draws the PDF the main process built), at the window's size
  // and at the narrowest the app allows (1024 px).
  await page.getByTestId('application-received').getByTestId('print-receipt').click()
  await previewDrawn()
  await shot('08-receipt-preview.png')
  await page.setViewportSize({ width: 1024, height: 768 })
  await page.waitForTimeout(400) // the fit-to-width zoom follows the dialog's new size
  await previewDrawn()
  await shot('09-receipt-preview-1024.png')
  await page.setViewportSize({ width: 1280, height: 860 })
  await page.waitForTimeout(400)
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('form-preview-save').click()])
  const pdf = path.join(dataDir, 'receipt.pdf')
  await download.saveAs(pdf)
  execFileSync('pdftoppm', ['-png', '-r', '80', '-singlefile', pdf, path.join(out, '06-receipt')])
  await page.getByTestId('na-done').click()
  await page.getByTestId('request-row').first().waitFor()
  await shot('03-customer.png')
  await page.getByTestId('logout').click()

  await login('super1')
  await page.getByTestId('nav-review').click()
  await page.getByTestId('queue-row').first().waitFor()
  await shot('05-review-queue.png')

  // 日次取扱一覧: the supervisor's screen, and today's journal in the preview.
  await page.getByTestId('nav-journal').click()
  await page.getByTestId('journal-preview').waitFor()
  await page.mouse.move(640, 600)
  await page.evaluate(() => globalThis.document.activeElement?.blur())
  await page.waitForTimeout(700) // the menu button's ripple and hover fade out
  await shot('10-daily-journal.png')
  await page.getByTestId('journal-preview').click()
  await previewDrawn()
  await shot('11-daily-journal-preview.png')
  await page.getByTestId('form-preview-close').click()
  await page.getByTestId('form-preview-dialog').waitFor({ state: 'detached' })
  await page.getByTestId('logout').click()

  // 閉塞解除 at the counter: teller1 verifies, super1 types ID and password on her terminal.
  await login('teller1')
  await page.getByTestId('search-tab-kana').click()
  await field('search-kana').fill('ﾊﾔｼ')
  await page.getByTestId('search-submit').click()
  await page.getByTestId('customer-row').filter({ hasText: '林 花子' }).click()
  await page.getByTestId('start-unlock').click()
  await field('na-account-number').fill('1000630')
  await field('na-ib-contract-id').fill('2000003738')
  await page.getByTestId('na-id-document').click()
  await page.getByRole('option', { name: '運転免許証', exact: true }).click()
  for (const id of ['na-seal-matched', 'ul-id-matches', 'ul-contract-holder']) await field(id).check()
  await page.getByTestId('ul-block-account').locator('textarea').first().fill('機種変更のあと、古いスマートフォンの表示を見て何度も入力してしまった。')
  await page.getByTestId('ul-others-tried-no').locator('input').check()
  await page.getByTestId('ul-fraud-no').locator('input').check()
  await page.getByTestId('na-confirm').click()
  await page.getByTestId('na-register-ok').click()
  await page.getByTestId('approve-unlock').click()
  const dialog = page.getByTestId('sa-dialog')
  await dialog.getByTestId('sa-login-id').locator('input').fill('super1')
  await dialog.getByTestId('sa-password').locator('input').fill('demo-pass-2026')
  await page.waitForTimeout(500) // let the field labels finish floating
  await shot('07-unlock-approval.png')

  // 顧客データ取込 (an administrator, a new tab): a CP932 extract with a row that cannot be read,
  // the dry run, then the result of the apply. A tall viewport instead of fullPage, so that the
  // app bar stays at the top of the picture.
  const tall = await browser.newPage({ viewport: { width: 1280, height: 1500 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo', acceptDownloads: true })
  const tallField = (id) => tall.getByTestId(id).locator('input').first()
  const loginTall = async (id) => {
    await tall.goto(url)
    await tallField('login-id').fill(id)
    await tallField('login-password').fill('demo-pass-2026')
    await tall.getByTestId('login-submit').click()
    await tall.getByTestId('session-user').waitFor()
  }
  await loginTall('admin1')
  await tall.getByTestId('nav-imports').click()
  const extract = [
    ['店番', '科目', '口座番号', '漢字氏名', 'カナ氏名', '生年月日', '郵便番号', '住所', '電話番号', 'IB契約者ID'],
    ['001', '普通', '1000001', '田中 花子', 'ﾀﾅｶ ﾊﾅｺ', '1950-01-01', '010-0001', '秋田県秋田市中通二丁目1-1', '018-800-1111', '2000000001'],
    ['002', '普通', '2000001', '髙橋 ヴィクトル', 'ﾀｶﾊｼ ｳﾞｨｸﾄﾙ', '昭和55年4月1日', '0100001', '秋田県秋田市中通二丁目1-1', '018-800-0001', '3000000001'],
    ['002', '普通', '2000002', '山﨑 ヶ子', 'ヤマザキ ケイコ', 'S60.12.31', '010-0002', '秋田県大館市字中町2-3', '018-800-0002', '3000000002'],
    ['002', '貯蓄', '2000003', '英字 太郎', 'Eiji Taro', '1980-02-30', '010-0003', '秋田県横手市駅前町3-4', '018-800-0003', '3000000003'],
  ]
  await tall.getByTestId('import-file').locator('input[type=file]').setInputFiles({
    name: '顧客データ_20261121.csv',
    mimeType: 'text/csv',
    buffer: iconv.encode(extract.map((r) => r.join(',')).join('\r\n') + '\r\n', 'cp932'),
  })
  await tall.getByTestId('import-encoding').waitFor()
  for (const [f, col] of [['accountType', '科目'], ['nameKanji', '漢字氏名']]) {
    await tall.getByTestId(`import-map-${f}`).click()
    await tall.getByRole('option', { name: col, exact: true }).click()
  }
  await tall.getByTestId('import-dry-run').click()
  await tall.getByTestId('import-report-dry_run').waitFor()
  await tall.getByTestId('import-report-dry_run').scrollIntoViewIfNeeded()
  await tall.waitForTimeout(300)
  await tall.screenshot({ path: path.join(out, '12-import-dry-run.png') })
  await tall.getByTestId('import-apply').click()
  await tall.getByTestId('import-report-apply').waitFor()
  const closeNotice = tall.getByTestId('notify-close')
  if (await closeNotice.isVisible()) await closeNotice.click()
  await tall.getByTestId('import-report-apply').scrollIntoViewIfNeeded()
  await tall.waitForTimeout(300)
  await tall.screenshot({ path: path.join(out, '13-import-result.png') })
  await tall.getByTestId('logout').click()

  // 集計 (a supervisor): the requests of this run in charts and tables.
  await loginTall('super1')
  await tall.getByTestId('nav-figures').click()
  await tall.getByTestId('figures-by-month').locator('canvas').waitFor()
  await tall.waitForTimeout(500)
  await tall.screenshot({ path: path.join(out, '14-figures.png') })
  console.log(`Screenshots written to ${path.relative(root, out)}/`)
} finally {
  await browser.close()
  server.kill('SIGTERM')
}
