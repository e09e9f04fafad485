// Which page is ours (electron/main/own-page.ts): the IPC sender check and the navigation guard.
// The packaged app's page is a file inside app.asar; Windows and macOS compare file names without
// regard to case (and macOS without regard to Unicode normalisation), Linux exactly.
import { describe, expect, test } from 'vitest'
import { ownPageMatcher, ownPageUrl } from '../../electron/main/own-page'

describe('Windows: C:\\Program Files\\窓口OTP事務\\resources\\app.asar\\out\\renderer\\index.html', () => {
  const page = { file: 'C:\\Program Files\\窓口OTP事務\\resources\\app.asar\\out\\renderer\\index.html', platform: 'win32' as const }
  const isOwn = ownPageMatcher(page)
  const url = ownPageUrl(page)

  test('the URL the window loads is a file URL of that path, and it is our page with any route', () => {
    expect(url).toBe('file:///C:/Program%20Files/%E7%AA%93%E5%8F%A3OTP%E4%BA%8B%E5%8B%99/resources/app.asar/out/renderer/index.html')
    expect(isOwn(url)).toBe(true)
    expect(isOwn(`${url}#/customers/12`)).toBe(true)
  })

  test('the same file named in another case (drive letter, folders, file) is our page', () => {
    expect(isOwn(url.replace('file:///C:', 'file:///c:'))).toBe(true)
    expect(isOwn(url.replace('Program%20Files', 'PROGRAM%20FILES').replace('index.html', 'Index.HTML'))).toBe(true)
    expect(isOwn('file:///c:/program%20files/%E7%AA%93%E5%8F%A3OTP%E4%BA%8B%E5%8B%99/Resources/APP.ASAR/out/renderer/index.html#/review')).toBe(true)
  })

  test('another file, another drive, a network share or a web page is not', () => {
    for (const other of [
      url.replace('index.html', 'other.html'),
      url.replace('file:///C:', 'file:///D:'),
      'file://fileserver/share/out/renderer/index.html',
      'https://example.com/',
      'file:///C:/Windows/System32/drivers/etc/hosts',
      'not a url',
    ])
      expect(isOwn(other), other).toBe(false)
  })
})

describe('macOS: /Applications/窓口OTP事務.app/Contents/Resources/app.asar/out/renderer/index.html', () => {
  const page = { file: '/Applications/窓口OTP事務.app/Contents/Resources/app.asar/out/renderer/index.html', platform: 'darwin' as const }
  const isOwn = ownPageMatcher(page)
  const url = ownPageUrl(page)

  test('case and Unicode normalisation do not matter (APFS ignores both)', () => {
    expect(isOwn(url)).toBe(true)
    expect(isOwn(url.replace('/Applications/', '/applications/'))).toBe(true)
    // A folder with a voiced kana, written decomposed (NFD) by the file system and composed (NFC) by us.
    const nfc = { file: '/Users/sato/デスクトップ/app/out/renderer/index.html', platform: 'darwin' as const }
    const nfdUrl = ownPageUrl({ ...nfc, file: nfc.file.normalize('NFD') })
    expect(nfdUrl).not.toBe(ownPageUrl(nfc))
    expect(ownPageMatcher(nfc)(nfdUrl)).toBe(true)
  })

  test('another file is not', () => {
    expect(isOwn(url.replace('index.html', 'evil.html'))).toBe(false)
    expect(isOwn('file:///tmp/index.html')).toBe(false)
  })
})

describe('Linux: exact paths', () => {
  const page = { file: '/opt/窓口OTP事務/resources/app.asar/out/renderer/index.html', platform: 'linux' as const }
  const isOwn = ownPageMatcher(page)
  const url = ownPageUrl(page)

  test('our page, with any route or query; a path that only normalises to it too', () => {
    expect(isOwn(url)).toBe(true)
    expect(isOwn(`${url}?a=1#/x`)).toBe(true)
    expect(isOwn('file:///opt/%E7%AA%93%E5%8F%A3OTP%E4%BA%8B%E5%8B%99/resources/app.asar/out/main/../renderer/index.html')).toBe(true)
    expect(isOwn('file://localhost/opt/%E7%AA%93%E5%8F%A3OTP%E4%BA%8B%E5%8B%99/resources/app.asar/out/renderer/index.html')).toBe(true)
  })

  test('another case is another file on Linux', () => {
    expect(isOwn(url.replace('index.html', 'INDEX.html'))).toBe(false)
  })
})

describe('development: the dev server', () => {
  const isOwn = ownPageMatcher({ devServerUrl: 'http://localhost:5173', file: '/x/out/renderer/index.html', platform: 'linux' })
  test('its origin only', () => {
    expect(ownPageUrl({ devServerUrl: 'http://localhost:5173', file: '/x', platform: 'linux' })).toBe('http://localhost:5173')
    expect(isOwn('http://localhost:5173/#/customers')).toBe(true)
    for (const other of ['http://localhost:5174/', 'http://127.0.0.1:5173/', 'https://localhost:5173/', 'file:///x/out/renderer/index.html']) expect(isOwn(other), other).toBe(false)
  })
})
