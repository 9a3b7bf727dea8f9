-- SPDX-License-Identifier: MIT
-- Chain verification in the background (docs/internals/verify.md).
--
-- NMKR's initialMintTxHash of each NFT, learnt from GetNfts: the mint
-- Blockfrost reports must be this one, else the result is 'mismatch'.
ALTER TABLE nfts ADD COLUMN nmkr_mint_tx TEXT;

-- chain_checks gains the status 'mismatch'. SQLite cannot change a CHECK:
-- the table is made again (it is a cache of Blockfrost's answers).
CREATE TABLE chain_checks_008 (
	asset_id TEXT PRIMARY KEY,
	nft_id INTEGER REFERENCES nfts (id) ON DELETE CASCADE,
	status TEXT NOT NULL
		CHECK (status IN ('verified', 'pending', 'error', 'mismatch')),
	message TEXT,
	addresses TEXT,
	checked_at INTEGER NOT NULL
);
INSERT INTO chain_checks_008 SELECT asset_id, nft_id, status, message,
	addresses, checked_at FROM chain_checks;
DROP TABLE chain_checks;
ALTER TABLE chain_checks_008 RENAME TO chain_checks;
CREATE INDEX chain_checks_by_nft ON chain_checks (nft_id);
CREATE INDEX chain_checks_by_checked ON chain_checks (checked_at);

-- The queue's claims: an NFT leased to one verifier until lease_until.
CREATE TABLE chain_leases (
	nft_id INTEGER PRIMARY KEY REFERENCES nfts (id) ON DELETE CASCADE,
	owner TEXT NOT NULL,
	lease_until INTEGER NOT NULL
);

-- The one budget of the background verifiers of every instance: a token
-- bucket in millitokens, refilled by whoever takes from it, and a block
-- (a 429's Retry-After, a 402 until midnight UTC, a 418).
CREATE TABLE chain_budget (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	millitokens INTEGER NOT NULL,
	updated_ms INTEGER NOT NULL,
	blocked_until INTEGER NOT NULL DEFAULT 0,
	blocked_reason TEXT
);
INSERT INTO chain_budget (id, millitokens, updated_ms) VALUES (1, 0, 0);
