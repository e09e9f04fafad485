// The print forms in the real Electron app (main process, preload, IPC, the sandboxed renderer with
// its CSP): the same steps as the browser spec (tests/e2e-shared/forms.ts). pdf.js must draw the
// preview under file:// with its worker; saved PDFs arrive through the main process's
// will-download handler in OTP_DOWNLOAD_DIR. window.print() is counted but not called through:
// in Electron it opens the system's print dialog, which waits for a person. Runs wherever
// Electron's runtime and an Electron build of better-sqlite3 exist; elsewhere skipped with the reason.
import { expect, test } from '@playwright/test'
import { dailyJournalJourney, folderShell, installPrintSpy, requestFormsJourney, type FormsEnv } from '../e2e-shared/forms'
import { login } from '../e2e-shared/journey'
import { demoCustomer, fillFromPaper, logout, openDemoCustomer, openFromQueue, registerForm } from '../e2e-shared/requests'
import { electronUnavailable, launchApp, type LaunchedApp } from './launch'

const unavailable = electronUnavailable()
test.skip(unavailable !== null, unavailable ?? '')

let launched: LaunchedApp
let env: FormsEnv
test.beforeEach(async () => {
  launched = await launchApp()
  env = { shell: folderShell(process.env.OTP_DOWNLOAD_DIR!), dataDir: launched.dataDir }
  // The spy goes in before the app's scripts run: install it, then load the page again.
  await installPrintSpy(launched.page)
  await launched.page.reload()
  await expect(launched.page.getByTestId('login-submit')).toBeVisible()
})
// eslint-disable-next-line no-empty-pattern -- Playwright passes fixtures first; this hook needs none.
test.afterEach(async ({}, testInfo) => {
  await launched?.close(testInfo)
})

test('a request\'s forms: preview, save and print (再発行 on reprint); the 処理完了のお知らせ after approval (Electron)', async () => {
  const c = demoCustomer(3)
  await requestFormsJourney(launched.page, env, c, {
    login,
    logout,
    openCustomer: (p) => openDemoCustomer(p, c),
    fillFromPaper: (p) => fillFromPaper(p, c),
    registerForm,
    openFromQueue: (p, receiptNo) => openFromQueue(p, receiptNo, '新規申込'),
  })
})

test('日次取扱一覧: today, yesterday (empty) and a refused future date (Electron)', async () => {
  const { page } = launched
  const c = demoCustomer(4)
  await login(page, 'super2')
  await openDemoCustomer(page, c)
  await page.getByTestId('start-new_application').click()
  await fillFromPaper(page, c)
  const receiptNo = await registerForm(page)
  await dailyJournalJourney(page, env, receiptNo, '伊藤 由美')
})
