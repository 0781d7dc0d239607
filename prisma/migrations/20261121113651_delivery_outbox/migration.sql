-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "eventSequence" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "instanceName" VARCHAR(255),
ADD COLUMN     "webhookId" UUID;

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_createdAt_idx" ON "WebhookDelivery"("status", "createdAt");
