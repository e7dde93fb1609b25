CREATE TABLE `app_users` (
    `id` VARCHAR(191) NOT NULL,
    `email` TEXT NULL,
    `name` TEXT NULL,
    `given_name` TEXT NULL,
    `family_name` TEXT NULL,
    `username` TEXT NULL,
    `department` TEXT NULL,
    `plan` VARCHAR(191) NOT NULL DEFAULT 'free',
    `roles` JSON NULL,
    `is_active` BOOLEAN NOT NULL DEFAULT true,
    `deactivated_at` DATETIME(3) NULL,
    `scim_organization_id` VARCHAR(191) NULL,
    `scim_user_id` VARCHAR(191) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `app_users_scim_organization_id_scim_user_id_key`(`scim_organization_id`, `scim_user_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `service_users` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `email` VARCHAR(255) NULL,
    `display_name` VARCHAR(255) NULL,
    `given_name` VARCHAR(255) NULL,
    `family_name` VARCHAR(255) NULL,
    `active` BOOLEAN NOT NULL DEFAULT true,
    `roles` JSON NOT NULL,

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `strict_users` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `scim_organization_id` VARCHAR(191) NULL,
    `scim_user_id` VARCHAR(191) NULL,
    `email` VARCHAR(255) NOT NULL,
    `display_name` VARCHAR(255) NULL,
    `is_active` BOOLEAN NOT NULL DEFAULT true,

    UNIQUE INDEX `strict_users_scim_organization_id_scim_user_id_key`(`scim_organization_id`, `scim_user_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
