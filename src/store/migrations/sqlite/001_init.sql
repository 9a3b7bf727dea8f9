-- SPDX-License-Identifier: MIT
-- The whole schema of docs/product.md "Data". Times are ms since the epoch.
-- Table and column names are the seed's, in snake_case.

PRAGMA application_id = 1131636035; -- 'CSYC', marks the file as ours

CREATE TABLE campaigns (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	nmkr_project_uid TEXT NOT NULL,
	network TEXT NOT NULL DEFAULT 'mainnet'
		CHECK (network IN ('mainnet', 'preprod')),
	status TEXT NOT NULL DEFAULT 'inactive'
		CHECK (status IN ('active', 'inactive')),
	max_nfts INTEGER NOT NULL CHECK (max_nfts >= 0),
	start_date INTEGER,
	end_date INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	total_nfts INTEGER NOT NULL DEFAULT 0,
	available_nfts INTEGER NOT NULL DEFAULT 0,
	reserved_nfts INTEGER NOT NULL DEFAULT 0,
	sold_nfts INTEGER NOT NULL DEFAULT 0,
	last_synced_at INTEGER,
	allow_multiple INTEGER NOT NULL DEFAULT 0,
	reservation_minutes INTEGER,
	webhook_secret TEXT,
	webhook_secret_prev TEXT,
	webhook_rotated_at INTEGER
);
CREATE UNIQUE INDEX campaigns_by_name ON campaigns (name);
CREATE INDEX campaigns_by_status ON campaigns (status);
CREATE INDEX campaigns_by_created_at ON campaigns (created_at);
CREATE INDEX campaigns_by_project ON campaigns (nmkr_project_uid);

-- Eligibility: when a campaign has rows here, only these wallets reserve.
CREATE TABLE campaign_allowlist (
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	address TEXT NOT NULL,
	PRIMARY KEY (campaign_id, address)
) WITHOUT ROWID;

CREATE TABLE nfts (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	nft_uid TEXT NOT NULL,
	nft_number INTEGER NOT NULL CHECK (nft_number > 0),
	name TEXT NOT NULL,
	status TEXT NOT NULL
		CHECK (status IN ('available', 'reserved', 'sold')),
	project_uid TEXT NOT NULL,
	payment_url TEXT NOT NULL,
	image_url TEXT,
	asset_id TEXT,
	created_at INTEGER NOT NULL,
	last_modified_at INTEGER NOT NULL,
	last_modified_by TEXT NOT NULL
		CHECK (last_modified_by IN ('user', 'admin', 'webhook',
		    'manual_sync', 'auto_sync', 'blockchain', 'expiry')),
	last_synced_at INTEGER,
	version INTEGER NOT NULL DEFAULT 1,
	reserved_by TEXT,
	reserved_until INTEGER,
	sold_to TEXT,
	tx_hash TEXT,
	sold_at INTEGER,
	claimed_by TEXT, -- wallet that reserved it here; kept once sold
	CHECK (status = 'reserved' OR (reserved_by IS NULL AND reserved_until IS NULL)),
	CHECK (status <> 'available' OR claimed_by IS NULL),
	CHECK (status = 'sold' OR (sold_to IS NULL AND tx_hash IS NULL AND sold_at IS NULL))
);
CREATE UNIQUE INDEX nfts_by_uid ON nfts (nft_uid);
CREATE UNIQUE INDEX nfts_by_number ON nfts (campaign_id, nft_number);
-- The seed's by_campaign_and_status, ordered by number: "the lowest
-- available number" is one index seek.
CREATE INDEX nfts_by_campaign_status_number ON nfts (campaign_id, status, nft_number);
CREATE INDEX nfts_by_status ON nfts (status, reserved_until);
CREATE INDEX nfts_by_claimed_by ON nfts (campaign_id, claimed_by)
	WHERE claimed_by IS NOT NULL;

CREATE TABLE sync_log (
	id INTEGER PRIMARY KEY,
	sync_type TEXT NOT NULL
		CHECK (sync_type IN ('webhook', 'api_pull', 'manual_sync')),
	nmkr_project_uid TEXT NOT NULL,
	campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
	status TEXT NOT NULL CHECK (status IN ('success', 'partial', 'failed')),
	records_synced INTEGER NOT NULL DEFAULT 0,
	errors TEXT,
	synced_data TEXT,
	sync_started_at INTEGER NOT NULL,
	sync_completed_at INTEGER NOT NULL
);
CREATE INDEX sync_log_by_project ON sync_log (nmkr_project_uid, sync_started_at);
CREATE INDEX sync_log_by_status ON sync_log (status, sync_started_at);
CREATE INDEX sync_log_by_timestamp ON sync_log (sync_started_at);
CREATE INDEX sync_log_by_campaign ON sync_log (campaign_id, sync_started_at);

CREATE TABLE webhook_events (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
	project_uid TEXT,
	event_type TEXT,
	dedupe_key TEXT,
	tx_hash TEXT,
	raw_body BLOB NOT NULL,
	verified INTEGER NOT NULL,
	outcome TEXT NOT NULL,
	detail TEXT,
	received_at INTEGER NOT NULL,
	sync_log_id INTEGER REFERENCES sync_log (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX webhook_events_by_dedupe ON webhook_events (dedupe_key);
CREATE INDEX webhook_events_by_received ON webhook_events (received_at);
CREATE INDEX webhook_events_by_campaign ON webhook_events (campaign_id, received_at);
CREATE INDEX webhook_events_by_sync_log ON webhook_events (sync_log_id);

CREATE TABLE status_history (
	id INTEGER PRIMARY KEY,
	nft_id INTEGER NOT NULL REFERENCES nfts (id) ON DELETE CASCADE,
	campaign_id INTEGER NOT NULL,
	old_status TEXT NOT NULL,
	new_status TEXT NOT NULL,
	source TEXT NOT NULL,
	changed_at INTEGER NOT NULL,
	sync_log_id INTEGER REFERENCES sync_log (id) ON DELETE SET NULL,
	webhook_event_id INTEGER REFERENCES webhook_events (id) ON DELETE SET NULL,
	detail TEXT
);
CREATE INDEX status_history_by_nft ON status_history (nft_id, changed_at);
CREATE INDEX status_history_by_campaign ON status_history (campaign_id, changed_at);
CREATE INDEX status_history_by_sync_log ON status_history (sync_log_id);
CREATE INDEX status_history_by_webhook ON status_history (webhook_event_id);

CREATE TABLE review_queue (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	nft_id INTEGER NOT NULL REFERENCES nfts (id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	local_status TEXT NOT NULL,
	remote_state TEXT,
	detail TEXT,
	created_at INTEGER NOT NULL,
	sync_log_id INTEGER REFERENCES sync_log (id) ON DELETE SET NULL,
	resolved_at INTEGER,
	resolution TEXT
);
-- One open item per NFT and kind: repeated syncs do not pile up duplicates.
CREATE UNIQUE INDEX review_queue_open ON review_queue (nft_id, kind)
	WHERE resolved_at IS NULL;
CREATE INDEX review_queue_by_campaign ON review_queue (campaign_id, resolved_at);
CREATE INDEX review_queue_by_sync_log ON review_queue (sync_log_id);

CREATE TABLE chain_checks (
	asset_id TEXT PRIMARY KEY,
	nft_id INTEGER REFERENCES nfts (id) ON DELETE CASCADE,
	status TEXT NOT NULL CHECK (status IN ('verified', 'pending', 'error')),
	message TEXT,
	addresses TEXT,
	checked_at INTEGER NOT NULL
);
CREATE INDEX chain_checks_by_nft ON chain_checks (nft_id);
CREATE INDEX chain_checks_by_checked ON chain_checks (checked_at);

CREATE TABLE sync_runs (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	owner TEXT NOT NULL,
	phase TEXT NOT NULL,
	done INTEGER NOT NULL DEFAULT 0,
	total INTEGER NOT NULL DEFAULT 0,
	started_at INTEGER NOT NULL,
	heartbeat_at INTEGER NOT NULL,
	finished_at INTEGER,
	outcome TEXT,
	sync_log_id INTEGER REFERENCES sync_log (id) ON DELETE SET NULL
);
-- At most one running sync per campaign, whatever instance runs it.
CREATE UNIQUE INDEX sync_runs_active ON sync_runs (campaign_id)
	WHERE finished_at IS NULL;
CREATE INDEX sync_runs_by_campaign ON sync_runs (campaign_id, started_at);
CREATE INDEX sync_runs_by_sync_log ON sync_runs (sync_log_id);
