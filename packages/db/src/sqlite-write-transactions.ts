import type { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";

// Prisma's better-sqlite3 adapter opens every transaction with a plain (deferred) BEGIN. In WAL
// mode a deferred transaction that has read and then writes while another process holds the
// write lock fails at once with SQLITE_BUSY (Prisma: "Operation has timed out"): SQLite calls no
// busy handler for that upgrade, since waiting could deadlock. Parallel CLI processes hit it
// whenever two read-then-write transactions overlap. So each transaction here takes the write
// lock with its first statement, a write that changes nothing; at that point the busy timeout
// applies, and the transaction then never has to upgrade (as BEGIN IMMEDIATE would do).

const TAKE_WRITE_LOCK = { sql: 'DELETE FROM "_prisma_migrations" WHERE 0', args: [], argTypes: [] };
const ROLLBACK = { sql: "ROLLBACK", args: [], argTypes: [] };

async function startWriteTransaction(adapter: SqlDriverAdapter, start: SqlDriverAdapter["startTransaction"], isolationLevel?: Parameters<SqlDriverAdapter["startTransaction"]>[0]): Promise<Transaction> {
  const transaction = await start.call(adapter, isolationLevel);
  try {
    await transaction.executeRaw(TAKE_WRITE_LOCK);
  } catch (error) {
    await transaction.executeRaw(ROLLBACK).catch(() => undefined);
    await transaction.rollback();
    throw error;
  }
  return transaction;
}

/** The adapter factory whose transactions hold SQLite's write lock from their start. */
export function withWriteTransactions(factory: PrismaBetterSqlite3): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connectToShadowDb: () => factory.connectToShadowDb(),
    async connect() {
      const adapter = await factory.connect();
      const start = adapter.startTransaction;
      adapter.startTransaction = (isolationLevel) => startWriteTransaction(adapter, start, isolationLevel);
      return adapter;
    },
  };
}
