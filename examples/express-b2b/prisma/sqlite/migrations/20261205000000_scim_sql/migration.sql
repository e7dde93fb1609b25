-- The scim_ tables as @scim/sql's statements expect them (the same columns as @scim/sql/schema/sqlite.sql):
-- instants are milliseconds since the epoch in their DATETIME columns (Prisma's client reads them as it
-- reads its own ISO text), so the bookkeeping compares numbers with numbers; rows an earlier version wrote
-- as ISO text are converted. The columns no statement writes are dropped.

-- Convert
UPDATE "scim_events" SET "received_at" = CAST(strftime('%s', "received_at") AS INTEGER) * 1000 + CAST(substr(strftime('%f', "received_at"), 4) AS INTEGER) WHERE typeof("received_at") = 'text';

-- Convert
UPDATE "scim_entities" SET "updated_at" = CAST(strftime('%s', "updated_at") AS INTEGER) * 1000 + CAST(substr(strftime('%f', "updated_at"), 4) AS INTEGER) WHERE typeof("updated_at") = 'text';

-- Convert
UPDATE "scim_sync_states" SET "watermark" = CAST(strftime('%s', "watermark") AS INTEGER) * 1000 + CAST(substr(strftime('%f', "watermark"), 4) AS INTEGER) WHERE typeof("watermark") = 'text';

-- Convert
UPDATE "scim_sync_states" SET "last_started_at" = CAST(strftime('%s', "last_started_at") AS INTEGER) * 1000 + CAST(substr(strftime('%f', "last_started_at"), 4) AS INTEGER) WHERE typeof("last_started_at") = 'text';

-- Convert
UPDATE "scim_sync_states" SET "last_finished_at" = CAST(strftime('%s', "last_finished_at") AS INTEGER) * 1000 + CAST(substr(strftime('%f', "last_finished_at"), 4) AS INTEGER) WHERE typeof("last_finished_at") = 'text';

-- Convert
UPDATE "scim_sync_states" SET "updated_at" = CAST(strftime('%s', "updated_at") AS INTEGER) * 1000 + CAST(substr(strftime('%f', "updated_at"), 4) AS INTEGER) WHERE typeof("updated_at") = 'text';

-- Convert
UPDATE "scim_leases" SET "expires_at" = CAST(strftime('%s', "expires_at") AS INTEGER) * 1000 + CAST(substr(strftime('%f', "expires_at"), 4) AS INTEGER) WHERE typeof("expires_at") = 'text';

-- AlterTable
ALTER TABLE "scim_entities" DROP COLUMN "write_token";

-- AlterTable
ALTER TABLE "scim_groups" DROP COLUMN "updated_at";

-- AlterTable
ALTER TABLE "scim_directories" DROP COLUMN "updated_at";

-- DropIndex
DROP INDEX "scim_events_received_at_idx";

-- DropIndex
DROP INDEX "scim_memberships_organization_id_group_id_idx";

-- CreateIndex
CREATE INDEX "scim_events_received_at_id_idx" ON "scim_events"("received_at", "id");

-- CreateIndex
CREATE INDEX "scim_memberships_organization_id_group_id_user_id_idx" ON "scim_memberships"("organization_id", "group_id", "user_id");
