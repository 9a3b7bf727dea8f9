-- SPDX-License-Identifier: MIT
-- The alerts sent to CS_ALERT_WEBHOOK (service/alert.h), delivered or not:
-- the page lists a campaign's recent ones. The sweeper deletes them with
-- the sync reports, after CS_REPORT_RETENTION.
CREATE TABLE alerts (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	cause TEXT NOT NULL
		CHECK (cause IN ('sync_failed', 'new_reviews', 'webhooks_silent')),
	text TEXT NOT NULL,
	sent_at INTEGER NOT NULL,
	delivered INTEGER NOT NULL,
	error TEXT
);
CREATE INDEX alerts_by_campaign ON alerts (campaign_id, sent_at);
CREATE INDEX alerts_by_sent ON alerts (sent_at);
