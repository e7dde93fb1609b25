-- The SCIM 2.0 server's resources, their email index and the organizations' tokens. Ids compare byte for
-- byte (utf8mb4_bin), as in the other scim_ tables.

-- CreateTable
CREATE TABLE `scim_resources` (
    `organization_id` VARCHAR(191) NOT NULL,
    `resource_type` VARCHAR(16) NOT NULL,
    `id` VARCHAR(191) NOT NULL,
    `version` BIGINT NOT NULL,
    `attributes` LONGTEXT NOT NULL,
    `user_name` VARCHAR(512) NULL,
    `external_id` VARCHAR(512) NULL,
    `display_name` VARCHAR(1024) NULL,
    `active` BOOLEAN NULL,
    `created_at` DATETIME(3) NOT NULL,
    `last_modified` DATETIME(3) NOT NULL,

    UNIQUE INDEX `scim_resources_organization_id_resource_type_user_name_key`(`organization_id`, `resource_type`, `user_name`),
    INDEX `scim_resources_organization_id_resource_type_external_id_idx`(`organization_id`, `resource_type`, `external_id`),
    INDEX `scim_resources_organization_id_resource_type_display_name_idx`(`organization_id`, `resource_type`, `display_name`(512)),
    INDEX `scim_resources_organization_id_resource_type_last_modified_idx`(`organization_id`, `resource_type`, `last_modified`),
    PRIMARY KEY (`organization_id`, `resource_type`, `id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `scim_resource_emails` (
    `organization_id` VARCHAR(191) NOT NULL,
    `resource_type` VARCHAR(16) NOT NULL,
    `resource_id` VARCHAR(191) NOT NULL,
    `email` VARCHAR(320) NOT NULL,

    INDEX `scim_resource_emails_organization_id_resource_type_email_idx`(`organization_id`, `resource_type`, `email`),
    PRIMARY KEY (`organization_id`, `resource_type`, `resource_id`, `email`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `scim_tokens` (
    `hash` CHAR(64) NOT NULL,
    `organization_id` VARCHAR(191) NOT NULL,
    `label` VARCHAR(255) NULL,
    `created_at` DATETIME(3) NOT NULL,
    `expires_at` DATETIME(3) NULL,

    INDEX `scim_tokens_organization_id_created_at_idx`(`organization_id`, `created_at`),
    PRIMARY KEY (`hash`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- AddForeignKey
ALTER TABLE `scim_resource_emails` ADD CONSTRAINT `scim_resource_emails_resource_fkey` FOREIGN KEY (`organization_id`, `resource_type`, `resource_id`) REFERENCES `scim_resources`(`organization_id`, `resource_type`, `id`) ON DELETE CASCADE ON UPDATE CASCADE;
