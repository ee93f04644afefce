-- DropForeignKey
ALTER TABLE "Container" DROP CONSTRAINT "Container_nodeId_imageId_fkey";

-- AlterTable
ALTER TABLE "Container" ADD COLUMN     "topChainId" TEXT;

-- Existing containers keep their image's layers: its top chain id (berth, not generated)
UPDATE "Container" SET "topChainId" = (SELECT "topChainId" FROM "Image" WHERE "Image"."nodeId" = "Container"."nodeId" AND "Image"."id" = "Container"."imageId");
