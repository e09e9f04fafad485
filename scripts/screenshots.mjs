// `npm run screenshots`: the README's screenshots, from the real renderer in Debian's Chromium
// (browser preview on a fresh demo ledger) and the お客さま控 PDF through pdftoppm.
// Writes docs/screenshots/NN-*.png.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from '@playwright/test'
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
  console.log(`Screenshots written to ${path.relative(root, out)}/`)
} finally {
  await browser.close()
  server.kill('SIGTERM')
}
