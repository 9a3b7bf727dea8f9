/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend: the alerts sent. */
#include "store/pg/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

int
cs_pg__alert_insert(
    struct cs_store_conn *c, struct cs_alert *io, struct cs_error *err)
{
	struct params p = {0};
	int error;

	p_int(&p, io->campaign_id);
	p_text(&p, io->cause);
	p_text(&p, io->text);
	p_int(&p, io->sent_at);
	p_bool(&p, io->delivered);
	p_text(&p, io->error);
	error = cs_pg__exec_insert(c, A_INSERT, &p, &io->id, err);
	/* No row returned: the campaign is not there (A_INSERT's WHERE). */
	if (error == CS_ECONFLICT)
		return cs_error_set(err, CS_ENOTFOUND, "no campaign %lld",
		    (long long)io->campaign_id);
	return error;
}

struct alert_walk {
	cs_alert_cb cb;
	void *payload;
};

static int
each_alert(const struct row *r, void *payload, struct cs_error *err)
{
	struct alert_walk *w = payload;
	struct cs_alert x;

	(void)err;
	memset(&x, 0, sizeof(x));
	x.id = col_i64(r, 0);
	x.campaign_id = col_i64(r, 1);
	x.cause = col_text(r, 2);
	x.text = col_text(r, 3);
	x.sent_at = col_i64(r, 4);
	x.delivered = col_bool(r, 5);
	x.error = col_text(r, 6);
	return w->cb(&x, w->payload);
}

int
cs_pg__alert_list(struct cs_store_conn *c, int64_t campaign_id, int64_t limit,
    cs_alert_cb cb, void *payload, struct cs_error *err)
{
	struct alert_walk w = {cb, payload};
	struct params p = {0};

	p_int(&p, campaign_id);
	p_limit(&p, limit);
	return cs_pg__walk_rows(c, A_LIST, &p, each_alert, &w, NULL, err);
}

int
cs_pg__alert_prune(struct cs_store_conn *c, int64_t before, int64_t limit,
    int64_t *deleted, struct cs_error *err)
{
	struct params p = {0};
	PGresult *res;
	int error;

	*deleted = 0;
	p_int(&p, before);
	p_int(&p, limit);
	error = cs_pg__run(c, A_PRUNE, &p, &res, err);
	if (error < 0)
		return error;
	*deleted = (int64_t)strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}
