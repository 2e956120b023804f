import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, STATEMENT_CACHE_SIZE, type DB } from './client';

describe('the statement cache of a connection', () => {
  let db: DB;
  afterEach(() => db?.$client.close());

  const open = () => {
    db = openDatabase(':memory:');
    db.$client.exec(`create table t (id integer primary key, name text); insert into t (name) values ('a'), ('b'), ('c');`);
    return db.$client;
  };

  it('hands the same SQL text its compiled statement again, in the default row shape whatever the last caller set', () => {
    const client = open();
    const first = client.prepare('select id, name from t order by id');
    expect(first.pluck().all()).toEqual([1, 2, 3]);
    const second = client.prepare('select id, name from t order by id');
    expect(second).toBe(first);
    expect(second.get()).toEqual({ id: 1, name: 'a' });
    second.raw();
    expect(client.prepare('select id, name from t order by id').all()).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ]);
    // Drizzle's own queries go through it: a raw `values` call, then a mapped select of the same text.
    expect(db.values(sql`select name from t order by id`)).toEqual([['a'], ['b'], ['c']]);
    expect(db.all(sql`select name from t order by id`)).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
  });

  it('compiles a fresh statement while the cached one is still being iterated', () => {
    const client = open();
    const pairs: string[] = [];
    for (const outer of client.prepare('select name from t order by id').iterate() as Iterable<{ name: string }>) {
      for (const inner of client.prepare('select name from t order by id').iterate() as Iterable<{ name: string }>) pairs.push(outer.name + inner.name);
    }
    expect(pairs).toHaveLength(9);
    expect(client.prepare('select name from t order by id').busy).toBe(false);
  });

  it('keeps at most STATEMENT_CACHE_SIZE texts, dropping the least recently used', () => {
    const client = open();
    const kept = client.prepare('select 0 as n');
    const dropped = client.prepare('select 1 as n');
    for (let i = 2; i < STATEMENT_CACHE_SIZE + 1; i++) {
      client.prepare(`select ${i} as n`);
      if (i % 100 === 0) expect(client.prepare('select 0 as n')).toBe(kept); // used again: kept
    }
    expect(client.prepare('select 0 as n')).toBe(kept);
    expect(client.prepare('select 1 as n')).not.toBe(dropped);
  });

  it('statements that change nothing are cached too, and still run', () => {
    const client = open();
    const insert = client.prepare('insert into t (name) values (?)');
    insert.run('d');
    expect(client.prepare('insert into t (name) values (?)')).toBe(insert);
    client.prepare('insert into t (name) values (?)').run('e');
    expect(client.prepare('select count(*) from t').pluck().get()).toBe(5);
  });
});
