-- The bookkeeping tables of @scim/core (contract v2), SQLite 3.35 or later.
-- Every statement is idempotent: applying the file again changes nothing.
-- Text compares byte by byte (SQLite's BINARY collation). Instants are milliseconds since the epoch
-- (INTEGER), booleans 0 or 1. The foreign keys cascade only on connections with `PRAGMA foreign_keys = ON`;
-- the store deletes the dependent rows itself, so it does not depend on that.

-- The inbox: one row per delivered event id.
CREATE TABLE IF NOT EXISTS scim_events (
  id TEXT NOT NULL PRIMARY KEY,
  organization_id TEXT NOT NULL,
  type TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  payload TEXT
);
CREATE INDEX IF NOT EXISTS scim_events_received_idx ON scim_events (received_at, id);

-- Versions and tombstones (version: nanoseconds since the epoch).
CREATE TABLE IF NOT EXISTS scim_entities (
  organization_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  active INTEGER NOT NULL,
  fingerprint TEXT,
  directory_roles TEXT,
  event_id TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (organization_id, kind, id)
);

CREATE TABLE IF NOT EXISTS scim_groups (
  organization_id TEXT NOT NULL,
  id TEXT NOT NULL,
  directory_id TEXT,
  display_name TEXT,
  external_id TEXT,
  PRIMARY KEY (organization_id, id)
);

CREATE TABLE IF NOT EXISTS scim_memberships (
  organization_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  group_id TEXT NOT NULL,
  PRIMARY KEY (organization_id, user_id, group_id),
  FOREIGN KEY (organization_id, group_id) REFERENCES scim_groups (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS scim_memberships_group_idx ON scim_memberships (organization_id, group_id, user_id);

CREATE TABLE IF NOT EXISTS scim_directories (
  organization_id TEXT NOT NULL,
  id TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  provider TEXT,
  directory_type TEXT,
  status TEXT,
  PRIMARY KEY (organization_id, id)
);

-- Identity links: which app user (the app's own id, as text) each directory user is, per organization.
CREATE TABLE IF NOT EXISTS scim_links (
  organization_id TEXT NOT NULL,
  directory_user_id TEXT NOT NULL,
  app_user_id TEXT NOT NULL,
  PRIMARY KEY (organization_id, directory_user_id)
);
CREATE INDEX IF NOT EXISTS scim_links_app_user_idx ON scim_links (organization_id, app_user_id);

CREATE TABLE IF NOT EXISTS scim_sync_states (
  organization_id TEXT NOT NULL,
  directory_id TEXT NOT NULL,
  status TEXT NOT NULL,
  watermark INTEGER,
  checkpoint TEXT,
  last_started_at INTEGER,
  last_finished_at INTEGER,
  last_error TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (organization_id, directory_id)
);

CREATE TABLE IF NOT EXISTS scim_leases (
  name TEXT NOT NULL PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);

-- The SCIM server's resources: the representation (JSON text) and the values its filters compare.
-- user_name is unique per organization among Users (groups have none).
CREATE TABLE IF NOT EXISTS scim_resources (
  organization_id TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  user_name TEXT,
  external_id TEXT,
  display_name TEXT,
  active INTEGER,
  created_at INTEGER NOT NULL,
  last_modified INTEGER NOT NULL,
  PRIMARY KEY (organization_id, resource_type, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS scim_resources_user_name_key ON scim_resources (organization_id, resource_type, user_name);
CREATE INDEX IF NOT EXISTS scim_resources_external_id_idx ON scim_resources (organization_id, resource_type, external_id);
CREATE INDEX IF NOT EXISTS scim_resources_display_name_idx ON scim_resources (organization_id, resource_type, display_name);
CREATE INDEX IF NOT EXISTS scim_resources_last_modified_idx ON scim_resources (organization_id, resource_type, last_modified);

-- The email index of the resources (emails[].value, lower-cased by the server).
CREATE TABLE IF NOT EXISTS scim_resource_emails (
  organization_id TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  email TEXT NOT NULL,
  PRIMARY KEY (organization_id, resource_type, resource_id, email),
  FOREIGN KEY (organization_id, resource_type, resource_id)
    REFERENCES scim_resources (organization_id, resource_type, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS scim_resource_emails_email_idx ON scim_resource_emails (organization_id, resource_type, email);

-- The tenants' SCIM bearer tokens, kept as their SHA-256 hash (hex).
CREATE TABLE IF NOT EXISTS scim_tokens (
  hash TEXT NOT NULL PRIMARY KEY,
  organization_id TEXT NOT NULL,
  label TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS scim_tokens_organization_idx ON scim_tokens (organization_id, created_at);
