/* SPDX-License-Identifier: MIT */
/* Reservations and the sweeper; see reserve.h. */
#include "service/reserve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/metrics.h"
#include "service/sync.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

int
cs_reserve_minutes(const struct cs_campaign *c, int64_t now)
{
	int m = c->reservation_minutes;

	if (m == 0)
		m = cs_sync_project_minutes(c->nmkr_project_uid, now);
	if (m == 0)
		m = CS_RESERVATION_DEFAULT_MIN;
	if (m < CS_RESERVATION_MIN_MIN)
		m = CS_RESERVATION_MIN_MIN;
	if (m > CS_RESERVATION_MAX_MIN)
		m = CS_RESERVATION_MAX_MIN;
	return m;
}

int
cs_reserve(struct cs_store *store, int64_t campaign_id, const char *wallet,
    int64_t now, struct cs_nft *out, enum cs_reserve_outcome *outcome,
    struct cs_error *err)
{
	struct cs_campaign c;
	int error, minutes;

	memset(out, 0, sizeof(*out));
	*outcome = CS_RESERVE_OK;
	error = cs_store_campaign_get(store, campaign_id, &c, err);
	if (error < 0)
		return error;
	minutes = cs_reserve_minutes(&c, now);
	cs_campaign_dispose(&c);
	error = cs_store_reservation_take(
	    store, campaign_id, wallet, minutes, now, out, outcome, err);
	if (error == 0 || error == CS_ECONFLICT)
		cs_metrics_reservation(*outcome);
	return error;
}

struct expired {
	int64_t id;
	int64_t version;
	char uid[CS_UID_LEN + 1];
};

static int
expired_cb(const struct cs_nft *n, void *payload)
{
	struct cs_vec *v = payload;
	struct expired *x = cs_vec_push(v);

	x->id = n->id;
	x->version = n->version;
	snprintf(x->uid, sizeof(x->uid), "%s", n->nft_uid);
	return 0;
}

static int
change(struct cs_store *store, const struct expired *x, enum cs_nft_status to,
    enum cs_source source, const char *buyer, int64_t sold_at,
    const char *sold_at_raw, const char *detail, int64_t now,
    struct cs_sweep_report *out)
{
	struct cs_nft_change ch = CS_NFT_CHANGE_INIT;
	struct cs_error err = CS_ERROR_INIT;
	int error;

	ch.nft_id = x->id;
	ch.expected_version = x->version;
	ch.only_if_status = CS_NFT_RESERVED;
	ch.new_status = to;
	ch.source = source;
	ch.sold_to = buyer;
	ch.sold_at = sold_at;
	ch.sold_at_raw = sold_at_raw;
	ch.detail = detail;
	error = cs_store_nft_change(store, &ch, now, NULL, &err);
	if (error == CS_ECONFLICT) {
		out->conflicts++;
		return 0;
	}
	if (error < 0) {
		cs_log_warn(
		    "sweeper", "NFT %s: %s", x->uid, cs_error_msg(&err));
		return error;
	}
	if (to == CS_NFT_SOLD)
		out->sold++;
	else
		out->released++;
	return 0;
}

int
cs_sweep_expired(struct cs_store *store, struct cs_nmkr *nmkr, int64_t now,
    int64_t limit, struct cs_sweep_report *out, struct cs_error *err)
{
	struct cs_vec list = CS_VEC_INIT(struct expired);
	struct cs_nmkr_nft n;
	struct cs_error nerr;
	size_t i;
	int error;

	memset(out, 0, sizeof(*out));
	error = cs_store_reservations_expired(
	    store, now, limit, expired_cb, &list, err);
	if (error < 0)
		goto out;
	out->expired = list.len;
	for (i = 0; i < list.len; i++) {
		const struct expired *x = CS_VEC_AT(&list, struct expired, i);

		if (nmkr == NULL) {
			change(store, x, CS_NFT_AVAILABLE, CS_SOURCE_EXPIRY,
			    NULL, 0, NULL,
			    "reservation expired (NMKR not asked: "
			    "no API key)",
			    now, out);
			continue;
		}
		cs_error_clear(&nerr);
		error = cs_nmkr_get_nft(nmkr, x->uid, &n, &nerr);
		if (error == CS_ENOTFOUND) {
			change(store, x, CS_NFT_AVAILABLE, CS_SOURCE_EXPIRY,
			    NULL, 0, NULL,
			    "reservation expired; NMKR does not know "
			    "the NFT",
			    now, out);
			continue;
		}
		if (error < 0) {
			/* Ask again next round rather than guess. */
			cs_log_warn("sweeper",
			    "NFT %s: NMKR could not be "
			    "asked: %s",
			    x->uid, cs_error_msg(&nerr));
			out->kept++;
			continue;
		}
		if (n.state == CS_REMOTE_SOLD)
			change(store, x, CS_NFT_SOLD, CS_SOURCE_AUTO_SYNC,
			    n.receiver_address, n.sold_at, n.sold_at_raw,
			    "sold in NMKR: found when its reservation expired",
			    now, out);
		else if (n.state == CS_REMOTE_RESERVED &&
		         n.reserved_until > now)
			out->kept++; /* a payment may still complete */
		else
			change(store, x, CS_NFT_AVAILABLE, CS_SOURCE_EXPIRY,
			    NULL, 0, NULL, "reservation expired", now, out);
		cs_nmkr_nft_dispose(&n);
	}
	error = 0;
out:
	cs_vec_dispose(&list);
	return error;
}
