/* SPDX-License-Identifier: MIT */
/*
 * The route table: method, pattern ("{}" is one path segment), handler,
 * flags. One table, read top to bottom; the first match wins.
 */
#include "http/internal.h"

#include <stdio.h>
#include <string.h>

#include "util/str.h"
#include "util/banned.h"

#define ADMIN 0
#define PUBLIC CS_ROUTE_PUBLIC

static const struct cs_route routes[] = {
    {"GET", "/healthz", cs_route_healthz, PUBLIC},
    {"GET", "/metrics", cs_route_metrics, PUBLIC},
    {"GET", "/openapi.yaml", cs_route_openapi, PUBLIC},

    {"POST", "/webhooks/nmkr", cs_route_webhook_nmkr,
        PUBLIC | CS_ROUTE_WEBHOOK},
    {"POST", "/api/campaigns/{}/reservations", cs_route_reserve,
        PUBLIC | CS_ROUTE_LIMITED},
    {"GET", "/api/public/campaigns/{}", cs_route_public_campaign,
        PUBLIC | CS_ROUTE_LIMITED},

    {"GET", "/api/campaigns", cs_route_campaigns_list, ADMIN},
    {"POST", "/api/campaigns", cs_route_campaigns_create, ADMIN},
    {"GET", "/api/campaigns/{}", cs_route_campaign_get, ADMIN},
    {"PATCH", "/api/campaigns/{}", cs_route_campaign_update, ADMIN},
    {"DELETE", "/api/campaigns/{}", cs_route_campaign_delete, ADMIN},
    {"POST", "/api/campaigns/{}/activate", cs_route_campaign_activate, ADMIN},
    {"POST", "/api/campaigns/{}/deactivate", cs_route_campaign_deactivate,
        ADMIN},
    {"POST", "/api/campaigns/{}/counters", cs_route_campaign_counters, ADMIN},
    {"PUT", "/api/campaigns/{}/allowlist", cs_route_campaign_allowlist, ADMIN},
    {"GET", "/api/campaigns/{}/health", cs_route_campaign_health, ADMIN},
    {"GET", "/api/campaigns/{}/history", cs_route_campaign_history, ADMIN},
    {"GET", "/api/campaigns/{}/series", cs_route_campaign_series, ADMIN},
    {"GET", "/api/campaigns/{}/webhooks", cs_route_campaign_webhooks, ADMIN},
    {"GET", "/api/campaigns/{}/alerts", cs_route_campaign_alerts, ADMIN},
    {"POST", "/api/campaigns/{}/webhook", cs_route_campaign_webhook_register,
        ADMIN},
    {"GET", "/api/campaigns/{}/webhook", cs_route_campaign_webhook_status,
        ADMIN},
    {"DELETE", "/api/campaigns/{}/webhook",
        cs_route_campaign_webhook_unregister, ADMIN},
    {"POST", "/api/campaigns/{}/webhook/rotate",
        cs_route_campaign_webhook_rotate, ADMIN},
    {"GET", "/api/campaigns/{}/nfts", cs_route_inventory, ADMIN},
    {"GET", "/api/campaigns/{}/inventory.csv", cs_route_inventory_csv, ADMIN},
    {"POST", "/api/campaigns/{}/import", cs_route_import,
        ADMIN | CS_ROUTE_BIGBODY},
    {"POST", "/api/campaigns/{}/repair-links", cs_route_repair_links, ADMIN},
    {"POST", "/api/campaigns/{}/sync", cs_route_sync, ADMIN},
    {"GET", "/api/campaigns/{}/sync", cs_route_sync_progress, ADMIN},
    {"GET", "/api/campaigns/{}/sync/events", cs_route_sync_events, ADMIN},
    {"POST", "/api/campaigns/{}/verify", cs_route_verify, ADMIN},
    {"GET", "/api/campaigns/{}/chain", cs_route_chain_coverage, ADMIN},
    {"GET", "/api/campaigns/{}/review", cs_route_review_list, ADMIN},
    {"POST", "/api/campaigns/{}/review/resolve", cs_route_review_resolve_all,
        ADMIN},
    {"POST", "/api/review/{}/resolve", cs_route_review_resolve, ADMIN},
    {"GET", "/api/nfts/{}", cs_route_nft_get, ADMIN},
    {"POST", "/api/nfts/{}/status", cs_route_nft_status, ADMIN},
    {"GET", "/api/sync-logs", cs_route_sync_logs, ADMIN},
    {"GET", "/api/sync-logs/{}", cs_route_sync_log_get, ADMIN},
    {"GET", "/api/sync-logs/{}/discrepancies.csv",
        cs_route_sync_log_discrepancies_csv, ADMIN},

    /* The page: any other GET outside /api is one of its files. */
    {"GET", "/", cs_route_web, PUBLIC},
    {"GET", "/{}", cs_route_web, PUBLIC},
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* Match path against pattern, copying "{}" segments into r->params. */
static bool
match(const char *pattern, const char *path, struct cs_req *r)
{
	const char *p = pattern, *q = path;
	int n = 0;

	while (*p != '\0' && *q != '\0') {
		if (p[0] == '{' && p[1] == '}') {
			size_t len = strcspn(q, "/");

			if (len == 0 || len >= sizeof(r->params[0]) ||
			    n == CS_MAX_PARAMS)
				return false;
			memcpy(r->params[n], q, len);
			r->params[n][len] = '\0';
			n++;
			p += 2;
			q += len;
			continue;
		}
		if (*p != *q)
			return false;
		p++;
		q++;
	}
	if (*p != '\0' || *q != '\0')
		return false;
	r->nparams = n;
	return true;
}

const struct cs_route *
cs_router_match(
    const char *method, const char *path, struct cs_req *r, bool *path_known)
{
	size_t i;

	*path_known = false;
	for (i = 0; i < NROUTES; i++) {
		if (!match(routes[i].pattern, path, r))
			continue;
		if (strcmp(routes[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 &&
		        strcmp(routes[i].method, "GET") == 0))
			return &routes[i];
		*path_known = true;
	}
	return NULL;
}

void
cs_router_allow(const char *path, char *out, size_t size)
{
	struct cs_req scratch;
	bool get = false;
	size_t i, j, n = 0;
	int w;

	out[0] = '\0';
	for (i = 0; i < NROUTES; i++) {
		if (!match(routes[i].pattern, path, &scratch))
			continue;
		for (j = 0; j < i; j++) {
			if (strcmp(routes[j].method, routes[i].method) == 0 &&
			    match(routes[j].pattern, path, &scratch))
				break;
		}
		if (j < i)
			continue; /* listed already */
		get = get || strcmp(routes[i].method, "GET") == 0;
		w = snprintf(out + n, size - n, "%s%s", n > 0 ? ", " : "",
		    routes[i].method);
		if (w < 0 || (size_t)w >= size - n)
			return; /* no room: callers give enough */
		n += (size_t)w;
	}
	if (get)
		snprintf(out + n, size - n, "%sHEAD", n > 0 ? ", " : "");
}
