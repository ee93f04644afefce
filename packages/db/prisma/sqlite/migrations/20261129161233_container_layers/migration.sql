-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Container" (
    "nodeId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "topChainId" TEXT,
    "imageRef" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "hostConfig" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'created',
    "pid" INTEGER NOT NULL DEFAULT 0,
    "monitorPid" INTEGER NOT NULL DEFAULT 0,
    "exitCode" INTEGER NOT NULL DEFAULT 0,
    "oomKilled" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT NOT NULL DEFAULT '',
    "restartCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("nodeId", "id")
);
INSERT INTO "new_Container" ("config", "createdAt", "error", "exitCode", "finishedAt", "hostConfig", "id", "imageId", "imageRef", "monitorPid", "name", "nodeId", "oomKilled", "pid", "restartCount", "startedAt", "state", "version") SELECT "config", "createdAt", "error", "exitCode", "finishedAt", "hostConfig", "id", "imageId", "imageRef", "monitorPid", "name", "nodeId", "oomKilled", "pid", "restartCount", "startedAt", "state", "version" FROM "Container";
DROP TABLE "Container";
ALTER TABLE "new_Container" RENAME TO "Container";
CREATE INDEX "Container_nodeId_imageId_idx" ON "Container"("nodeId", "imageId");
CREATE UNIQUE INDEX "Container_nodeId_name_key" ON "Container"("nodeId", "name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Existing containers keep their image's layers: its top chain id (berth, not generated)
UPDATE "Container" SET "topChainId" = (SELECT "topChainId" FROM "Image" WHERE "Image"."nodeId" = "Container"."nodeId" AND "Image"."id" = "Container"."imageId");
