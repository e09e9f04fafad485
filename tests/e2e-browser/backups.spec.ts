// The administrator's バックアップ screen in the real renderer, through the bridge: a backup started
// on the screen is followed to its end and listed with its check; a verified backup is restored
// from the screen (the administrator's password again), everyone is logged out, and after logging
// in again the ledger is as the backup was; counter staff have no such menu.
import { expect, test } from '@playwright/test'
import { choose, input, login, PASSWORD } from '../e2e-shared/journey'

test('an administrator backs the ledger up from the screen and sees it verified, with how to restore', async ({ page }) => {
  await page.goto('/')
  await login(page, 'admin1')
  await page.getByTestId('nav-backups').click()
  await expect(page.getByTestId('replaced-folder')).toContainText('replaced')
  await expect(page.getByTestId('restore-help')).not.toContainText('npm')
  // Only the manual ones are counted: the preview's own daily backup may land meanwhile.
  const manual = page.getByTestId('backup-row').filter({ hasText: '手動' })
  await expect(page.getByTestId('restore-help')).toBeVisible() // the list is loaded: counted, not raced
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

test('an administrator restores a verified backup from the screen, logs in again and sees the ledger as it was', async ({ page }) => {
  await page.goto('/')
  await login(page, 'admin1')
  await page.getByTestId('nav-backups').click()
  const manual = page.getByTestId('backup-row').filter({ hasText: '手動' })
  await expect(page.getByTestId('restore-help')).toBeVisible() // the list is loaded: counted, not raced
  const before = await manual.count()
  await page.getByTestId('backup-start').click()
  await expect(page.getByTestId('notify-message')).toContainText('バックアップを作成し、検証しました')
  await expect(manual).toHaveCount(before + 1)
  const name = (await manual.first().locator('td.mono').textContent())!.trim()

  // After the backup: a new staff member registered.
  await page.getByTestId('nav-staff').click()
  await page.getByTestId('staff-create').click()
  await input(page, 'staff-login-id').fill('afterbackup1')
  await input(page, 'staff-name').fill('復元 確認')
  await choose(page, 'staff-role', '担当者')
  await input(page, 'staff-password').fill('first-pass-2026')
  await input(page, 'staff-password-confirm').fill('first-pass-2026')
  await page.getByTestId('staff-create-submit').click()
  await expect(page.locator('[data-testid="staff-row"][data-login-id="afterbackup1"]')).toHaveCount(1)

  await page.getByTestId('nav-backups').click()
  await page.getByTestId('backup-row').filter({ hasText: name }).getByTestId('backup-restore').click()
  const dialog = page.getByTestId('restore-dialog')
  await expect(dialog).toContainText('台帳を次のバックアップの時点に戻します')
  await expect(page.getByTestId('restore-name')).toHaveText(name)
  await expect(page.getByTestId('restore-replaced-folder')).toContainText('replaced')
  await expect(dialog).toContainText('すべての職員がログアウト')
  await page.screenshot({ path: test.info().outputPath('restore-dialog.png') })

  // A wrong password: refused in the dialog, nothing restored, still logged in.
  await input(page, 'restore-password').fill('wrong-pass-2026')
  await page.getByTestId('restore-ok').click()
  await expect(page.getByTestId('restore-error')).toContainText('パスワードが違います')
  await expect(page.getByTestId('restore-password')).toContainText('ログイン中の管理者のパスワードを入力してください')
  await expect(page.getByTestId('session-user')).toBeVisible()

  await input(page, 'restore-password').fill(PASSWORD)
  await page.getByTestId('restore-ok').click()
  // Back at the login screen, which says what was restored and where the old ledger is.
  await expect(page.getByTestId('login-submit')).toBeVisible()
  await expect(page.getByTestId('session-user')).toHaveCount(0)
  const info = page.getByTestId('login-info')
  await expect(info).toContainText(`バックアップ「${name}」`)
  await expect(info).toContainText('replaced')
  await expect(info).toContainText('もう一度ログインしてください')
  await page.screenshot({ path: test.info().outputPath('restore-done.png') })

  // Logged in again: the staff member registered after the backup is not in the restored ledger.
  await login(page, 'admin1')
  await page.getByTestId('nav-staff').click()
  await expect(page.locator('[data-testid="staff-row"][data-login-id="admin1"]')).toHaveCount(1)
  await expect(page.locator('[data-testid="staff-row"][data-login-id="afterbackup1"]')).toHaveCount(0)
})
