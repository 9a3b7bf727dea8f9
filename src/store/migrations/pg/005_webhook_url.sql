-- SPDX-License-Identifier: MIT
-- The URL we registered as the campaign's webhook at NMKR (issue 12); see
-- migrations/sqlite/005_webhook_url.sql.
ALTER TABLE campaigns ADD COLUMN webhook_url TEXT;
