/* SPDX-License-Identifier: MIT */
/* NMKR Pay links; see paylink.h. */
#include "core/paylink.h"

#include <string.h>

#include "util/str.h"
#include "core/pure.h"

const char *
cs_paylink_base(enum cs_network net)
{
	return net == CS_NETWORK_PREPROD ? "https://pay.preprod.nmkr.io/?"
	                                 : "https://pay.nmkr.io/?";
}

bool
cs_paylink_project(const char *link, char out[33])
{
	const char *q = link != NULL ? strchr(link, '?') : NULL;
	size_t i;

	while (q != NULL) {
		q++; /* past '?' or '&' */
		if (q[0] == 'p' && q[1] == '=') {
			for (i = 0; i < 32; i++) {
				char c = q[2 + i];

				if (c >= 'A' && c <= 'F')
					c = (char)(c - 'A' + 'a');
				if (!((c >= '0' && c <= '9') ||
				        (c >= 'a' && c <= 'f')))
					return false;
				out[i] = c;
			}
			out[32] = '\0';
			return q[34] == '\0' || q[34] == '&' || q[34] == '#';
		}
		q = strchr(q, '&');
	}
	return false;
}

int
cs_paylink_specific(struct cs_buf *out, enum cs_network net,
    const char *project_uid, const char *nft_uid)
{
	char p[33], n[33];

	if (!cs_str_is_uuid(project_uid) || !cs_str_is_uuid(nft_uid))
		return CS_EINVAL;
	cs_str_uuid_nodash(project_uid, p);
	cs_str_uuid_nodash(nft_uid, n);
	return cs_buf_printf(out, "%sp=%s&n=%s", cs_paylink_base(net), p, n);
}
