-- DropIndex
DROP INDEX "Webhook_instanceId_key";

-- AlterTable
ALTER TABLE "Webhook" ADD COLUMN     "filters" JSONB,
ADD COLUMN     "name" VARCHAR(100),
ADD COLUMN     "primaryFor" UUID;

-- Every existing webhook was its instance's only one: it becomes the primary.
UPDATE "Webhook" SET "primaryFor" = "instanceId";

-- CreateIndex
CREATE UNIQUE INDEX "Webhook_primaryFor_key" ON "Webhook"("primaryFor");

-- CreateIndex
CREATE INDEX "Webhook_instanceId_idx" ON "Webhook"("instanceId");
