// The same journey as the browser e2e, through Playwright's _electron.launch: the real Electron
// main process, preload and IPC. Runs wherever Electron's runtime and an Electron build of
// better-sqlite3 exist; elsewhere every test here is reported as skipped with the reason.
import fs from 'node:fs'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { OPERATION_NAMES } from '../../shared/operations'
import { folderShell, openPreview, saveFromPreview } from '../e2e-shared/forms'
import { newApplicationJourney } from '../e2e-shared/journey'
import { electronUnavailable, launchApp, type LaunchedApp } from './launch'

const unavailable = electronUnavailable()
test.skip(unavailable !== null, unavailable ?? '')

let launched: LaunchedApp
test.beforeEach(async () => {
  launched = await launchApp()
})
// eslint-disable-next-line no-empty-pattern -- Playwright passes fixtures first; this hook needs none.
test.afterEach(async ({}, testInfo) => {
  await launched?.close(testInfo)
})

test('the window is locked down: isolated, sandboxed, no Node, no new windows', async () => {
  const { app, page } = launched
  // No Node in the page, and the preload's world is not the page's (context isolation).
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined')
  const exposed = await page.evaluate(() => Object.keys((window as unknown as { otp: { ops: object } }).otp.ops).sort())
  expect(exposed).toEqual([...OPERATION_NAMES].sort())
  expect(await page.evaluate(() => typeof (globalThis as { ipcRenderer?: unknown }).ipcRenderer)).toBe('undefined')
  expect(await page.evaluate(() => Object.keys((window as unknown as { otp: { ops: object } }).otp.ops).length)).toBeGreaterThan(10)
  expect(await page.evaluate(() => window.open('https://example.com'))).toBeNull()
  await page.waitForTimeout(500)
  expect(app.windows()).toHaveLength(1)
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')
  expect(csp).toContain("script-src 'self'")
})

test('teller receives a 新規申込, prints the receipt; a supervisor approves it (Electron)', async () => {
  const { page } = launched
  await newApplicationJourney(page, {
    async verifyReceipt(p, printButton, receiptNo) {
      // The button opens the preview; 「PDFを保存」 records the print, and the main process's
      // will-download handler saves it (into OTP_DOWNLOAD_DIR here, through the save dialog otherwise).
      await openPreview(p, printButton, receiptNo)
      await saveFromPreview(p, folderShell(process.env.OTP_DOWNLOAD_DIR!), receiptNo)
      // Archived by the main process as well.
      expect(fs.readdirSync(path.join(launched.dataDir, 'forms'), { recursive: true }).some((f) => String(f).includes(receiptNo))).toBe(true)
    },
  })
})
