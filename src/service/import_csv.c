/* SPDX-License-Identifier: MIT */
/* NMKR CSV export import with libcsv; see import_csv.h. */
#include "service/import_csv.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/paylink.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum col {
	COL_UID,
	COL_TOKENNAME,
	COL_DISPLAYNAME,
	COL_IPFSHASH,
	COL_STATE,
	COL_ASSETID,
	COL_LINK,
	NCOLS
};

static const char *const col_names[NCOLS] = {"Uid", "Tokenname", "Displayname",
    "IpfsHash", "State", "AssetId", "SpecificPaymentGatewayLink"};

struct parse {
	struct cs_csv_rows *out;
	struct cs_vec nfts;   /* struct cs_nft */
	struct cs_vec fields; /* char * of the current record */
	int col_of[NCOLS];    /* field index of each column, or -1 */
	size_t header_fields;
	bool have_header;
	size_t line;            /* physical line being fed */
	size_t record_line;     /* line where the current record started */
	size_t record_end_line; /* line where the last record ended */
	int64_t now;
	int64_t reservation_ms;
	int error;
	struct cs_error *err;
};

static void
on_field(void *data, size_t len, void *payload)
{
	struct parse *p = payload;
	char **slot;

	if (p->error != 0)
		return;
	if (p->fields.len == 0)
		p->record_line = p->line;
	if (len > CS_MAX_CSV_FIELD) {
		p->error = cs_error_set(p->err, CS_EINVAL,
		    "line %zu: a field is longer than %u bytes", p->line,
		    CS_MAX_CSV_FIELD);
		return;
	}
	slot = cs_vec_push(&p->fields);
	*slot = cs_arena_strndup(&p->out->arena, data != NULL ? data : "", len);
}

static const char *
field(const struct parse *p, enum col c)
{
	int i = p->col_of[c];

	if (i < 0 || (size_t)i >= p->fields.len)
		return NULL;
	return *CS_VEC_AT(&p->fields, char *, (size_t)i);
}

static int
read_header(struct parse *p)
{
	size_t i, c;

	for (c = 0; c < NCOLS; c++)
		p->col_of[c] = -1;
	for (i = 0; i < p->fields.len; i++) {
		char *name = *CS_VEC_AT(&p->fields, char *, i);

		/* CsvHelper writes a UTF-8 byte order mark. */
		if (i == 0 && strncmp(name, "\xEF\xBB\xBF", 3) == 0)
			name += 3;
		cs_str_trim(name);
		for (c = 0; c < NCOLS; c++) {
			if (strcasecmp(name, col_names[c]) == 0)
				p->col_of[c] = (int)i;
		}
	}
	if (p->col_of[COL_UID] < 0 ||
	    (p->col_of[COL_TOKENNAME] < 0 && p->col_of[COL_DISPLAYNAME] < 0))
		return cs_error_set(p->err, CS_EPARSE,
		    "line %zu: not an NMKR CSV export (the header needs Uid "
		    "and Tokenname or Displayname)",
		    p->record_line);
	p->header_fields = p->fields.len;
	p->have_header = true;
	return 0;
}

/* A project uid without dashes (32 hex) with them, for messages. */
static void
dashed(const char *hex, char out[CS_UID_LEN + 1])
{
	snprintf(out, CS_UID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
	    hex + 12, hex + 16, hex + 20);
}

/* The project named by the row's payment link (p=), the same for every
 * row that has one. */
static int
read_project(struct parse *p)
{
	char project[33], a[CS_UID_LEN + 1], b[CS_UID_LEN + 1];

	if (!cs_paylink_project(field(p, COL_LINK), project))
		return 0;
	if (p->out->project[0] == '\0') {
		memcpy(p->out->project, project, sizeof(project));
		return 0;
	}
	if (strcmp(p->out->project, project) == 0)
		return 0;
	dashed(p->out->project, a);
	dashed(project, b);
	return cs_error_set(p->err, CS_EINVAL,
	    "line %zu: NFTs of two NMKR projects in one file (%s, then %s)",
	    p->record_line, a, b);
}

static int
read_row(struct parse *p)
{
	const char *uid, *name, *state, *ipfs, *asset;
	struct cs_nft *n;
	enum cs_remote_state rs;
	int error;

	if (p->fields.len != p->header_fields)
		return cs_error_set(p->err, CS_EPARSE,
		    "line %zu: expected %zu fields as in the header, found %zu",
		    p->record_line, p->header_fields, p->fields.len);
	p->out->rows++;
	uid = field(p, COL_UID);
	cs_str_trim(CS_UNCONST(uid));
	if (!cs_str_is_uuid(uid))
		return cs_error_set(p->err, CS_EINVAL,
		    "line %zu: Uid '%.40s' is not an NMKR uid", p->record_line,
		    uid);
	error = read_project(p);
	if (error < 0)
		return error;
	name = field(p, COL_DISPLAYNAME);
	if (name == NULL || *name == '\0')
		name = field(p, COL_TOKENNAME);
	if (name == NULL || *name == '\0')
		return cs_error_set(p->err, CS_EINVAL,
		    "line %zu: the NFT has no name", p->record_line);
	if (strlen(name) > CS_MAX_NAME)
		return cs_error_set(p->err, CS_EINVAL,
		    "line %zu: the name is longer than %d bytes",
		    p->record_line, CS_MAX_NAME);
	state = field(p, COL_STATE);
	rs = state != NULL && *state != '\0' ? cs_remote_state_parse(state)
	                                     : CS_REMOTE_FREE;
	if (rs == CS_REMOTE_UNKNOWN)
		return cs_error_set(p->err, CS_EINVAL,
		    "line %zu: unknown State '%.20s'", p->record_line, state);
	if (rs == CS_REMOTE_ERROR || rs == CS_REMOTE_BLOCKED ||
	    rs == CS_REMOTE_BURNED) {
		p->out->skipped_state++;
		return 0;
	}
	n = cs_vec_push(&p->nfts);
	n->nft_uid = CS_UNCONST(uid);
	cs_str_lower(n->nft_uid);
	n->name = CS_UNCONST(name);
	n->nft_number = cs_name_number(name);
	ipfs = field(p, COL_IPFSHASH);
	if (ipfs != NULL && *ipfs != '\0') {
		size_t len = strlen(ipfs) + sizeof("ipfs://");

		n->image_url = cs_arena_alloc(&p->out->arena, len);
		snprintf(n->image_url, len, "ipfs://%s", ipfs);
	}
	asset = field(p, COL_ASSETID);
	if (asset != NULL && strlen(asset) >= 56 &&
	    strlen(asset) <= CS_MAX_ASSET_ID && cs_str_is_hex_lower(asset))
		n->asset_id = CS_UNCONST(asset);
	if (rs == CS_REMOTE_SOLD) {
		n->status = CS_NFT_SOLD;
	} else if (rs == CS_REMOTE_RESERVED) {
		n->status = CS_NFT_RESERVED;
		n->reserved_until = p->now + p->reservation_ms;
	} else {
		n->status = CS_NFT_AVAILABLE;
	}
	return 0;
}

static void
on_record(int term, void *payload)
{
	struct parse *p = payload;

	(void)term;
	if (p->error == 0) {
		if (p->fields.len == 1 &&
		    **CS_VEC_AT(&p->fields, char *, 0) == '\0')
			; /* a blank line */
		else if (!p->have_header)
			p->error = read_header(p);
		else
			p->error = read_row(p);
	}
	p->record_end_line = p->line;
	p->fields.len = 0;
}

static int
feed(struct parse *p, struct csv_parser *csv, const char *data, size_t len)
{
	const char *line = data, *end = data + len, *nl;

	p->line = 1;
	while (line < end && p->error == 0) {
		size_t n;

		nl = memchr(line, '\n', (size_t)(end - line));
		n = nl != NULL ? (size_t)(nl - line) + 1 : (size_t)(end - line);
		if (csv_parse(csv, line, n, on_field, on_record, p) != n)
			return cs_error_set(p->err, CS_EPARSE,
			    "line %zu: malformed CSV (%s)", p->line,
			    csv_strerror(csv_error(csv)));
		line += n;
		p->line++;
	}
	return p->error;
}

int
cs_csv_parse_nmkr(const char *data, size_t len, int64_t now,
    int64_t reservation_ms, struct cs_csv_rows *out, struct cs_error *err)
{
	struct csv_parser csv;
	struct parse p;
	int error;

	memset(out, 0, sizeof(*out));
	cs_arena_init(&out->arena);
	memset(&p, 0, sizeof(p));
	p.out = out;
	p.now = now;
	p.reservation_ms = reservation_ms;
	p.err = err;
	cs_vec_init(&p.nfts, sizeof(struct cs_nft));
	cs_vec_init(&p.fields, sizeof(char *));
	if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		abort();
	error = feed(&p, &csv, data, len);
	if (error == 0 && csv_fini(&csv, on_field, on_record, &p) != 0)
		error = cs_error_set(err, CS_EPARSE,
		    "line %zu: a quoted field is never closed",
		    p.record_end_line + 1);
	if (error == 0)
		error = p.error;
	if (error == 0 && !p.have_header)
		error = cs_error_set(
		    err, CS_EPARSE, "the file is empty: no CSV header");
	csv_free(&csv);
	cs_vec_dispose(&p.fields);
	if (error < 0) {
		cs_vec_dispose(&p.nfts);
		cs_csv_rows_dispose(out);
		return error;
	}
	out->nfts = p.nfts.ptr;
	out->n = p.nfts.len;
	return 0;
}

void
cs_csv_rows_dispose(struct cs_csv_rows *rows)
{
	if (rows == NULL)
		return;
	free(rows->nfts);
	cs_arena_dispose(&rows->arena);
	memset(rows, 0, sizeof(*rows));
}

static int
read_file(const char *path, struct cs_buf *b, struct cs_error *err)
{
	char chunk[65536];
	size_t n;
	FILE *f;
	int error = 0;

	f = fopen(path, "rb");
	if (f == NULL)
		return cs_error_set(err, CS_ENOTFOUND, "cannot open %s: %s",
		    path, strerror(errno));
	while (error == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		error = cs_buf_put(b, chunk, n);
	if (error == CS_ETOOBIG)
		error =
		    cs_error_set(err, CS_ETOOBIG, "%s is larger than %u MiB",
		        path, CS_MAX_CSV_FILE / (1024 * 1024));
	else if (error == 0 && ferror(f))
		error = cs_error_set(
		    err, CS_ERROR, "cannot read %s: %s", path, strerror(errno));
	fclose(f);
	return error;
}

int
cs_import_csv_data(struct cs_store *store, int64_t campaign_id,
    const char *data, size_t len, int64_t now, struct cs_csv_report *out,
    struct cs_error *err)
{
	struct cs_csv_rows rows;
	struct cs_campaign camp;
	char ours[33], theirs[CS_UID_LEN + 1];
	int64_t minutes;
	int error;

	memset(out, 0, sizeof(*out));
	error = cs_store_campaign_get(store, campaign_id, &camp, err);
	if (error < 0)
		return error;
	minutes = camp.reservation_minutes != 0 ? camp.reservation_minutes
	                                        : CS_RESERVATION_DEFAULT_MIN;
	error =
	    cs_csv_parse_nmkr(data, len, now, minutes * 60 * 1000, &rows, err);
	if (error < 0) {
		cs_campaign_dispose(&camp);
		return error;
	}
	/* The export's payment links name its project: another project's
	 * file would fill the campaign with NFTs NMKR never sells for it. */
	ours[0] = '\0';
	if (cs_str_is_uuid(camp.nmkr_project_uid))
		cs_str_uuid_nodash(camp.nmkr_project_uid, ours);
	cs_str_lower(ours);
	if (rows.project[0] != '\0' && strcmp(rows.project, ours) != 0) {
		dashed(rows.project, theirs);
		error = cs_error_set(err, CS_EINVAL,
		    "the file is an export of NMKR project %s, and campaign "
		    "'%.80s' is of project %s: nothing imported",
		    theirs, camp.name, camp.nmkr_project_uid);
		cs_campaign_dispose(&camp);
		cs_csv_rows_dispose(&rows);
		return error;
	}
	cs_campaign_dispose(&camp);
	error = cs_store_nft_import(
	    store, campaign_id, rows.nfts, rows.n, now, &out->result, err);
	out->rows = rows.rows;
	out->skipped_state = rows.skipped_state;
	cs_csv_rows_dispose(&rows);
	return error;
}

int
cs_import_csv_file(struct cs_store *store, int64_t campaign_id,
    const char *path, int64_t now, struct cs_csv_report *out,
    struct cs_error *err)
{
	struct cs_buf data = CS_BUF_INIT(CS_MAX_CSV_FILE);
	int error;

	memset(out, 0, sizeof(*out));
	error = read_file(path, &data, err);
	if (error == 0)
		error = cs_import_csv_data(store, campaign_id,
		    cs_buf_cstr(&data), data.len, now, out, err);
	cs_buf_dispose(&data);
	return error;
}
