CREATE TABLE "app_users" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT,
    "name" TEXT,
    "given_name" TEXT,
    "family_name" TEXT,
    "username" TEXT,
    "department" TEXT,
    "plan" TEXT NOT NULL DEFAULT 'free',
    "roles" JSONB,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "deactivated_at" DATETIME,
    "scim_organization_id" TEXT,
    "scim_user_id" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL
);

CREATE UNIQUE INDEX "app_users_scim_organization_id_scim_user_id_key" ON "app_users"("scim_organization_id", "scim_user_id");

CREATE TABLE "service_users" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "email" TEXT,
    "display_name" TEXT,
    "given_name" TEXT,
    "family_name" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "roles" JSONB NOT NULL
);

CREATE TABLE "strict_users" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "scim_organization_id" TEXT,
    "scim_user_id" TEXT,
    "email" TEXT NOT NULL,
    "display_name" TEXT,
    "is_active" BOOLEAN NOT NULL DEFAULT true
);

CREATE UNIQUE INDEX "strict_users_scim_organization_id_scim_user_id_key" ON "strict_users"("scim_organization_id", "scim_user_id");
