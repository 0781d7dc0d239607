-- A webhook delivery's first attempt that succeeded is recorded in its own row (as a confirmed
-- RabbitMQ publish already was) instead of an attempt row: the row keeps that attempt's HTTP
-- status and answer excerpt. Nullable without a default: no table rewrite.
ALTER TABLE "WebhookDelivery" ADD COLUMN "lastStatusCode" INTEGER, ADD COLUMN "lastResponse" TEXT;
