// The SQL the services write (drizzle's sqlite-core dialect, and hand-written SELECTs in SQLite's
// dialect) as PostgreSQL runs it (issue 12): the services have one text of every query, the
// PostgreSQL ledger (db/pg/ledger.ts) translates it here on its way to the server. Pure, cached by
// SQL text (the services issue a few hundred distinct texts).
//
// The rules, each checked against what drizzle-orm 0.45 sqlite-core writes (tests/unit/pg-translate.test.ts,
// and every statement of the service suite is PREPAREd on PostgreSQL by tests/pg/statements.test.ts):
//  - `?` → `$1`, `$2`, … in order, outside string literals, quoted identifiers and comments;
//  - a unary `+` (SQLite's way to keep the planner from looking at a value or using an index:
//    db/prepared.ts keyPlaceholder `+?`, `+"customers"."account_branch_code"`) is dropped: on
//    PostgreSQL it is refused on a parameter of unknown type and on text, and means nothing else;
//  - in INSERT … VALUES, a bare `null` (what drizzle writes for a column the insert leaves out: the
//    identity ids, columns without a default in db/schema.ts) → `default`; an explicit null is
//    always a bound parameter, never this literal;
//  - a camelCase name (a hand-written SELECT's alias, `AS branchCode`, and its uses) is quoted, so
//    the row's key keeps its case as on SQLite (all-lower and ALL-UPPER words are left as they are);
//  - ON CONFLICT ("t"."a", "t"."b"): the target's columns unqualified, as PostgreSQL wants them;
//  - `limit -1` (no limit) → `limit all`; `==` → `=`; `ifnull(` → `coalesce(`;
//  - `json_extract(X, '$.a.b')` → `jsonb_extract_path((X)::jsonb, 'a', 'b')`: a jsonb value that the
//    ledger's type parsing reads as SQLite returns json_extract's: a string as text, a number as a
//    number, true/false as 1/0, JSON null as NULL (select lists only: compared to a value in a WHERE
//    it would be a type error on PostgreSQL, which fails loudly);
//  - `julianday(X)` (ISO-8601 text) → the same Julian day number from PostgreSQL's epoch;
//  - anything else that only SQLite understands (PRAGMA, transaction control the ledger owns,
//    `insert or …`, `replace into`, SQLite-only functions, `?NNN`/`:name`/`@name` parameters,
//    backquoted or bracketed identifiers, COLLATE NOCASE, rowid) is refused with the SQL, never guessed.
//
// Not translated, and the same on both engines for the texts the services use: LIKE is
// case-sensitive on PostgreSQL for ASCII letters where SQLite folds them (the services' LIKEs match
// fixed JSON fragments and prefixes); text comparison and ORDER BY follow the database's collation
// (a ledger database is created with LC_COLLATE C, README, so text orders byte-wise as in SQLite).

export class UntranslatableSql extends Error {
  constructor(
    readonly construct: string,
    readonly sqlText: string,
  ) {
    super(`SQLite-only ${construct} cannot run on the PostgreSQL ledger: ${sqlText}`)
    this.name = 'UntranslatableSql'
  }
}

export interface Translated {
  text: string
  /** How many parameters ($1..$n) the text takes: the number of `?` in the SQLite text. */
  params: number
}

type Kind = 'ws' | 'comment' | 'string' | 'qident' | 'word' | 'number' | 'param' | 'punct' | 'raw'
interface Token {
  kind: Kind
  text: string
}

const WORD = /[A-Za-z_][A-Za-z0-9_$]*/y
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y
const WS = /\s+/y
const OPS = ['||', '<=', '>=', '<>', '!=', '==', '<<', '>>', '->>', '->']

function tokenize(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  const sticky = (re: RegExp) => {
    re.lastIndex = i
    const m = re.exec(src)
    return m ? m[0] : null
  }
  while (i < src.length) {
    const c = src[i]!
    let m: string | null
    if ((m = sticky(WS))) {
      out.push({ kind: 'ws', text: m })
    } else if (c === "'" || c === '"') {
      let j = i + 1
      for (;;) {
        const k = src.indexOf(c, j)
        if (k < 0) throw new UntranslatableSql(`unterminated ${c === "'" ? 'string literal' : 'quoted identifier'}`, src)
        if (src[k + 1] === c) j = k + 2
        else {
          j = k + 1
          break
        }
      }
      m = src.slice(i, j)
      out.push({ kind: c === "'" ? 'string' : 'qident', text: m })
    } else if (c === '-' && src[i + 1] === '-') {
      const k = src.indexOf('\n', i)
      m = k < 0 ? src.slice(i) : src.slice(i, k)
      out.push({ kind: 'comment', text: m })
    } else if (c === '/' && src[i + 1] === '*') {
      const k = src.indexOf('*/', i + 2)
      if (k < 0) throw new UntranslatableSql('unterminated comment', src)
      m = src.slice(i, k + 2)
      out.push({ kind: 'comment', text: m })
    } else if (c === '?') {
      if (/[0-9]/.test(src[i + 1] ?? '')) throw new UntranslatableSql('numbered parameter ?NNN', src)
      m = '?'
      out.push({ kind: 'param', text: m })
    } else if (c === ':' || c === '@' || c === '$') {
      if (/[A-Za-z_]/.test(src[i + 1] ?? '')) throw new UntranslatableSql(`named parameter ${c}name`, src)
      if (c === ':' && src[i + 1] === ':') m = '::'
      else m = c
      out.push({ kind: 'punct', text: m })
    } else if (c === '`' || c === '[') {
      throw new UntranslatableSql(c === '`' ? 'backquoted identifier' : 'bracketed identifier', src)
    } else if ((m = sticky(WORD))) {
      out.push({ kind: 'word', text: m })
    } else if ((m = sticky(NUMBER))) {
      out.push({ kind: 'number', text: m })
    } else {
      m = OPS.find((op) => src.startsWith(op, i)) ?? c
      out.push({ kind: 'punct', text: m })
    }
    i += m.length
  }
  return out
}

// 'raw': text this translation wrote (left as it is by the rules).
/** Words after which a `+` is a sign (unary), not an addition. */
const BEFORE_UNARY = new Set([
  'select', 'where', 'and', 'or', 'not', 'when', 'then', 'else', 'case', 'by', 'on', 'set', 'values', 'in', 'between', 'like',
  'is', 'returning', 'limit', 'offset', 'having', 'distinct', 'all', 'exists', 'return',
])
/** Statements that are the ledger's business (db/pg/ledger.ts) or SQLite's alone. */
const REFUSED_FIRST = new Set(['begin', 'commit', 'end', 'rollback', 'savepoint', 'release', 'pragma', 'attach', 'detach', 'vacuum', 'analyze', 'reindex'])
/** Functions SQLite has and PostgreSQL has not (or has with another meaning). */
const REFUSED_FUNCTIONS = new Set([
  'iif', 'group_concat', 'strftime', 'datetime', 'date', 'time', 'unixepoch', 'printf', 'format', 'instr', 'total', 'randomblob',
  'last_insert_rowid', 'changes', 'total_changes', 'typeof', 'json', 'json_array', 'json_object', 'json_each', 'json_tree',
  'json_group_array', 'json_group_object', 'json_type', 'json_valid', 'glob', 'hex', 'unhex', 'zeroblob', 'likelihood', 'unlikely',
  'likely', 'sqlite_version', 'char', 'soundex', 'ledger_sha256',
])

const sig = (t: Token | undefined) => t !== undefined && t.kind !== 'ws' && t.kind !== 'comment'
const lower = (t: Token | undefined) => (t ? t.text.toLowerCase() : '')

/** The index of the next significant token at or after i (tokens.length if none). */
function next(tokens: Token[], i: number): number {
  while (i < tokens.length && !sig(tokens[i])) i++
  return i
}
function prev(tokens: Token[], i: number): number {
  while (i >= 0 && !sig(tokens[i])) i--
  return i
}

/** The index of the `)` that closes the `(` at `open`. */
function closing(tokens: Token[], open: number, src: string): number {
  let depth = 0
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!.text
    if (tokens[i]!.kind !== 'punct') continue
    if (t === '(') depth++
    else if (t === ')' && --depth === 0) return i
  }
  throw new UntranslatableSql('unbalanced parentheses', src)
}

/** The top-level comma-separated arguments between `open` and its `)`, as token ranges. */
function args(tokens: Token[], open: number, close: number): Array<[number, number]> {
  const out: Array<[number, number]> = []
  let depth = 0
  let start = open + 1
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i]!
    if (t.kind !== 'punct') continue
    if (t.text === '(') depth++
    else if (t.text === ')') depth--
    else if (t.text === ',' && depth === 0) {
      out.push([start, i])
      start = i + 1
    }
  }
  out.push([start, close])
  return out
}


const unquote = (s: string) => s.slice(1, -1).replace(/''/g, "'")
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`

/** `$.a.b` → ['a', 'b']; anything else (array steps, quoted keys) is refused. */
function jsonPath(path: string, src: string): string[] {
  if (!/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) throw new UntranslatableSql(`json_extract path ${path}`, src)
  return path.slice(2).split('.')
}

function translateTokens(tokens: Token[], src: string): Token[] {
  const first = next(tokens, 0)
  if (REFUSED_FIRST.has(lower(tokens[first]))) throw new UntranslatableSql(`statement ${tokens[first]!.text.toUpperCase()}`, src)
  const firstWord = lower(tokens[first])
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind === 'word') {
      const w = t.text.toLowerCase()
      const after = next(tokens, i + 1)
      const isCall = tokens[after]?.text === '('
      if (w === 'rowid' || w === 'oid' || w === '_rowid_') throw new UntranslatableSql('rowid', src)
      if (w === 'nocase' || w === 'rtrim') {
        if (lower(tokens[prev(tokens, i - 1)]) === 'collate') throw new UntranslatableSql(`COLLATE ${t.text}`, src)
      }
      if (w === 'glob' || w === 'regexp' || w === 'match') throw new UntranslatableSql(t.text.toUpperCase(), src)
      if ((w === 'or' && firstWord === 'insert' && lower(tokens[prev(tokens, i - 1)]) === 'insert') || (w === 'replace' && !isCall))
        throw new UntranslatableSql(`${w === 'or' ? 'INSERT OR' : 'REPLACE'} conflict clause`, src)
      if (w === 'conflict' && lower(tokens[prev(tokens, i - 1)]) === 'on' && tokens[after]?.text === '(') {
        // The conflict target names bare columns on PostgreSQL; drizzle qualifies them ("t"."c").
        const close = closing(tokens, after, src)
        for (let j = after + 1; j < close; j++)
          if (tokens[j]!.kind === 'qident' && tokens[j + 1]?.text === '.' && tokens[j + 2]?.kind === 'qident') {
            tokens.splice(j, 2)
            j--
          }
      }
      if (w === 'limit') {
        // `limit -1`: SQLite's "no limit".
        const a = next(tokens, i + 1)
        const b = next(tokens, a + 1)
        if (tokens[a]?.text === '-' && tokens[b]?.text === '1') {
          tokens[a] = { kind: 'word', text: 'all' }
          tokens.splice(a + 1, b - a)
        }
      }
      if (!isCall) {
        // A camelCase name (a column alias of a hand-written SELECT: `AS branchCode`) keeps its
        // case, as SQLite keeps it in the row's keys; PostgreSQL folds an unquoted one to lower case.
        if (/[a-z]/.test(t.text) && /[A-Z]/.test(t.text)) {
          t.kind = 'qident'
          t.text = `"${t.text}"`
        }
        continue
      }
      if (REFUSED_FUNCTIONS.has(w)) throw new UntranslatableSql(`function ${t.text}()`, src)
      if (w === 'ifnull') t.text = 'coalesce'
      else if (w === 'json_extract' || w === 'julianday') {
        // The argument's tokens stay in place (translated by this same loop, parameters counted in
        // order); only what surrounds them changes.
        const close = closing(tokens, after, src)
        const a = args(tokens, after, close)
        let suffix: string
        if (w === 'json_extract') {
          const p = a[1] ? next(tokens, a[1][0]) : -1
          const path = a[1] && p < a[1][1] && next(tokens, p + 1) >= a[1][1] ? tokens[p]! : undefined
          if (a.length !== 2 || !path || path.kind !== 'string') throw new UntranslatableSql('json_extract() with other than one constant path', src)
          suffix = `)::jsonb, ${jsonPath(unquote(path.text), src).map(literal).join(', ')})`
        } else {
          if (a.length !== 1) throw new UntranslatableSql('julianday() with modifiers', src)
          suffix = ')::timestamptz) / 86400.0 + 2440587.5)'
        }
        const [from, to] = a[0]!
        tokens.splice(to, close - to + 1, { kind: 'raw', text: suffix })
        tokens.splice(i, from - i, { kind: 'raw', text: w === 'json_extract' ? 'jsonb_extract_path((' : '(extract(epoch from (' })
      } else if ((w === 'max' || w === 'min') && args(tokens, after, closing(tokens, after, src)).length > 1) {
        // SQLite's scalar max(a, b) is PostgreSQL's greatest(a, b) (which ignores NULLs where SQLite returns NULL).
        throw new UntranslatableSql(`scalar ${w}(a, b)`, src)
      }
    } else if (t.kind === 'punct') {
      if (t.text === '==') t.text = '='
      else if (t.text === '+') {
        const p = tokens[prev(tokens, i - 1)]
        const unary = !p || (p.kind === 'punct' && p.text !== ')') || (p.kind === 'word' && BEFORE_UNARY.has(p.text.toLowerCase()))
        if (unary) {
          tokens.splice(i, 1)
          i--
        }
      }
    }
  }
  return tokens
}

/** In INSERT … VALUES (…), (…): a value that is the bare word null → default. */
function insertDefaults(tokens: Token[], src: string): void {
  const first = next(tokens, 0)
  if (lower(tokens[first]) !== 'insert') return
  let depth = 0
  let i = first
  for (; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind === 'punct' && t.text === '(') depth++
    else if (t.kind === 'punct' && t.text === ')') depth--
    else if (depth === 0 && t.kind === 'word' && t.text.toLowerCase() === 'values') break
  }
  if (i >= tokens.length) return
  for (let j = next(tokens, i + 1); tokens[j]?.text === '('; ) {
    const close = closing(tokens, j, src)
    for (const [from, to] of args(tokens, j, close)) {
      const a = next(tokens, from)
      if (a < to && next(tokens, a + 1) >= to && lower(tokens[a]) === 'null') tokens[a] = { kind: 'word', text: 'default' }
    }
    const after = next(tokens, close + 1)
    if (tokens[after]?.text !== ',') break
    j = next(tokens, after + 1)
  }
}

function translateUncached(src: string): Translated {
  const tokens = translateTokens(tokenize(src), src)
  insertDefaults(tokens, src)
  let n = 0
  const textOut = tokens.map((t) => (t.kind === 'param' ? `$${++n}` : t.text)).join('')
  return { text: textOut, params: n }
}

const cache = new Map<string, Translated>()
const CACHE_SIZE = 2000

/** The PostgreSQL text of a SQLite-dialect statement (cached by text). Throws UntranslatableSql. */
export function translateSql(src: string): Translated {
  let t = cache.get(src)
  if (t) return t
  t = translateUncached(src)
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!)
  cache.set(src, t)
  return t
}
