// 本部 (head_office, issue 12) in the real renderer: the read-only menus only, the 検印 queue of the
// branch chosen in the selector, and the 日次取扱一覧 of the chosen branch. (Which requests each
// branch's queue holds is tested on the services: tests/integration/head-office.test.ts.)
import { expect, test, type Page } from '@playwright/test'
import { login, logout } from '../e2e-shared/journey'

async function chooseBranch(page: Page, label: string): Promise<void> {
  await page.getByTestId('branch-selector').click()
  await page.getByRole('option', { name: label }).click()
}

test('the head office sees every branch’s queue through the selector, and acts on none', async ({ page }) => {
  await page.goto('/')
  await login(page, 'honbu1')
  await expect(page.getByTestId('session-role')).toHaveText('本部')
  const nav = page.getByTestId('nav')
  await expect(nav.getByRole('link')).toHaveCount(4)
  for (const key of ['review', 'journal', 'figures', 'audit']) await expect(page.getByTestId(`nav-${key}`)).toBeVisible()
  await expect(page.getByTestId('nav-search')).toHaveCount(0)
  await expect(page.getByTestId('branch-selector')).toBeVisible()
  await chooseBranch(page, '001 本店営業部')
  await expect(page.getByTestId('queue-count')).toBeVisible()
  await page.screenshot({ path: 'test-results/head-office-queue-001.png' })
  await chooseBranch(page, '002 駅前支店')
  await expect(page.getByTestId('branch-selector')).toContainText('002 駅前支店')
  await page.screenshot({ path: 'test-results/head-office-queue-002.png' })

  await page.getByTestId('nav-journal').click()
  await expect(page.getByTestId('branch-selector')).toContainText('002 駅前支店')
  await page.screenshot({ path: 'test-results/head-office-journal.png' })
  await logout(page)
})
