/* SPDX-License-Identifier: MIT */
/*
 * NMKR's webhook as the server takes it (cs_webhook_handle): signature,
 * decode and apply, on a real SQLite store in a temporary directory with
 * one campaign and a few NFTs. The input is the payloadHash query value, a
 * newline, then the body; an empty first line means "signed with the
 * campaign's secret" (so the fuzzer reaches the decoding and the apply),
 * "-" means no payloadHash.
 */
#include "fuzz.h"

#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "service/webhook.h"
#include "store/store.h"
#include "util/str.h"

#define PROJECT "9d7c3c1e-5b7a-4f2e-8a61-0c2b3d4e5f60"
#define SECRET "fedcba9876543210fedcba9876543210"
#define NOW 1764000000000LL
#define NNFTS 4

static struct cs_store *store;
static struct cs_webhook_sink *sink;
static char dir[64], path[96];
static bool verbose; /* CS_FUZZ_VERBOSE=1: print each reply */

static void
cleanup(void)
{
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	char f[128];
	size_t i;

	cs_webhook_sink_free(sink);
	cs_store_free(store);
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(f, sizeof(f), "%s%s", path, ext[i]);
		unlink(f);
	}
	rmdir(dir);
}

static void
setup(void)
{
	struct cs_webhook_sink_opts so = {0};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_import_result ir;
	struct cs_nft nfts[NNFTS];
	struct cs_campaign c;
	char url[128], uids[NNFTS][40];
	const char *tmp = getenv("CS_FUZZ_TMPDIR");
	int i;

	/* Memory (tmpfs) when there is one: each webhook is a commit, and an
	 * fsync to disk made this harness 160 runs a second. */
	if (tmp == NULL || strlen(tmp) >= 40)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof(dir), "%s/cs-fuzz-XXXXXX", tmp);
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/webhook.db", dir);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	atexit(cleanup);
	verbose = getenv("CS_FUZZ_VERBOSE") != NULL;
	FUZZ_CHECK(cs_store_open(&store, url, &err) == 0);
	memset(&c, 0, sizeof(c));
	c.name = CS_UNCONST("fuzz");
	c.nmkr_project_uid = CS_UNCONST(PROJECT);
	c.max_nfts = 100;
	FUZZ_CHECK(cs_store_campaign_create(store, &c, NOW, &err) == 0);
	FUZZ_CHECK(cs_store_campaign_set_webhook_secret(
	               store, c.id, SECRET, NOW, &err) == 0);
	memset(nfts, 0, sizeof(nfts));
	for (i = 0; i < NNFTS; i++) {
		/* 00000000-0000-4000-8000-00000000000N: seeds name them. */
		snprintf(uids[i], sizeof(uids[i]),
		    "00000000-0000-4000-8000-%012d", i + 1);
		nfts[i].nft_uid = uids[i];
		nfts[i].name = CS_UNCONST("nft");
		nfts[i].status = CS_NFT_AVAILABLE;
	}
	FUZZ_CHECK(
	    cs_store_nft_import(store, c.id, nfts, NNFTS, NOW, &ir, &err) == 0);
	so.store_url = url;
	FUZZ_CHECK(cs_webhook_sink_new(&sink, &so, &err) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size), *hash;
	char query[128], sig[45];
	struct cs_webhook_reply r;
	size_t qlen, len;
	bool over_limit;
	char *body;

	if (store == NULL)
		setup();
	if (nl == NULL)
		return 0;
	qlen = (size_t)(nl - (const char *)data);
	if (qlen >= sizeof(query))
		return 0;
	memcpy(query, data, qlen);
	query[qlen] = '\0';
	len = size - qlen - 1;
	/* The body as the server holds it: exactly its length. */
	body = malloc(len + 1);
	FUZZ_CHECK(body != NULL);
	memcpy(body, nl + 1, len);
	if (qlen == 0) {
		cs_webhook_sign(SECRET, body, len, sig);
		hash = sig;
	} else {
		hash = strcmp(query, "-") == 0 ? NULL : query;
	}
	/* Every other input comes from a client over its refusals: what
	 * would be refused is answered 429 instead; what verifies is not. */
	over_limit = (len & 1) != 0;
	FUZZ_CHECK(cs_webhook_handle(
	               sink, store, body, len, hash, NOW, over_limit, &r) == 0);
	FUZZ_CHECK(r.status == 200 || r.status == 400 || r.status == 401 ||
	           r.status == 404 || r.status == 413 ||
	           (over_limit && r.status == 429));
	FUZZ_CHECK(r.outcome != NULL);
	if (verbose)
		fprintf(stderr, "-> %d %s (%zu NFTs, %zu changed)\n", r.status,
		    r.outcome, r.nfts, r.changed);
	if (qlen != 0 && r.status == 200)
		FUZZ_CHECK(hash != NULL && strlen(hash) > 0);
	free(body);
	return 0;
}
