-- @scim/adapter-drizzle on @scim/sql: a lease's expiry is an instant, no longer milliseconds in a bigint.
-- PostgreSQL has no implicit cast from bigint: the USING clause converts the leases there are.
ALTER TABLE "scim_leases" ALTER COLUMN "expires_at" SET DATA TYPE timestamp (3) with time zone USING to_timestamp("expires_at" / 1000.0);
