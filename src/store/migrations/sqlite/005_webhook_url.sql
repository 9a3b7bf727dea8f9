-- SPDX-License-Identifier: MIT
-- The URL we registered as the campaign's webhook at NMKR (issue 12): the
-- entry of the project's notifications that is ours, which `webhook status`,
-- `unregister` and `rotate` look for. NULL: none registered.
ALTER TABLE campaigns ADD COLUMN webhook_url TEXT;
