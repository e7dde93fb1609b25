-- The scim_ tables as @scim/sql's statements expect them (the same columns as @scim/sql/schema/postgresql.sql):
-- instants with their time zone (timestamptz, the stored values were UTC), ids compared byte by byte
-- (COLLATE "C", whatever the database's default collation), and the columns no statement writes dropped.

-- AlterTable
ALTER TABLE "scim_events"
    ALTER COLUMN "id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "organization_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "received_at" SET DATA TYPE TIMESTAMPTZ(3) USING "received_at" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "scim_entities"
    DROP COLUMN "write_token",
    ALTER COLUMN "organization_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "updated_at" SET DATA TYPE TIMESTAMPTZ(3) USING "updated_at" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "scim_memberships"
    ALTER COLUMN "organization_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "user_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "group_id" SET DATA TYPE TEXT COLLATE "C";

-- AlterTable
ALTER TABLE "scim_groups"
    DROP COLUMN "updated_at",
    ALTER COLUMN "organization_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "id" SET DATA TYPE TEXT COLLATE "C";

-- AlterTable
ALTER TABLE "scim_directories"
    DROP COLUMN "updated_at",
    ALTER COLUMN "organization_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "id" SET DATA TYPE TEXT COLLATE "C";

-- AlterTable
ALTER TABLE "scim_links"
    ALTER COLUMN "organization_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "directory_user_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "app_user_id" SET DATA TYPE TEXT COLLATE "C";

-- AlterTable
ALTER TABLE "scim_sync_states"
    ALTER COLUMN "organization_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "directory_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "watermark" SET DATA TYPE TIMESTAMPTZ(3) USING "watermark" AT TIME ZONE 'UTC',
    ALTER COLUMN "last_started_at" SET DATA TYPE TIMESTAMPTZ(3) USING "last_started_at" AT TIME ZONE 'UTC',
    ALTER COLUMN "last_finished_at" SET DATA TYPE TIMESTAMPTZ(3) USING "last_finished_at" AT TIME ZONE 'UTC',
    ALTER COLUMN "updated_at" SET DATA TYPE TIMESTAMPTZ(3) USING "updated_at" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "scim_leases"
    ALTER COLUMN "name" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "expires_at" SET DATA TYPE TIMESTAMPTZ(3) USING "expires_at" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "scim_resource_emails"
    ALTER COLUMN "organization_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "resource_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "email" SET DATA TYPE TEXT COLLATE "C";

-- AlterTable
ALTER TABLE "scim_resources"
    ALTER COLUMN "organization_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "user_name" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "external_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "display_name" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(3) USING "created_at" AT TIME ZONE 'UTC',
    ALTER COLUMN "last_modified" SET DATA TYPE TIMESTAMPTZ(3) USING "last_modified" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "scim_tokens"
    ALTER COLUMN "organization_id" SET DATA TYPE TEXT COLLATE "C",
    ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(3) USING "created_at" AT TIME ZONE 'UTC',
    ALTER COLUMN "expires_at" SET DATA TYPE TIMESTAMPTZ(3) USING "expires_at" AT TIME ZONE 'UTC';

-- DropIndex
DROP INDEX "scim_events_received_at_idx";

-- DropIndex
DROP INDEX "scim_memberships_organization_id_group_id_idx";

-- CreateIndex
CREATE INDEX "scim_events_received_at_id_idx" ON "scim_events"("received_at", "id");

-- CreateIndex
CREATE INDEX "scim_memberships_organization_id_group_id_user_id_idx" ON "scim_memberships"("organization_id", "group_id", "user_id");
