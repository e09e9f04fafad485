// PostgreSQL 0005: the searches by given name (名 in kana or kanji, issue 11 on the server ledger)
// list customers by (given_*_key, id), a screen of 100 at a time. SQLite's index on given_*_key
// holds the rowid (id) after the key in every entry, so it serves that order as it is; a
// PostgreSQL index on the key alone does not, and the server sorted every customer of the first
// given name in the range by id before the first screen (~34,000 for a common 名 at 1M customers,
// tests/pg/query-plans.test.ts). The same indexes, same names, with id as their last column: the
// order SQLite's index already has (tests/helpers/schemaParity.ts counts a PostgreSQL index ending
// in the integer primary key as the SQLite index without it, which carries the rowid).
// The surname and full-name indexes (kana_key, name_key) keep their key alone: one full name's
// customers are few, the plan test finds their sort bounded.
export const version = 5
export const name = 'name_key_order'
export const sql = /* sql */ `
DROP INDEX customers_given_kana_key_idx;
CREATE INDEX customers_given_kana_key_idx ON customers(given_kana_key, id);
DROP INDEX customers_given_name_key_idx;
CREATE INDEX customers_given_name_key_idx ON customers(given_name_key, id);
`
