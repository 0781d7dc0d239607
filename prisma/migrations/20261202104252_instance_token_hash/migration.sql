-- Instance tokens are stored encrypted (random nonce per value), so the unique index moves to a
-- lookup hash. Existing rows get the unkeyed form ("sha256:<hex>"); `npm run secrets:rotate`
-- replaces it with the keyed HMAC and encrypts the token once a key is configured.

-- DropIndex
DROP INDEX "Instance_token_key";

-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "tokenHash" VARCHAR(128),
ALTER COLUMN "token" SET DATA TYPE TEXT;

UPDATE "Instance" SET "tokenHash" = 'sha256:' || encode(sha256(convert_to("token", 'UTF8')), 'hex');

-- CreateIndex
CREATE UNIQUE INDEX "Instance_tokenHash_key" ON "Instance"("tokenHash");
