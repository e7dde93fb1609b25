-- The bookkeeping tables of @scim/core (contract v2), MySQL 8 or MariaDB 10.5 or later (InnoDB).
-- Every statement is idempotent: applying the file again changes nothing (indexes are declared in the
-- tables, MySQL has no CREATE INDEX IF NOT EXISTS).
-- Ids compare byte by byte (utf8mb4_bin), whatever the server's default collation: `usr_a` and `usr_A` are
-- two ids, and listings page in the order the SDK expects. 191 characters keep the three-column keys under
-- InnoDB's 3072-byte index limit. Instants are DATETIME(3) in UTC.

-- The inbox: one row per delivered event id. claim_token marks the rows one claim inserted (no RETURNING).
CREATE TABLE IF NOT EXISTS scim_events (
  id VARCHAR(191) NOT NULL,
  organization_id VARCHAR(191) NOT NULL,
  type VARCHAR(255) NOT NULL,
  occurred_at VARCHAR(64) NOT NULL,
  received_at DATETIME(3) NOT NULL,
  status VARCHAR(32) NOT NULL,
  reason TEXT NULL,
  payload LONGTEXT NULL,
  claim_token CHAR(36) NULL,
  PRIMARY KEY (id),
  INDEX scim_events_received_idx (received_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Versions and tombstones (version: nanoseconds since the epoch). write_token marks the rows one
-- conditional write changed.
CREATE TABLE IF NOT EXISTS scim_entities (
  organization_id VARCHAR(191) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  id VARCHAR(191) NOT NULL,
  version BIGINT NOT NULL,
  deleted BOOLEAN NOT NULL,
  active BOOLEAN NOT NULL,
  fingerprint VARCHAR(255) NULL,
  directory_roles TEXT NULL,
  event_id VARCHAR(255) NULL,
  updated_at DATETIME(3) NOT NULL,
  write_token CHAR(36) NULL,
  PRIMARY KEY (organization_id, kind, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS scim_groups (
  organization_id VARCHAR(191) NOT NULL,
  id VARCHAR(191) NOT NULL,
  directory_id VARCHAR(255) NULL,
  display_name TEXT NULL,
  external_id VARCHAR(255) NULL,
  PRIMARY KEY (organization_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS scim_memberships (
  organization_id VARCHAR(191) NOT NULL,
  user_id VARCHAR(191) NOT NULL,
  group_id VARCHAR(191) NOT NULL,
  PRIMARY KEY (organization_id, user_id, group_id),
  INDEX scim_memberships_group_idx (organization_id, group_id, user_id),
  CONSTRAINT scim_memberships_group_fk FOREIGN KEY (organization_id, group_id)
    REFERENCES scim_groups (organization_id, id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS scim_directories (
  organization_id VARCHAR(191) NOT NULL,
  id VARCHAR(191) NOT NULL,
  enabled BOOLEAN NOT NULL,
  provider VARCHAR(255) NULL,
  directory_type VARCHAR(255) NULL,
  status VARCHAR(255) NULL,
  PRIMARY KEY (organization_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Identity links: which app user (the app's own id, as text) each directory user is, per organization.
CREATE TABLE IF NOT EXISTS scim_links (
  organization_id VARCHAR(191) NOT NULL,
  directory_user_id VARCHAR(191) NOT NULL,
  app_user_id VARCHAR(191) NOT NULL,
  PRIMARY KEY (organization_id, directory_user_id),
  INDEX scim_links_app_user_idx (organization_id, app_user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS scim_sync_states (
  organization_id VARCHAR(191) NOT NULL,
  directory_id VARCHAR(191) NOT NULL,
  status VARCHAR(32) NOT NULL,
  watermark DATETIME(3) NULL,
  checkpoint LONGTEXT NULL,
  last_started_at DATETIME(3) NULL,
  last_finished_at DATETIME(3) NULL,
  last_error TEXT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (organization_id, directory_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS scim_leases (
  name VARCHAR(191) NOT NULL,
  owner VARCHAR(255) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The SCIM server's resources: the representation (JSON text) and the values its filters compare.
-- user_name is unique per organization among Users (groups have none).
CREATE TABLE IF NOT EXISTS scim_resources (
  organization_id VARCHAR(191) NOT NULL,
  resource_type VARCHAR(16) NOT NULL,
  id VARCHAR(191) NOT NULL,
  version BIGINT NOT NULL,
  attributes LONGTEXT NOT NULL,
  user_name VARCHAR(512) NULL,
  external_id VARCHAR(512) NULL,
  display_name VARCHAR(1024) NULL,
  active BOOLEAN NULL,
  created_at DATETIME(3) NOT NULL,
  last_modified DATETIME(3) NOT NULL,
  PRIMARY KEY (organization_id, resource_type, id),
  UNIQUE INDEX scim_resources_user_name_key (organization_id, resource_type, user_name),
  INDEX scim_resources_external_id_idx (organization_id, resource_type, external_id),
  INDEX scim_resources_display_name_idx (organization_id, resource_type, display_name(512)),
  INDEX scim_resources_last_modified_idx (organization_id, resource_type, last_modified)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The email index of the resources (emails[].value, lower-cased by the server).
CREATE TABLE IF NOT EXISTS scim_resource_emails (
  organization_id VARCHAR(191) NOT NULL,
  resource_type VARCHAR(16) NOT NULL,
  resource_id VARCHAR(191) NOT NULL,
  email VARCHAR(320) NOT NULL,
  PRIMARY KEY (organization_id, resource_type, resource_id, email),
  INDEX scim_resource_emails_email_idx (organization_id, resource_type, email),
  CONSTRAINT scim_resource_emails_resource_fk FOREIGN KEY (organization_id, resource_type, resource_id)
    REFERENCES scim_resources (organization_id, resource_type, id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The tenants' SCIM bearer tokens, kept as their SHA-256 hash (hex).
CREATE TABLE IF NOT EXISTS scim_tokens (
  hash CHAR(64) NOT NULL,
  organization_id VARCHAR(191) NOT NULL,
  label VARCHAR(255) NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NULL,
  PRIMARY KEY (hash),
  INDEX scim_tokens_organization_idx (organization_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
