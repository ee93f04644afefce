// The one conformance suite of openDatabase and the models, run against each provider
// (sqlite.test.ts, postgresql.test.ts) on real databases.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { isBerthError } from "@berth/core";
import { afterEach, describe, expect, it } from "vitest";
import type { Database, OpenDatabaseOptions } from "./database.js";
import type { DatabaseProvider } from "./database-url.js";
import { migrationNames } from "./migrations.js";
import { openDatabase } from "./open-database.js";
import { migrationsDir, packageRoot } from "./package-paths.js";

export interface ConformanceTarget {
  provider: DatabaseProvider;
  /** Options for a database nobody has opened yet. */
  freshDatabase(): Promise<OpenDatabaseOptions>;
  /** Runs `use` while another session holds the migration lock of this database. */
  whileMigrationLockHeld(options: OpenDatabaseOptions, use: () => Promise<void>): Promise<void>;
  /** Runs SQL outside Prisma (to look at _prisma_migrations, or to tamper with it). */
  rawQuery(options: OpenDatabaseOptions, sql: string): Promise<Record<string, unknown>[]>;
}

const twoTo40 = 2n ** 40n;

export function describeDatabaseConformance(target: ConformanceTarget): void {
  const bundled = migrationNames(migrationsDir(target.provider));
  const opened: Database[] = [];
  const open = async (options: OpenDatabaseOptions) => {
    const database = await openDatabase(options);
    opened.push(database);
    return database;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((database) => database.close()));
  });

  const appliedMigrations = (options: OpenDatabaseOptions) =>
    target.rawQuery(
      options,
      "SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, started_at " +
        "FROM _prisma_migrations ORDER BY migration_name",
    );

  describe(`openDatabase on ${target.provider}`, () => {
    it("migrates a fresh database and records each migration as migrate deploy does", async () => {
      const options = await target.freshDatabase();
      const database = await open(options);
      expect(database.provider).toBe(target.provider);
      expect(database.schemaVersion).toBe(bundled.at(-1));
      const rows = await appliedMigrations(options);
      expect(rows.map((row) => row["migration_name"])).toEqual(bundled);
      for (const row of rows) {
        const sql = readFileSync(join(migrationsDir(target.provider), String(row["migration_name"]), "migration.sql"));
        expect(row["checksum"]).toBe(createHash("sha256").update(sql).digest("hex"));
        expect(row["finished_at"]).not.toBeNull();
        expect(row["rolled_back_at"]).toBeNull();
        expect(Number(row["applied_steps_count"])).toBe(1);
      }
      expect(await database.client.image.count()).toBe(0);
    });

    it("opens a current database without migration work", async () => {
      const options = await target.freshDatabase();
      await (await open(options)).close();
      const before = await appliedMigrations(options);
      // Were the open to try migrating, it would wait for this lock until the test times out.
      await target.whileMigrationLockHeld(options, async () => {
        const database = await open(options);
        expect(database.schemaVersion).toBe(bundled.at(-1));
        expect(await database.client.event.count()).toBe(0);
      });
      expect(await appliedMigrations(options)).toEqual(before);
    });

    it("migrates a fresh database only under the migration lock", async () => {
      const options = await target.freshDatabase();
      let isSettled = false;
      let opening: Promise<Database> | undefined;
      await target.whileMigrationLockHeld(options, async () => {
        opening = open(options).finally(() => {
          isSettled = true;
        });
        await sleep(500);
        expect(isSettled).toBe(false);
      });
      expect((await opening!).schemaVersion).toBe(bundled.at(-1));
    });

    it("lets two concurrent opens of a fresh database both succeed, migrating once", async () => {
      const options = await target.freshDatabase();
      const [first, second] = await Promise.all([open(options), open(options)]);
      expect(first.schemaVersion).toBe(bundled.at(-1));
      expect(second.schemaVersion).toBe(bundled.at(-1));
      expect((await appliedMigrations(options)).map((row) => row["migration_name"])).toEqual(bundled);
      await first.client.node.create({ data: { id: "n1", root: "/r", hostname: "h" } });
      expect(await second.client.node.count()).toBe(1);
    });

    it("lets several processes open a fresh database at once, migrating once", async () => {
      const options = await target.freshDatabase();
      const versions = await openInProcesses(4, options);
      expect(versions).toEqual(Array(4).fill(bundled.at(-1)));
      expect((await appliedMigrations(options)).map((row) => row["migration_name"])).toEqual(bundled);
    }, 180_000); // four cold node processes on a busy host

    it("refuses to migrate a database that holds someone else's tables (INTERNAL)", async () => {
      const options = await target.freshDatabase();
      await target.rawQuery(options, 'CREATE TABLE "Tag" (other INTEGER)');
      const error = await openDatabase(options).catch((caught: unknown) => caught);
      expect(isBerthError(error, "INTERNAL")).toBe(true);
      expect((error as Error).message).toContain("schema is not empty");
    });

    it("refuses a database migrated by a newer berth", async () => {
      const options = await target.freshDatabase();
      await (await open(options)).close();
      await target.rawQuery(
        options,
        "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) " +
          "VALUES ('future', 'x', CURRENT_TIMESTAMP, '99990101000000_future', CURRENT_TIMESTAMP, 1)",
      );
      const error = await openDatabase(options).catch((caught: unknown) => caught);
      expect(isBerthError(error, "UNAVAILABLE")).toBe(true);
      expect((error as Error).message).toContain("99990101000000_future");
    });
  });

  describe(`models on ${target.provider}`, () => {
    const image = (nodeId: string, id: string, parentId: string | null = null) => ({
      nodeId,
      id,
      parentId,
      created: new Date("2024-05-01T10:00:00.123Z"),
      size: twoTo40 + 7n,
      architecture: "amd64",
      os: "linux",
    });

    it("stores images with parent pointers and BigInt sizes above 2^32", async () => {
      const { client } = await open(await target.freshDatabase());
      await client.image.create({ data: image("a", "sha256:base") });
      await client.image.create({ data: image("a", "sha256:child", "sha256:base") });
      await client.image.create({ data: { ...image("a", "sha256:grandchild", "sha256:child"), size: 2n ** 62n } });

      const child = await client.image.findUniqueOrThrow({
        where: { nodeId_id: { nodeId: "a", id: "sha256:child" } },
        include: { parent: true, children: true },
      });
      expect(child.parent?.id).toBe("sha256:base");
      expect(child.children.map((c) => c.id)).toEqual(["sha256:grandchild"]);
      expect(child.size).toBe(twoTo40 + 7n);
      expect(child.created.toISOString()).toBe("2024-05-01T10:00:00.123Z");
      expect(child.labels).toBe("{}");
      const total = await client.image.aggregate({ where: { nodeId: "a" }, _sum: { size: true } });
      expect(total._sum.size).toBe(2n * (twoTo40 + 7n) + 2n ** 62n);

      await client.image.update({
        where: { nodeId_id: { nodeId: "a", id: "sha256:grandchild" } },
        data: { parentId: null },
      });
      const roots = await client.image.findMany({ where: { nodeId: "a", parentId: null }, orderBy: { id: "asc" } });
      expect(roots.map((r) => r.id)).toEqual(["sha256:base", "sha256:grandchild"]);
    });

    it("refuses to delete an image that has children, and a parent on another node", async () => {
      const { client } = await open(await target.freshDatabase());
      await client.image.create({ data: image("a", "sha256:base") });
      await client.image.create({ data: image("a", "sha256:child", "sha256:base") });
      const base = { nodeId_id: { nodeId: "a", id: "sha256:base" } };

      await expect(client.image.delete({ where: base })).rejects.toMatchObject({ code: "P2003" });
      await expect(client.image.create({ data: image("b", "sha256:orphan", "sha256:base") })).rejects.toMatchObject({
        code: "P2003",
      });

      await client.image.delete({ where: { nodeId_id: { nodeId: "a", id: "sha256:child" } } });
      await client.image.delete({ where: base });
      expect(await client.image.count()).toBe(0);
    });

    it("keeps a container when its image is deleted, and a volume while a container mounts it", async () => {
      const { client } = await open(await target.freshDatabase());
      await client.image.create({ data: { ...image("a", "sha256:img"), topChainId: "sha256:top" } });
      await client.container.create({
        data: { nodeId: "a", id: "c1", name: "web", imageId: "sha256:img", topChainId: "sha256:top", imageRef: "busybox", config: "{}", hostConfig: "{}" },
      });
      await client.volume.create({ data: { nodeId: "a", name: "data", labels: '{"tier":"db"}', options: '{"type":"tmpfs","device":"tmpfs"}' } });
      await client.volumeMount.create({ data: { nodeId: "a", containerId: "c1", destination: "/data", volumeName: "data" } });

      await client.image.delete({ where: { nodeId_id: { nodeId: "a", id: "sha256:img" } } }); // rmi -f: the container stays
      expect(await client.container.findUniqueOrThrow({ where: { nodeId_id: { nodeId: "a", id: "c1" } } })).toMatchObject({
        imageId: "sha256:img", topChainId: "sha256:top",
      });
      const volume = { nodeId_name: { nodeId: "a", name: "data" } };
      expect(await client.volume.findUniqueOrThrow({ where: volume, include: { _count: { select: { mounts: true } } } })).toMatchObject({
        options: '{"type":"tmpfs","device":"tmpfs"}', anonymous: false, _count: { mounts: 1 },
      });
      await expect(client.volume.delete({ where: volume })).rejects.toMatchObject({ code: "P2003" });
      await expect(client.container.create({
        data: { nodeId: "a", id: "c2", name: "web", imageId: "sha256:gone", imageRef: "x", config: "{}", hostConfig: "{}" },
      })).rejects.toMatchObject({ code: "P2002" });

      await client.container.delete({ where: { nodeId_id: { nodeId: "a", id: "c1" } } });
      expect(await client.volumeMount.count()).toBe(0);
      await client.volume.delete({ where: volume });
      expect(await client.volume.count()).toBe(0);
    });

    it("keeps layers, image layers, tags and repo digests, cascading from the image", async () => {
      const { client } = await open(await target.freshDatabase());
      await client.layer.createMany({
        data: [
          { nodeId: "a", chainId: "sha256:c1", diffId: "sha256:d1", size: twoTo40, link: "L1" },
          { nodeId: "a", chainId: "sha256:c2", diffId: "sha256:d2", parentChainId: "sha256:c1", size: 5n, link: "L2" },
        ],
      });
      await client.image.create({
        data: {
          ...image("a", "sha256:img"),
          topChainId: "sha256:c2",
          layers: { create: [{ position: 0, chainId: "sha256:c1" }, { position: 1, chainId: "sha256:c2" }] },
          tags: { create: [{ name: "localhost/app:1" }, { name: "localhost/app:latest" }] },
          repoDigests: { create: [{ name: "localhost/app@sha256:m" }] },
        },
      });

      const found = await client.image.findUniqueOrThrow({
        where: { nodeId_id: { nodeId: "a", id: "sha256:img" } },
        include: { layers: { orderBy: { position: "asc" }, include: { layer: true } }, tags: true, repoDigests: true },
      });
      expect(found.layers.map((l) => [l.position, l.layer.diffId, l.layer.size])).toEqual([
        [0, "sha256:d1", twoTo40],
        [1, "sha256:d2", 5n],
      ]);
      expect(found.tags.map((t) => t.name).sort()).toEqual(["localhost/app:1", "localhost/app:latest"]);
      expect(found.repoDigests.map((d) => d.name)).toEqual(["localhost/app@sha256:m"]);

      // A tag name is unique per node; moving it is an update of its image.
      await expect(
        client.tag.create({ data: { nodeId: "a", name: "localhost/app:1", imageId: "sha256:img" } }),
      ).rejects.toMatchObject({ code: "P2002" });
      // A link is unique per node.
      await expect(
        client.layer.create({ data: { nodeId: "a", chainId: "sha256:c3", diffId: "sha256:d3", size: 1n, link: "L1" } }),
      ).rejects.toMatchObject({ code: "P2002" });
      // A layer that an image uses cannot go.
      await expect(
        client.layer.delete({ where: { nodeId_chainId: { nodeId: "a", chainId: "sha256:c1" } } }),
      ).rejects.toMatchObject({ code: "P2003" });

      await client.image.delete({ where: { nodeId_id: { nodeId: "a", id: "sha256:img" } } });
      expect(await client.tag.count()).toBe(0);
      expect(await client.repoDigest.count()).toBe(0);
      expect(await client.imageLayer.count()).toBe(0);
      expect(await client.layer.count()).toBe(2);
      await client.layer.deleteMany({ where: { nodeId: "a" } });
      expect(await client.layer.count()).toBe(0);
    });

    it("numbers events in insertion order and never reuses a number", async () => {
      const { client } = await open(await target.freshDatabase());
      const event = (nodeId: string, action: string) => ({
        nodeId,
        type: "container",
        action,
        objectId: "c1",
        actor: "cli:root",
      });
      const created = [];
      for (const action of ["create", "start", "die", "destroy"]) {
        created.push(await client.event.create({ data: event(action === "die" ? "b" : "a", action) }));
      }
      const seqs = created.map((e) => e.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(4);

      const nodeA = await client.event.findMany({ where: { nodeId: "a" }, orderBy: { seq: "asc" } });
      expect(nodeA.map((e) => e.action)).toEqual(["create", "start", "destroy"]);
      expect(nodeA[0]?.attributes).toBe("{}");
      expect(nodeA[0]?.time).toBeInstanceOf(Date);
      const since = await client.event.findMany({ where: { nodeId: "a", seq: { gt: seqs[0]! } }, orderBy: { seq: "asc" } });
      expect(since.map((e) => e.action)).toEqual(["start", "destroy"]);

      await client.event.delete({ where: { seq: seqs[3]! } });
      const next = await client.event.create({ data: event("a", "create") });
      expect(next.seq).toBeGreaterThan(seqs[3]!);
    });

    it("scopes every row by node: two nodes never see each other's rows", async () => {
      const { client } = await open(await target.freshDatabase());
      for (const nodeId of ["a", "b"]) {
        await client.node.create({ data: { id: nodeId, root: `/var/lib/berth-${nodeId}`, hostname: "host" } });
        await client.layer.create({
          data: { nodeId, chainId: "sha256:c1", diffId: "sha256:d1", size: 1n, link: "L1" },
        });
        await client.image.create({
          data: {
            ...image(nodeId, "sha256:same"),
            architecture: nodeId === "a" ? "amd64" : "arm64",
            layers: { create: [{ position: 0, chainId: "sha256:c1" }] },
            tags: { create: [{ name: "localhost/app:latest" }] },
          },
        });
      }
      const forNode = (nodeId: string) =>
        client.image.findMany({ where: { nodeId }, include: { tags: true, layers: true } });
      const [a, b] = [await forNode("a"), await forNode("b")];
      expect(a.map((i) => i.architecture)).toEqual(["amd64"]);
      expect(b.map((i) => i.architecture)).toEqual(["arm64"]);
      expect(a[0]?.tags.map((t) => t.nodeId)).toEqual(["a"]);
      expect(b[0]?.layers.map((l) => l.nodeId)).toEqual(["b"]);

      await client.image.delete({ where: { nodeId_id: { nodeId: "a", id: "sha256:same" } } });
      expect(await forNode("a")).toEqual([]);
      expect((await forNode("b")).map((i) => i.tags.length)).toEqual([1]);
      expect(await client.tag.count({ where: { nodeId: "b" } })).toBe(1);
    });
  });
}

/** Opens the database from `count` node processes at once, through the compiled package. */
async function openInProcesses(count: number, options: OpenDatabaseOptions): Promise<string[]> {
  const script = `
    const { openDatabase } = await import(${JSON.stringify(join(packageRoot(), "dist/src/index.js"))});
    const database = await openDatabase(${JSON.stringify(options)});
    await database.client.image.count();
    console.log(database.schemaVersion);
    await database.close();`;
  const run = promisify(execFile);
  const results = await Promise.all(
    Array.from({ length: count }, () => run(process.execPath, ["--input-type=module", "-e", script])),
  );
  return results.map((result) => result.stdout.trim());
}
