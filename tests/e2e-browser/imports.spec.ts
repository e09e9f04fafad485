// 顧客データ取込 through the real renderer and services (HTTP bridge, the demo ledger of this run):
// an administrator picks a CP932 file (the page uploads its bytes; it never names a path), sees
// the encoding and the first rows before anything is written, runs the dry run, applies, saves
// the report; a teller then finds the new customer at the counter.
import fs from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import iconv from 'iconv-lite'
import { login, logout, searchByKana } from '../e2e-shared/journey'

const HEADER = ['店番', '科目', '口座番号', '漢字氏名', 'カナ氏名', '生年月日', '郵便番号', '住所', '電話番号', 'IB契約者ID']
const ROWS = [
  ['007', '普通', '7100001', '髙橋 ヴィクトル', 'ﾀｶﾊｼ ｳﾞｨｸﾄﾙ', '昭和55年4月1日', '0100001', '秋田県秋田市中通二丁目1-1', '018-800-7001', '7100000001'],
  ['007', '普通', '7100002', '山﨑 ヶ子', 'ヤマザキ ケイコ', 'S60.12.31', '010-0002', '秋田県大館市字中町2-3', '018-800-7002', '7100000002'],
  ['007', '普通', '7100003', '英字 太郎', 'Eiji Taro', '1980-01-01', '010-0003', '秋田県横手市駅前町3-4', '018-800-7003', '7100000003'],
]
const csv = (rows: string[][]) => iconv.encode(rows.map((r) => r.join(',')).join('\r\n') + '\r\n', 'cp932')

async function openImport(page: Page): Promise<void> {
  await page.goto('/')
  await login(page, 'admin1')
  await page.getByTestId('nav-imports').click()
  await expect(page.getByTestId('import-kind-customers')).toBeVisible()
}

test('customer master: encoding shown first, dry run with a refused row, apply, report saved, found at the counter', async ({ page }) => {
  await openImport(page)
  await page.getByTestId('import-file').locator('input[type=file]').setInputFiles({ name: '顧客データ_20261121.csv', mimeType: 'text/csv', buffer: csv([HEADER, ...ROWS]) })
  await expect(page.getByTestId('import-encoding')).toHaveText('Shift_JIS（CP932）')
  await expect(page.getByTestId('import-sample')).toContainText('髙橋 ヴィクトル')
  await expect(page.getByTestId('import-sample')).toContainText('山﨑 ヶ子')
  // The file's 科目 and 漢字氏名 are not guessed; the administrator maps them.
  await mapColumn(page, 'accountType', '科目')
  await mapColumn(page, 'nameKanji', '漢字氏名')
  await expect(page.getByTestId('import-apply')).toBeDisabled()
  await page.getByTestId('import-dry-run').click()
  const dry = page.getByTestId('import-report-dry_run')
  await expect(dry).toBeVisible()
  await expect(page.getByTestId('import-count-new')).toContainText('2')
  await expect(page.getByTestId('import-count-refused')).toContainText('1')
  await expect(page.getByTestId('import-refused')).toContainText('フリガナはカタカナで入力してください（「Eiji Taro」）')
  await expect(page.getByTestId('import-refused')).toContainText('4')
  await page.screenshot({ path: 'test-results/import-dry-run.png', fullPage: true })

  await page.getByTestId('import-apply').click()
  await expect(page.getByTestId('import-report-apply')).toBeVisible()
  await expect(page.getByTestId('import-count-new')).toContainText('2')
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-report-save').click()])
  expect(download.suggestedFilename()).toMatch(/^取込結果_顧客データ_.*\.csv$/)
  const saved = fs.readFileSync((await download.path())!, 'utf8')
  expect(saved.startsWith('\uFEFF')).toBe(true)
  expect(saved).toContain('顧客データ_20261121.csv')
  expect(saved).toContain('取込不可,4,フリガナはカタカナで入力してください（「Eiji Taro」）')

  await logout(page)
  await login(page, 'teller1')
  const rows = await searchByKana(page, 'ﾀｶﾊｼｳﾞｨ')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText('髙橋 ヴィクトル')
})

test('a file that is not text is refused with a Japanese message before anything else', async ({ page }) => {
  await openImport(page)
  await page.getByTestId('import-file').locator('input[type=file]').setInputFiles({ name: 'book.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 1, 2]) })
  await expect(page.getByTestId('import-file-error')).toContainText('テキストのファイルではありません')
  await expect(page.getByTestId('import-inspection')).toHaveCount(0)
})

async function mapColumn(page: Page, field: string, column: string): Promise<void> {
  await page.getByTestId(`import-map-${field}`).click()
  await page.getByRole('option', { name: column, exact: true }).click()
}
