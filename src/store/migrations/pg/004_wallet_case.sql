-- Wallets in their one canonical form, lower case (core/wallet.h): before
-- it, an address and its upper-case copy counted as two buyers. Allow-list
-- entries that differ only in case become one entry (the smallest string
-- of each group is kept, then lowered). Entries that are not addresses at
-- all stay: they match no wallet any more, and an operator sees them.
DELETE FROM campaign_allowlist AS a
USING campaign_allowlist AS o
WHERE o.campaign_id = a.campaign_id
	AND lower(o.address) = lower(a.address)
	AND o.address COLLATE "C" < a.address COLLATE "C";
UPDATE campaign_allowlist SET address = lower(address)
WHERE address <> lower(address);
UPDATE nfts SET reserved_by = lower(reserved_by)
WHERE reserved_by <> lower(reserved_by);
UPDATE nfts SET claimed_by = lower(claimed_by)
WHERE claimed_by <> lower(claimed_by);
