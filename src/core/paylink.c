/* SPDX-License-Identifier: MIT */
/* NMKR Pay links; see paylink.h. */
#include "core/paylink.h"

#include "util/str.h"
#include "core/pure.h"

const char *
cs_paylink_base(enum cs_network net)
{
	return net == CS_NETWORK_PREPROD ? "https://pay.preprod.nmkr.io/?"
	                                 : "https://pay.nmkr.io/?";
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
