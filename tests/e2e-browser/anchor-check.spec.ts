// 「控えの照合」 in the browser preview (issue 15): a supervisor saves today's 日次取扱一覧, its QR code
// is read off the PDF (zbarimg, as a scanner would read the paper), and an administrator at the
// バックアップ screen "scans" it — a keyboard-wedge scanner types the text and Enter into the focused
// field — and sees 一致; the count and a hash typed by hand with one digit wrong give 不一致.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { downloadShell, japanToday, openPreview, pdfInfo, saveFromPreview } from '../e2e-shared/forms'
import { input, login, logout } from '../e2e-shared/journey'

/** The QR codes on the last page of a PDF, as a scanner reads them off the paper (pdftoppm, zbarimg). */
function qrCodesOnLastPage(pdf: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qr-'))
  try {
    const page = String(pdfInfo(pdf).pages)
    execFileSync('pdftoppm', ['-png', '-r', '150', '-f', page, '-l', page, '-singlefile', pdf, path.join(dir, 'page')])
    const out = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', path.join(dir, 'page.png')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    return out.split('\n').filter((l) => l !== '')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

test('an administrator checks a printed digest: the scanned QR code matches, a mistyped hash does not', async ({ page }) => {
  await page.goto('/')
  // Branch 002's supervisor: the first print of branch 001's journal today belongs to forms.spec,
  // which checks that it says 初回 (the specs share one ledger).
  await login(page, 'super3')
  await page.getByTestId('nav-journal').click()
  await openPreview(page, page.getByTestId('journal-preview'), '日次取扱一覧')
  const pdf = await saveFromPreview(page, downloadShell, japanToday())
  const [digest] = qrCodesOnLastPage(pdf)
  expect(digest).toMatch(/^otp-ledger:1:\d+:[0-9a-f]{64}$/)
  const [, , count, hash] = digest!.split(':')
  await logout(page)

  await login(page, 'admin1')
  await page.getByTestId('nav-backups').click()
  const card = page.getByTestId('anchor-check')
  await expect(card).toBeVisible()
  // The scanner: the field focused, the text typed key by key, then Enter.
  await input(page, 'anchor-scan').click()
  await page.keyboard.type(digest!)
  await page.keyboard.press('Enter')
  await expect(card.getByTestId('anchor-verdict')).toHaveText('一致')
  await expect(card.getByTestId('anchor-result')).toContainText(`控えの時点（仕訳 ${count} 件）までの記録は控えのとおりです`)
  await expect(input(page, 'anchor-scan')).toHaveValue('') // ready for the next paper
  await expect(input(page, 'anchor-scan')).toBeFocused()

  // By hand off the paper, the hash in its groups of four, one digit misread.
  const groups = hash!.match(/.{4}/g)!
  const last = groups[15]!
  groups[15] = last.slice(0, 3) + (last.endsWith('0') ? '1' : '0')
  await input(page, 'anchor-count').fill(count!)
  await input(page, 'anchor-hash').fill(groups.join(' ').toUpperCase())
  await page.getByTestId('anchor-submit').click()
  await expect(card.getByTestId('anchor-verdict')).toHaveText('不一致')
  await expect(card.getByTestId('anchor-result')).toContainText(`仕訳 ${count} のハッシュが控えと違います`)
  await card.screenshot({ path: test.info().outputPath('anchor-check.png') })

  // Not a digest: said on the field.
  await input(page, 'anchor-scan').fill('otp-ledger:1:12:abcd')
  await input(page, 'anchor-scan').press('Enter')
  await expect(page.getByTestId('anchor-scan')).toContainText('台帳ダイジェストのQRコードではありません')
})
