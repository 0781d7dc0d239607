-- WebhookAttempt.deliveryId loses its foreign key. Its per-row check (a KEY SHARE lock on the
-- delivery row, with a WAL record, for every attempt) was about 40% of the Postgres CPU of
-- recording an attempt. Attempts are written only by the delivery log repositories, in the
-- statement that updates their delivery; retention deletes them with their delivery.
ALTER TABLE "WebhookAttempt" DROP CONSTRAINT IF EXISTS "WebhookAttempt_deliveryId_fkey";
