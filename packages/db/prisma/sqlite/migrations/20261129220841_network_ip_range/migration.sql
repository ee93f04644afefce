-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Network" (
    "nodeId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "driver" TEXT NOT NULL DEFAULT 'bridge',
    "subnet" TEXT NOT NULL,
    "gateway" TEXT NOT NULL,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "userSubnet" BOOLEAN NOT NULL DEFAULT false,
    "device" TEXT NOT NULL,
    "ipRange" TEXT NOT NULL DEFAULT '',
    "auxAddresses" TEXT NOT NULL DEFAULT '{}',
    "labels" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("nodeId", "id")
);
INSERT INTO "new_Network" ("createdAt", "device", "driver", "gateway", "id", "internal", "labels", "name", "nodeId", "subnet", "userSubnet") SELECT "createdAt", "device", "driver", "gateway", "id", "internal", "labels", "name", "nodeId", "subnet", "userSubnet" FROM "Network";
DROP TABLE "Network";
ALTER TABLE "new_Network" RENAME TO "Network";
CREATE UNIQUE INDEX "Network_nodeId_name_key" ON "Network"("nodeId", "name");
CREATE UNIQUE INDEX "Network_nodeId_device_key" ON "Network"("nodeId", "device");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
