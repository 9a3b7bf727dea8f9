/* SPDX-License-Identifier: MIT */
/* /healthz, /metrics, /openapi.yaml and the Campaign Manager page. */
#include "http/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/metrics.h"
#include "util/embed.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "util/banned.h"

extern const struct cs_embedded_file cs_web_files[];
extern const struct cs_embedded_file cs_api_docs[];

/* From the health thread's last check (server.c), not from the pool: it
 * answers at once even when every connection is out. */
void
cs_route_healthz(struct cs_req *r)
{
	const char *backend = NULL;
	char error[160];
	cJSON *body;
	int version = 0;

	if (!cs_server_health(
	        r->srv, &version, &backend, error, sizeof(error))) {
		cs_reply_error(r, 503, "unavailable", "database: %s", error);
		return;
	}
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "status", "ok");
	cJSON_AddStringToObject(body, "database", backend);
	cJSON_AddNumberToObject(body, "schemaVersion", version);
	cs_reply_json(r, 200, body);
}

void
cs_route_metrics(struct cs_req *r)
{
	struct cs_buf b = CS_BUF_INIT(1u << 20);

	if (cs_metrics_render(&b) < 0) {
		cs_buf_dispose(&b);
		cs_reply_error(r, 500, "internal", "metrics do not fit");
		return;
	}
	cs_reply_bytes(
	    r, 200, "text/plain; version=0.0.4", cs_buf_cstr(&b), b.len);
	cs_buf_dispose(&b);
}

void
cs_route_openapi(struct cs_req *r)
{
	const struct cs_embedded_file *f =
	    cs_embedded_find(cs_api_docs, "openapi.yaml");

	if (f == NULL) {
		cs_reply_error(r, 404, "not_found", "no API description");
		return;
	}
	cs_reply_bytes(r, 200, "application/yaml", f->data, f->len);
}

static const char *
content_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".html") == 0)
		return "text/html; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	if (strcmp(dot, ".ico") == 0)
		return "image/x-icon";
	return "application/octet-stream";
}

/* Development only (--web-dir): read a page file from disk. Names are a
 * single segment of letters, digits, '-', '_' and '.', never "..". */
static bool
from_disk(struct cs_req *r, const char *dir, const char *name)
{
	char path[1024], *data;
	size_t len = 0, i;
	FILE *f;

	for (i = 0; name[i] != '\0'; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		        (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		        c == '.'))
			return false;
	}
	if (strstr(name, "..") != NULL)
		return false;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (f == NULL)
		return false;
	data = cs_xmalloc(4u << 20);
	len = fread(data, 1, 4u << 20, f);
	fclose(f);
	cs_reply_bytes(r, 200, content_type(name), data, len);
	free(data);
	return true;
}

void
cs_route_web(struct cs_req *r)
{
	const char *name = r->nparams > 0 ? r->params[0] : "index.html";
	const struct cs_embedded_file *f;

	if (r->srv->opts.web_dir != NULL &&
	    from_disk(r, r->srv->opts.web_dir, name))
		return;
	f = cs_embedded_find(cs_web_files, name);
	if (f == NULL) {
		cs_reply_error(r, 404, "not_found", "no such page or endpoint");
		return;
	}
	cs_reply_bytes(r, 200, content_type(name), f->data, f->len);
	cs_reply_header(r, "Content-Security-Policy",
	    "default-src 'self'; img-src 'self' data:; "
	    "style-src 'self'; script-src 'self'; connect-src 'self'");
	cs_reply_header(r, "X-Frame-Options", "DENY");
	cs_reply_header(r, "Referrer-Policy", "no-referrer");
}
