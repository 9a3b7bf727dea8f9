/* SPDX-License-Identifier: MIT */
/* A signed sale notification for the benchmarks; see sale.h. */
#include "sale.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/webhook.h"
#include "util/xalloc.h"

char **
cs_bench_read_uids(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[128], **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (f == NULL) {
		perror(path);
		return NULL;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (*n == cap) {
			cap = cap == 0 ? 1024 : cap * 2;
			v = cs_xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = cs_xstrdup(line);
	}
	fclose(f);
	return v;
}

int
cs_bench_sale_body(struct cs_buf *body, const char *project, const char *tag,
    const char *uid, size_t i, const char *tx_hash)
{
	char lower[32];
	size_t k;

	for (k = 0; tag[k] != '\0' && k + 1 < sizeof(lower); k++)
		lower[k] = (char)tolower((unsigned char)tag[k]);
	lower[k] = '\0';
	cs_buf_reset(body);
	return cs_buf_printf(body,
	    "{\"EventType\":\"transactionconfirmed\",\"ProjectName\":"
	    "\"%s\",\"ProjectUid\":\"%s\",\"SaleType\":"
	    "\"paidonftaddress\","
	    "\"SaleDate\":\"2026-11-25T10:00:00+00:00\",\"Price\":"
	    "25000000,\"MintingCosts\":2000000,\"SendbackCosts\":null,"
	    "\"NetworkFees\":null,\"NMKRRewards\":null,\"Discount\":null,"
	    "\"NotificationSaleNfts\":[{\"NftId\":%zu,\"NftUid\":\"%s\","
	    "\"NftName\":\"%s%zu\",\"Count\":1,\"Multiplier\":1}],"
	    "\"TxHash\":\"%s\","
	    "\"ReceiverAddress\":\"addr_test1q%s%zu\","
	    "\"OriginatorAddress\":null,\"StakeAddressReceiver\":null,"
	    "\"BlockChain\":\"Cardano\"}",
	    tag, project, i + 1, uid, tag, i + 1, tx_hash, lower, i);
}

char *
cs_bench_signed_url(
    CURL *easy, const char *base, const char *secret, const struct cs_buf *body)
{
	char sig[45], *esc, *url;

	cs_webhook_sign(secret, cs_buf_cstr(body), body->len, sig);
	esc = curl_easy_escape(easy, sig, 0);
	url = cs_xasprintf("%s?payloadHash=%s", base, esc);
	curl_free(esc);
	return url;
}
