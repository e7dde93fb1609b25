-- Contract v2: why an event was rejected, and identity links (service mode). Ids compare byte for
-- byte (utf8mb4_bin), as in the other scim_ tables.

-- AlterTable
ALTER TABLE `scim_events` ADD COLUMN `reason` TEXT NULL;

-- CreateTable
CREATE TABLE `scim_links` (
    `organization_id` VARCHAR(191) NOT NULL,
    `directory_user_id` VARCHAR(191) NOT NULL,
    `app_user_id` VARCHAR(191) NOT NULL,

    INDEX `scim_links_organization_id_app_user_id_idx`(`organization_id`, `app_user_id`),
    PRIMARY KEY (`organization_id`, `directory_user_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
