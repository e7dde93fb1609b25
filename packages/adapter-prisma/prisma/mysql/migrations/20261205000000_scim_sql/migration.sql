-- The scim_ tables as @scim/sql's statements expect them (the same columns as @scim/sql/schema/mysql.sql):
-- the inbox's claim token (which rows one claim inserted: MySQL has no RETURNING), room for the values the
-- identity providers send (group names as TEXT, other values up to 255 characters), and the columns no
-- statement writes dropped.

-- AlterTable
ALTER TABLE `scim_events` ADD COLUMN `claim_token` CHAR(36) NULL,
    MODIFY `type` VARCHAR(255) NOT NULL;

-- AlterTable
ALTER TABLE `scim_entities` MODIFY `fingerprint` VARCHAR(255) NULL,
    MODIFY `event_id` VARCHAR(255) NULL,
    MODIFY `write_token` CHAR(36) NULL;

-- AlterTable
ALTER TABLE `scim_groups` DROP COLUMN `updated_at`,
    MODIFY `directory_id` VARCHAR(255) NULL,
    MODIFY `display_name` TEXT NULL,
    MODIFY `external_id` VARCHAR(255) NULL;

-- AlterTable
ALTER TABLE `scim_directories` DROP COLUMN `updated_at`,
    MODIFY `provider` VARCHAR(255) NULL,
    MODIFY `directory_type` VARCHAR(255) NULL,
    MODIFY `status` VARCHAR(255) NULL;

-- AlterTable
ALTER TABLE `scim_leases` MODIFY `owner` VARCHAR(255) NOT NULL;

-- CreateIndex
CREATE INDEX `scim_events_received_at_id_idx` ON `scim_events`(`received_at`, `id`);

-- CreateIndex
CREATE INDEX `scim_memberships_organization_id_group_id_user_id_idx` ON `scim_memberships`(`organization_id`, `group_id`, `user_id`);

-- DropIndex
DROP INDEX `scim_events_received_at_idx` ON `scim_events`;

-- DropIndex
DROP INDEX `scim_memberships_organization_id_group_id_idx` ON `scim_memberships`;
