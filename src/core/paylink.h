/* SPDX-License-Identifier: MIT */
/*
 * NMKR Pay links (docs/upstream.md §1.8): the pay window of the network, then
 * p=<project uid without dashes>&n=<nft uid without dashes> for one NFT.
 */
#ifndef CS_CORE_PAYLINK_H
#define CS_CORE_PAYLINK_H

#include "core/model.h"
#include "util/buf.h"

/** "https://pay.nmkr.io/?" or "https://pay.preprod.nmkr.io/?". */
const char *cs_paylink_base(enum cs_network net);

/**
 * Append the specific-sale link of one NFT to out.
 *
 * @return 0, CS_EINVAL when a uid is not a GUID, or CS_ETOOBIG
 */
CS_NODISCARD int cs_paylink_specific(struct cs_buf *out, enum cs_network net,
    const char *project_uid, const char *nft_uid);

/**
 * The project of a payment link: its p= query parameter, 32 hex digits
 * (a project uid without dashes), lower-cased into out.
 *
 * @return whether link has one
 */
bool cs_paylink_project(const char *link, char out[33]);

#endif
