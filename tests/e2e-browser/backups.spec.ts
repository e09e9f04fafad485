// The administrator's バックアップ screen in the real renderer, through the bridge: a backup started
// on the screen is followed to its end and listed with its check; the restore command is shown;
// counter staff have no such menu.
import { expect, test } from '@playwright/test'
import { login } from '../e2e-shared/journey'

test('an administrator backs the ledger up from the screen and sees it verified, with how to restore', async ({ page }) => {
  await page.goto('/')
  await login(page, 'admin1')
  await page.getByTestId('nav-backups').click()
  await expect(page.getByTestId('restore-command')).toContainText('npm run restore -- --data-dir=')
  // Only the manual ones are counted: the preview's own daily backup may land meanwhile.
  const manual = page.getByTestId('backup-row').filter({ hasText: '手動' })
  const before = await manual.count()
  await page.getByTestId('backup-start').click()
  await expect(page.getByTestId('notify-message')).toContainText('バックアップを作成し、検証しました')
  await expect(manual).toHaveCount(before + 1)
  await expect(manual.first().getByTestId('backup-check')).toHaveText('正常')
  await page.screenshot({ path: test.info().outputPath('backups.png'), fullPage: true })
})

test('an administrator verifies the ledger from the screen and sees it intact, with its digest', async ({ page }) => {
  await page.goto('/')
  await login(page, 'admin1')
  await page.getByTestId('nav-backups').click()
  await expect(page.getByTestId('integrity')).toContainText('ダイジェスト')
  await page.getByTestId('integrity-verify').click()
  await expect(page.getByTestId('notify-message')).toContainText('台帳を検証しました。改ざんはありません')
  await expect(page.getByTestId('integrity-ok')).toBeVisible()
  await page.getByTestId('integrity').screenshot({ path: test.info().outputPath('integrity.png') })
})

test('counter staff have no バックアップ menu and cannot open the screen', async ({ page }) => {
  await page.goto('/')
  await login(page, 'teller1')
  await expect(page.getByTestId('nav-backups')).toHaveCount(0)
  await page.goto('/#/backups')
  await expect(page).toHaveURL(/#\/customers$/)
})
