-- SPDX-License-Identifier: MIT
-- Webhook bodies kept by size (docs/internals/webhooks.md): every event
-- gets the SHA-256 of its body and the body's length; raw_body then holds
-- either the whole body (verified events) or only its first bytes (refused
-- ones, replays). body_len > length(raw_body) says a body was cut. Rows
-- written before this migration keep their whole body and have NULLs here.

ALTER TABLE webhook_events ADD COLUMN body_sha256 TEXT;
ALTER TABLE webhook_events ADD COLUMN body_len INTEGER;
