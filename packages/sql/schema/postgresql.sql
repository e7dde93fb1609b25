-- The bookkeeping tables of @scim/core (contract v2), PostgreSQL 12 or later.
-- Every statement is idempotent: applying the file again changes nothing.
-- Ids compare byte by byte (COLLATE "C"), whatever the database's default collation: listings page in the
-- order the SDK expects, and the primary keys' indexes serve them. Instants are timestamptz(3).

-- The inbox: one row per delivered event id (status pending, applied, stale, ignored, unknown_type or rejected).
CREATE TABLE IF NOT EXISTS scim_events (
  id text COLLATE "C" NOT NULL PRIMARY KEY,
  organization_id text COLLATE "C" NOT NULL,
  type text NOT NULL,
  occurred_at text NOT NULL,
  received_at timestamptz(3) NOT NULL,
  status text NOT NULL,
  reason text,
  payload text
);
CREATE INDEX IF NOT EXISTS scim_events_received_idx ON scim_events (received_at, id);

-- Versions and tombstones of users, groups and directories (version: nanoseconds since the epoch).
CREATE TABLE IF NOT EXISTS scim_entities (
  organization_id text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  id text COLLATE "C" NOT NULL,
  version bigint NOT NULL,
  deleted boolean NOT NULL,
  active boolean NOT NULL,
  fingerprint text,
  directory_roles text,
  event_id text,
  updated_at timestamptz(3) NOT NULL,
  PRIMARY KEY (organization_id, kind, id)
);

CREATE TABLE IF NOT EXISTS scim_groups (
  organization_id text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  directory_id text,
  display_name text,
  external_id text,
  PRIMARY KEY (organization_id, id)
);

CREATE TABLE IF NOT EXISTS scim_memberships (
  organization_id text COLLATE "C" NOT NULL,
  user_id text COLLATE "C" NOT NULL,
  group_id text COLLATE "C" NOT NULL,
  PRIMARY KEY (organization_id, user_id, group_id),
  CONSTRAINT scim_memberships_group_fk FOREIGN KEY (organization_id, group_id)
    REFERENCES scim_groups (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS scim_memberships_group_idx ON scim_memberships (organization_id, group_id, user_id);

CREATE TABLE IF NOT EXISTS scim_directories (
  organization_id text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  enabled boolean NOT NULL,
  provider text,
  directory_type text,
  status text,
  PRIMARY KEY (organization_id, id)
);

-- Identity links: which app user (the app's own id, as text) each directory user is, per organization.
CREATE TABLE IF NOT EXISTS scim_links (
  organization_id text COLLATE "C" NOT NULL,
  directory_user_id text COLLATE "C" NOT NULL,
  app_user_id text COLLATE "C" NOT NULL,
  PRIMARY KEY (organization_id, directory_user_id)
);
CREATE INDEX IF NOT EXISTS scim_links_app_user_idx ON scim_links (organization_id, app_user_id);

CREATE TABLE IF NOT EXISTS scim_sync_states (
  organization_id text COLLATE "C" NOT NULL,
  directory_id text COLLATE "C" NOT NULL,
  status text NOT NULL,
  watermark timestamptz(3),
  checkpoint text,
  last_started_at timestamptz(3),
  last_finished_at timestamptz(3),
  last_error text,
  updated_at timestamptz(3) NOT NULL,
  PRIMARY KEY (organization_id, directory_id)
);

CREATE TABLE IF NOT EXISTS scim_leases (
  name text COLLATE "C" NOT NULL PRIMARY KEY,
  owner text NOT NULL,
  expires_at timestamptz(3) NOT NULL
);

-- The SCIM server's resources: the representation (JSON text) and the values its filters compare.
-- user_name is unique per organization among Users (groups have none).
CREATE TABLE IF NOT EXISTS scim_resources (
  organization_id text COLLATE "C" NOT NULL,
  resource_type text NOT NULL,
  id text COLLATE "C" NOT NULL,
  version bigint NOT NULL,
  attributes text NOT NULL,
  user_name text COLLATE "C",
  external_id text COLLATE "C",
  display_name text COLLATE "C",
  active boolean,
  created_at timestamptz(3) NOT NULL,
  last_modified timestamptz(3) NOT NULL,
  PRIMARY KEY (organization_id, resource_type, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS scim_resources_user_name_key ON scim_resources (organization_id, resource_type, user_name);
CREATE INDEX IF NOT EXISTS scim_resources_external_id_idx ON scim_resources (organization_id, resource_type, external_id);
CREATE INDEX IF NOT EXISTS scim_resources_display_name_idx ON scim_resources (organization_id, resource_type, display_name);
CREATE INDEX IF NOT EXISTS scim_resources_last_modified_idx ON scim_resources (organization_id, resource_type, last_modified);

-- The email index of the resources (emails[].value, lower-cased by the server).
CREATE TABLE IF NOT EXISTS scim_resource_emails (
  organization_id text COLLATE "C" NOT NULL,
  resource_type text NOT NULL,
  resource_id text COLLATE "C" NOT NULL,
  email text COLLATE "C" NOT NULL,
  PRIMARY KEY (organization_id, resource_type, resource_id, email),
  CONSTRAINT scim_resource_emails_resource_fk FOREIGN KEY (organization_id, resource_type, resource_id)
    REFERENCES scim_resources (organization_id, resource_type, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS scim_resource_emails_email_idx ON scim_resource_emails (organization_id, resource_type, email);

-- The tenants' SCIM bearer tokens, kept as their SHA-256 hash (hex).
CREATE TABLE IF NOT EXISTS scim_tokens (
  hash text NOT NULL PRIMARY KEY,
  organization_id text COLLATE "C" NOT NULL,
  label text,
  created_at timestamptz(3) NOT NULL,
  expires_at timestamptz(3)
);
CREATE INDEX IF NOT EXISTS scim_tokens_organization_idx ON scim_tokens (organization_id, created_at);
