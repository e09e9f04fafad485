// `node --import tsx tests/bench/copy-bench.ts [--size=100000] [--cache=.bench]`: the time and the
// peak memory (RSS) of `npm run ledger:copy-to-pg` on a generated ledger (tests/bench/ledger.ts)
// into an empty PostgreSQL ledger on a throwaway cluster. The generator records its prints with
// a placeholder hash and no file; here each gets a PDF-sized file and its true hash, recorded
// through the journal (so the source still verifies). Needs /usr/bin/time for the peak RSS.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createTestLedger } from '../helpers/pg'
import { cachedLedger, writeArchive } from './ledger'

const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt
const root = path.resolve(__dirname, '../..')

async function main(): Promise<void> {
  const size = Number(arg('size', '100000'))
  const cacheRoot = path.resolve(arg('cache', path.join(root, '.bench')))
  fs.mkdirSync(cacheRoot, { recursive: true })
  const gen = await cachedLedger(cacheRoot, size)
  const work = path.join(cacheRoot, `copy-work-${size}`)
  fs.rmSync(work, { recursive: true, force: true })
  fs.mkdirSync(work, { recursive: true })
  fs.copyFileSync(gen.file, path.join(work, 'ledger.sqlite'))
  const { prints, pdfBytes } = writeArchive(work)
  const l = await createTestLedger()
  try {
    const t0 = performance.now()
    const r = spawnSync('/usr/bin/time', ['-v', process.execPath, '--import', 'tsx', 'scripts/copy-to-pg.ts', `--from=${work}`, `--url=${l.ownerUrl}`, `--app-role=${l.appRole}`], {
      cwd: root,
      encoding: 'utf8',
    })
    const seconds = (performance.now() - t0) / 1000
    if (r.status !== 0) throw new Error(`copy failed (${r.status}): ${r.stderr}`)
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]
    console.log(r.stdout.trim())
    console.log(
      JSON.stringify({ customers: size, prints, pdfBytes, seconds: Math.round(seconds * 10) / 10, peakRssMiB: rss ? Math.round(Number(rss) / 1024) : null }),
    )
  } finally {
    await l.drop()
    fs.rmSync(work, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  },
)
