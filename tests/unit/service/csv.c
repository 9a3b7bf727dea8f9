/* SPDX-License-Identifier: MIT */
/* Unit tests of the NMKR CSV parser, driven by data. */
#include "test.h"

#include "service/import_csv.h"

#define HEADER                                                                 \
	"Id,Uid,Tokenname,Displayname,Detaildata,IpfsHash,State,"              \
	"Minted,PolicyId,AssetId,Assetname,"                                   \
	"SpecificPaymentGatewayLink,Fingerprint,IagonId\r\n"
#define UID1 "5c810e70-dc0e-40ff-98d0-67742f95918b"
#define UID2 "5c810e70-dc0e-40ff-98d0-67742f95918c"
#define POLICY "b0d07d45fe9514f80213f4020e5a61241458be626841cde717cb38a7"

static int
parse(const char *csv, struct cs_csv_rows *rows)
{
	return cs_csv_parse_nmkr(csv, strlen(csv), 1000, 600000, rows, TERR);
}

CS_TEST(service_csv__nmkr_export)
{
	const char *csv =
	    "\xEF\xBB\xBF" HEADER "1," UID1
	    ",Camp0001,\"Lab Rat #7\",\"a, \"\"quoted\"\"\nline\","
	    "QmX,sold,True," POLICY "," POLICY "43616d7030303031,43,,,\r\n"
	    "2," UID2 ",Camp0002,,,,reserved,False,,,,,,\r\n";
	struct cs_csv_rows rows;

	ASSERT_OK(parse(csv, &rows));
	ASSERT_EQ(rows.n, 2);
	ASSERT_EQ(rows.rows, 2);
	ASSERT_STR_EQ(rows.nfts[0].nft_uid, UID1);
	ASSERT_STR_EQ(rows.nfts[0].name, "Lab Rat #7");
	ASSERT_EQ(rows.nfts[0].nft_number, 7);
	ASSERT_EQ(rows.nfts[0].status, CS_NFT_SOLD);
	ASSERT_STR_EQ(rows.nfts[0].image_url, "ipfs://QmX");
	ASSERT_STR_EQ(rows.nfts[0].asset_id, POLICY "43616d7030303031");
	/* No display name: the token name; no "#N": the next number. */
	ASSERT_STR_EQ(rows.nfts[1].name, "Camp0002");
	ASSERT_EQ(rows.nfts[1].nft_number, 0);
	ASSERT_EQ(rows.nfts[1].status, CS_NFT_RESERVED);
	ASSERT_EQ(rows.nfts[1].reserved_until, 1000 + 600000);
	ASSERT_TRUE(rows.nfts[1].asset_id == NULL);
	cs_csv_rows_dispose(&rows);
}

CS_TEST(service_csv__not_for_sale_rows_are_left_out)
{
	const char *csv =
	    "Uid,Tokenname,State\n" UID1 ",A,blocked\n" UID2 ",B,free\n";
	struct cs_csv_rows rows;

	ASSERT_OK(parse(csv, &rows));
	ASSERT_EQ(rows.n, 1);
	ASSERT_EQ(rows.skipped_state, 1);
	ASSERT_EQ(rows.nfts[0].status, CS_NFT_AVAILABLE);
	cs_csv_rows_dispose(&rows);
}

struct bad_case {
	const char *csv;
	int code;
	const char *msg;
};

CS_TEST(service_csv__bad_input_names_the_line)
{
	static const struct bad_case cases[] = {
	    {"", CS_EPARSE, "empty"},
	    {"Foo,Bar\n1,2\n", CS_EPARSE, "line 1: not an NMKR CSV"},
	    {"Uid,Tokenname\n" UID1 ",A\nnope,B\n", CS_EINVAL,
	        "line 3: Uid 'nope'"},
	    {"Uid,Tokenname\n" UID1 ",A,extra\n", CS_EPARSE,
	        "line 2: expected 2 fields"},
	    {"Uid,Tokenname\n" UID1 ",\"A\n", CS_EPARSE,
	        "line 2: a quoted field is never closed"},
	    {"Uid,Tokenname\n" UID1 ",\"A\"x\n", CS_EPARSE,
	        "line 2: malformed CSV"},
	    {"Uid,Tokenname,State\n" UID1 ",A,minting\n", CS_EINVAL,
	        "line 2: unknown State"},
	    {"Uid,Tokenname\n" UID1 ",\n", CS_EINVAL, "line 2: the NFT has"},
	};
	struct cs_csv_rows rows;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fprintf(stderr, "case %zu\n", i);
		ASSERT_ERR(cases[i].code, parse(cases[i].csv, &rows));
		ASSERT_STR_CONTAINS(cs_test_err.msg, cases[i].msg);
		ASSERT_EQ(rows.n, 0);
	}
}

CS_TEST(service_csv__fixture_of_100)
{
	struct cs_csv_rows rows;
	char path[512], *data;
	size_t len = 0;

	snprintf(
	    path, sizeof(path), "%s/csv/lab-rat-100.csv", cs_test_fixtures());
	data = cs_test_read_file(path, &len);
	ASSERT_TRUE(data != NULL);
	ASSERT_OK(cs_csv_parse_nmkr(data, len, 0, 0, &rows, TERR));
	ASSERT_EQ(rows.n, 100);
	ASSERT_EQ(rows.nfts[99].nft_number, 100);
	ASSERT_STR_EQ(rows.nfts[9].name, "Lab Rat #10");
	cs_csv_rows_dispose(&rows);
	free(data);
}

#define LINK(p, n) "https://pay.preprod.nmkr.io/?p=" p "&n=" n "&tc=1"
#define P1 "9e2d000aed534db4819b25cdab41fd47"
#define P2 "0b7e3c5511114aaa8bbb123456789abc"

CS_TEST(service_csv__the_project_is_read_from_the_links)
{
	const char *csv =
	    "Uid,Tokenname,State,SpecificPaymentGatewayLink\n" UID1
	    ",A,free," LINK(P1,
	        "5c810e70dc0e40ff98d067742f95918b") "\n" UID2 ",B,burned,\n";
	const char *mixed =
	    "Uid,Tokenname,State,SpecificPaymentGatewayLink\n" UID1
	    ",A,free," LINK(
	        P1, "5c810e70dc0e40ff98d067742f95918b") "\n" UID2
	                                                ",B,burned," LINK(
	                                                    P2, "x") "\n";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_csv_rows rows;

	ASSERT_OK(parse(csv, &rows));
	ASSERT_STR_EQ(rows.project, P1);
	cs_csv_rows_dispose(&rows);
	/* Without links nothing says whose file it is. */
	ASSERT_OK(parse("Uid,Tokenname\n" UID1 ",A\n", &rows));
	ASSERT_STR_EQ(rows.project, "");
	cs_csv_rows_dispose(&rows);
	/* Two projects in one file: refused, naming the line. */
	ASSERT_ERR(CS_EINVAL,
	    cs_csv_parse_nmkr(mixed, strlen(mixed), 1000, 600000, &rows, &err));
	ASSERT_STR_CONTAINS(cs_error_msg(&err), "line 3");
	ASSERT_STR_CONTAINS(cs_error_msg(&err), "0b7e3c55-1111-4aaa-8bbb");
}
