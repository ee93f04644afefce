-- AlterTable
ALTER TABLE "Container" ADD COLUMN     "networks" TEXT;

-- AlterTable
ALTER TABLE "Network" ADD COLUMN     "userSubnet" BOOLEAN NOT NULL DEFAULT false;
