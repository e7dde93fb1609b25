-- The scim_ tables compare ids byte for byte (utf8mb4_bin): directory ids are case-sensitive and
-- listings page through them in plain string order.

-- CreateTable
CREATE TABLE `scim_events` (
    `id` VARCHAR(191) NOT NULL,
    `organization_id` VARCHAR(191) NOT NULL,
    `type` VARCHAR(191) NOT NULL,
    `occurred_at` VARCHAR(191) NOT NULL,
    `received_at` DATETIME(3) NOT NULL,
    `status` VARCHAR(191) NOT NULL,
    `payload` LONGTEXT NULL,

    INDEX `scim_events_received_at_idx`(`received_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `scim_entities` (
    `organization_id` VARCHAR(191) NOT NULL,
    `kind` VARCHAR(191) NOT NULL,
    `id` VARCHAR(191) NOT NULL,
    `version` BIGINT NOT NULL,
    `deleted` BOOLEAN NOT NULL,
    `active` BOOLEAN NOT NULL,
    `fingerprint` VARCHAR(191) NULL,
    `directory_roles` TEXT NULL,
    `event_id` VARCHAR(191) NULL,
    `write_token` VARCHAR(191) NULL,
    `updated_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`organization_id`, `kind`, `id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `scim_groups` (
    `organization_id` VARCHAR(191) NOT NULL,
    `id` VARCHAR(191) NOT NULL,
    `directory_id` VARCHAR(191) NULL,
    `display_name` VARCHAR(191) NULL,
    `external_id` VARCHAR(191) NULL,
    `updated_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`organization_id`, `id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `scim_memberships` (
    `organization_id` VARCHAR(191) NOT NULL,
    `user_id` VARCHAR(191) NOT NULL,
    `group_id` VARCHAR(191) NOT NULL,

    INDEX `scim_memberships_organization_id_group_id_idx`(`organization_id`, `group_id`),
    PRIMARY KEY (`organization_id`, `user_id`, `group_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `scim_directories` (
    `organization_id` VARCHAR(191) NOT NULL,
    `id` VARCHAR(191) NOT NULL,
    `enabled` BOOLEAN NOT NULL,
    `provider` VARCHAR(191) NULL,
    `directory_type` VARCHAR(191) NULL,
    `status` VARCHAR(191) NULL,
    `updated_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`organization_id`, `id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `scim_sync_states` (
    `organization_id` VARCHAR(191) NOT NULL,
    `directory_id` VARCHAR(191) NOT NULL,
    `status` VARCHAR(191) NOT NULL,
    `watermark` DATETIME(3) NULL,
    `checkpoint` LONGTEXT NULL,
    `last_started_at` DATETIME(3) NULL,
    `last_finished_at` DATETIME(3) NULL,
    `last_error` TEXT NULL,
    `updated_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`organization_id`, `directory_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `scim_leases` (
    `name` VARCHAR(191) NOT NULL,
    `owner` VARCHAR(191) NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`name`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- AddForeignKey
ALTER TABLE `scim_memberships` ADD CONSTRAINT `scim_memberships_organization_id_group_id_fkey` FOREIGN KEY (`organization_id`, `group_id`) REFERENCES `scim_groups`(`organization_id`, `id`) ON DELETE CASCADE ON UPDATE CASCADE;
