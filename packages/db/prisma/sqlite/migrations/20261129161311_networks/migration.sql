-- CreateTable
CREATE TABLE "Network" (
    "nodeId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "driver" TEXT NOT NULL DEFAULT 'bridge',
    "subnet" TEXT NOT NULL,
    "gateway" TEXT NOT NULL,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "device" TEXT NOT NULL,
    "labels" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("nodeId", "id")
);

-- CreateTable
CREATE TABLE "NetworkEndpoint" (
    "nodeId" TEXT NOT NULL,
    "networkId" TEXT NOT NULL,
    "containerId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "macAddress" TEXT NOT NULL,
    "hostDevice" TEXT NOT NULL,
    "ports" TEXT NOT NULL DEFAULT '[]',
    "aliases" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("nodeId", "networkId", "containerId"),
    CONSTRAINT "NetworkEndpoint_nodeId_networkId_fkey" FOREIGN KEY ("nodeId", "networkId") REFERENCES "Network" ("nodeId", "id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "NetworkEndpoint_nodeId_containerId_fkey" FOREIGN KEY ("nodeId", "containerId") REFERENCES "Container" ("nodeId", "id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Network_nodeId_name_key" ON "Network"("nodeId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Network_nodeId_device_key" ON "Network"("nodeId", "device");

-- CreateIndex
CREATE INDEX "NetworkEndpoint_nodeId_containerId_idx" ON "NetworkEndpoint"("nodeId", "containerId");

-- CreateIndex
CREATE UNIQUE INDEX "NetworkEndpoint_nodeId_networkId_address_key" ON "NetworkEndpoint"("nodeId", "networkId", "address");
