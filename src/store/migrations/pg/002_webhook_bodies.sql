-- SPDX-License-Identifier: MIT
-- Webhook bodies kept by size: the columns of
-- migrations/sqlite/002_webhook_bodies.sql in PostgreSQL's dialect.

ALTER TABLE webhook_events ADD COLUMN body_sha256 TEXT,
	ADD COLUMN body_len BIGINT;
