import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseLaunchOptions } from '../../electron/main/args'

const home = '/home/u/.config/窓口OTP事務'

describe('launch options', () => {
  it('defaults to the production ledger in the user-data folder', () => {
    expect(parseLaunchOptions([], {}, home)).toEqual({ demo: false, dataDir: path.join(home, 'ledger') })
  })
  it('the demo lives in its own folder', () => {
    expect(parseLaunchOptions(['--demo'], {}, home)).toEqual({ demo: true, dataDir: path.join(home, 'demo-ledger') })
    expect(parseLaunchOptions([], { OTP_DEMO: '1' }, home).demo).toBe(true)
    expect(parseLaunchOptions(['--demo=false'], { OTP_DEMO: '1' }, home).demo).toBe(false)
  })
  it('takes the folder from the flag in either form, or from the environment', () => {
    expect(parseLaunchOptions(['--data-dir=/srv/otp'], {}, home).dataDir).toBe('/srv/otp')
    expect(parseLaunchOptions(['--data-dir', '/srv/otp'], {}, home).dataDir).toBe('/srv/otp')
    expect(parseLaunchOptions([], { OTP_DATA_DIR: '/srv/env' }, home).dataDir).toBe('/srv/env')
    expect(parseLaunchOptions(['--data-dir=/srv/flag'], { OTP_DATA_DIR: '/srv/env' }, home).dataDir).toBe('/srv/flag')
  })
  it('refuses a folder flag without a folder instead of using the default', () => {
    expect(() => parseLaunchOptions(['--data-dir='], {}, home)).toThrow(/needs a folder/)
    expect(() => parseLaunchOptions(['--data-dir', '--demo'], {}, home)).toThrow(/needs a folder/)
  })
})
