-- SPDX-License-Identifier: MIT
-- Chain verification in the background (docs/internals/verify.md).
--
-- NMKR's initialMintTxHash of each NFT, learnt from GetNfts: the mint
-- Blockfrost reports must be this one, else the result is 'mismatch'.
ALTER TABLE nfts ADD COLUMN nmkr_mint_tx TEXT;

ALTER TABLE chain_checks DROP CONSTRAINT chain_checks_status_check;
ALTER TABLE chain_checks ADD CONSTRAINT chain_checks_status_check
	CHECK (status IN ('verified', 'pending', 'error', 'mismatch'));

-- The queue's claims: an NFT leased to one verifier until lease_until.
CREATE TABLE chain_leases (
	nft_id BIGINT PRIMARY KEY REFERENCES nfts (id) ON DELETE CASCADE,
	owner TEXT NOT NULL,
	lease_until BIGINT NOT NULL
);

-- The one budget of the background verifiers of every instance: a token
-- bucket in millitokens, refilled by whoever takes from it (on the
-- database's clock), and a block (a 429's Retry-After, a 402 until
-- midnight UTC, a 418).
CREATE TABLE chain_budget (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	millitokens BIGINT NOT NULL,
	updated_ms BIGINT NOT NULL,
	blocked_until BIGINT NOT NULL DEFAULT 0,
	blocked_reason TEXT
);
INSERT INTO chain_budget (id, millitokens, updated_ms) VALUES (1, 0, 0);
