/* SPDX-License-Identifier: MIT */
/* The notifications plan; see notify.h. */
#include "core/notify.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"
#include "util/xalloc.h"
#include "core/pure.h"

bool
cs_notif_is_ours(const struct cs_notif_entry *e, const char *url)
{
	return e->type != NULL && e->address != NULL && url != NULL &&
	       strcasecmp(e->type, "webhook") == 0 &&
	       strcmp(e->address, url) == 0;
}

int
cs_notif_plan_build(enum cs_notif_op op, const struct cs_notif_entry *list,
    size_t n, const char *url, bool force, struct cs_notif_plan *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->ours = CS_NOTIF_NONE;
	if (url == NULL || *url == '\0')
		return CS_EINVAL;
	out->keep = cs_xcalloc(n + 1, sizeof(*out->keep));
	for (i = 0; i < n; i++) {
		if (out->ours == CS_NOTIF_NONE &&
		    cs_notif_is_ours(&list[i], url))
			out->ours = i;
		else
			out->others++;
	}
	switch (op) {
	case CS_NOTIF_REGISTER:
		if (out->ours != CS_NOTIF_NONE) {
			out->action = CS_NOTIF_ADOPT;
			return 0;
		}
		out->add_ours = true;
		break;
	case CS_NOTIF_UNREGISTER:
		if (out->ours == CS_NOTIF_NONE) {
			out->action = CS_NOTIF_NOTHING;
			return 0;
		}
		break;
	case CS_NOTIF_ROTATE:
		if (out->ours == CS_NOTIF_NONE) {
			out->action = CS_NOTIF_MISSING;
			return 0;
		}
		out->keep[out->ours] = true;
		break;
	}
	if (out->others > 0 && !force) {
		memset(out->keep, 0, (n + 1) * sizeof(*out->keep));
		out->add_ours = false;
		out->action = CS_NOTIF_REFUSE;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (i != out->ours)
			out->keep[i] = true;
	}
	out->action = CS_NOTIF_SEND;
	return 0;
}

void
cs_notif_plan_dispose(struct cs_notif_plan *p)
{
	if (p == NULL)
		return;
	free(p->keep);
	p->keep = NULL;
}

const char *
cs_notif_action_name(enum cs_notif_action a)
{
	switch (a) {
	case CS_NOTIF_ADOPT:
		return "adopt";
	case CS_NOTIF_SEND:
		return "send";
	case CS_NOTIF_REFUSE:
		return "refuse";
	case CS_NOTIF_NOTHING:
		return "nothing";
	case CS_NOTIF_MISSING:
		return "missing";
	}
	return "?";
}

bool
cs_notif_previous_valid(
    bool has_previous, int64_t rotated_at, int64_t now, int64_t grace_ms)
{
	if (!has_previous || rotated_at <= 0 || grace_ms < 0)
		return false;
	return now - rotated_at <= grace_ms;
}

int
cs_notif_parse_grace(const char *text, int64_t *out_ms)
{
	int64_t s;

	*out_ms = CS_WEBHOOK_SECRET_GRACE_DEFAULT_MS;
	if (text == NULL || *text == '\0')
		return 0;
	if (cs_str_to_i64(text, 0, 365LL * 24 * 3600, &s) < 0)
		return CS_EINVAL;
	*out_ms = s > 0 ? s * 1000 : -1;
	return 0;
}
