-- CreateIndex
CREATE INDEX "Contact_instanceId_lid_idx" ON "Contact"("instanceId", "lid");

-- CreateIndex
CREATE INDEX "Contact_instanceId_phoneNumber_idx" ON "Contact"("instanceId", "phoneNumber");

-- CreateIndex
CREATE INDEX "MessageUpdate_instanceId_createdAt_idx" ON "MessageUpdate"("instanceId", "createdAt");
