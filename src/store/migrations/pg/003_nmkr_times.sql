-- SPDX-License-Identifier: MIT
-- NMKR's times (issue 12): the sale time as NMKR wrote it (selldate or a
-- webhook's SaleDate, often without an offset), kept beside sold_at, the
-- instant it was read as under NMKR_TIMEZONE. NULL when NMKR gave none.
ALTER TABLE nfts ADD COLUMN sold_at_raw TEXT;
