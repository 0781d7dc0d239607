-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "ownerFence" BIGINT NOT NULL DEFAULT 0;
