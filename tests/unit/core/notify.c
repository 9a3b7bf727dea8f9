/* SPDX-License-Identifier: MIT */
/*
 * Table tests of the notifications plan (core/notify.c): for each operation,
 * list and force flag, the action, our index and exactly which entries are
 * sent. And the grace of a rotated-out secret.
 */
#include "test.h"

#include <string.h>

#include "core/notify.h"

#define URL "https://sync.example.com/webhooks/nmkr"

/* W: our webhook; O: another webhook; E: an e-mail; I: ours, inactive;
 * C: our URL with type "Webhook"; M: an e-mail to our URL (not ours). */
static struct cs_notif_entry
entry(char c)
{
	struct cs_notif_entry e = {"webhook", URL, true};

	switch (c) {
	case 'O':
		e.address = "https://other.example.com/hook";
		break;
	case 'E':
		e.type = "email";
		e.address = "ops@example.com";
		e.active = false;
		break;
	case 'I':
		e.active = false;
		break;
	case 'C':
		e.type = "Webhook";
		break;
	case 'M':
		e.type = "email";
		break;
	default:
		break;
	}
	return e;
}

struct row {
	enum cs_notif_op op;
	const char *list; /* one letter per entry, see entry() */
	bool force;
	enum cs_notif_action action;
	long ours; /* -1: none */
	size_t others;
	const char *keep; /* "1" per kept entry, "0" otherwise */
	bool add_ours;
};

static const struct row rows[] = {
    /* register */
    {CS_NOTIF_REGISTER, "", false, CS_NOTIF_SEND, -1, 0, "", true},
    {CS_NOTIF_REGISTER, "W", false, CS_NOTIF_ADOPT, 0, 0, "0", false},
    {CS_NOTIF_REGISTER, "OWE", false, CS_NOTIF_ADOPT, 1, 2, "000", false},
    {CS_NOTIF_REGISTER, "I", false, CS_NOTIF_ADOPT, 0, 0, "0", false},
    {CS_NOTIF_REGISTER, "C", false, CS_NOTIF_ADOPT, 0, 0, "0", false},
    {CS_NOTIF_REGISTER, "E", false, CS_NOTIF_REFUSE, -1, 1, "0", false},
    {CS_NOTIF_REGISTER, "M", false, CS_NOTIF_REFUSE, -1, 1, "0", false},
    {CS_NOTIF_REGISTER, "OE", false, CS_NOTIF_REFUSE, -1, 2, "00", false},
    {CS_NOTIF_REGISTER, "OE", true, CS_NOTIF_SEND, -1, 2, "11", true},
    {CS_NOTIF_REGISTER, "", true, CS_NOTIF_SEND, -1, 0, "", true},
    /* unregister */
    {CS_NOTIF_UNREGISTER, "", false, CS_NOTIF_NOTHING, -1, 0, "", false},
    {CS_NOTIF_UNREGISTER, "OE", true, CS_NOTIF_NOTHING, -1, 2, "00", false},
    {CS_NOTIF_UNREGISTER, "W", false, CS_NOTIF_SEND, 0, 0, "0", false},
    {CS_NOTIF_UNREGISTER, "EW", false, CS_NOTIF_REFUSE, 1, 1, "00", false},
    {CS_NOTIF_UNREGISTER, "EWO", true, CS_NOTIF_SEND, 1, 2, "101", false},
    /* a second entry with our URL is someone else's now: kept */
    {CS_NOTIF_UNREGISTER, "WW", true, CS_NOTIF_SEND, 0, 1, "01", false},
    /* rotate */
    {CS_NOTIF_ROTATE, "", false, CS_NOTIF_MISSING, -1, 0, "", false},
    {CS_NOTIF_ROTATE, "E", true, CS_NOTIF_MISSING, -1, 1, "0", false},
    {CS_NOTIF_ROTATE, "W", false, CS_NOTIF_SEND, 0, 0, "1", false},
    {CS_NOTIF_ROTATE, "OW", false, CS_NOTIF_REFUSE, 1, 1, "00", false},
    {CS_NOTIF_ROTATE, "OWE", true, CS_NOTIF_SEND, 1, 2, "111", false},
};

CS_TEST(core_notify__plan_table)
{
	struct cs_notif_entry list[8];
	struct cs_notif_plan p;
	size_t r, i, n;
	char keep[9];

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		n = strlen(rows[r].list);
		for (i = 0; i < n; i++)
			list[i] = entry(rows[r].list[i]);
		ASSERT_OK(cs_notif_plan_build(
		    rows[r].op, list, n, URL, rows[r].force, &p));
		for (i = 0; i < n; i++)
			keep[i] = p.keep[i] ? '1' : '0';
		keep[n] = '\0';
		if (p.action != rows[r].action ||
		    (long)(p.ours == CS_NOTIF_NONE ? -1 : (long)p.ours) !=
		        rows[r].ours ||
		    p.others != rows[r].others ||
		    strcmp(keep, rows[r].keep) != 0 ||
		    p.add_ours != rows[r].add_ours)
			cs_test_fail(__FILE__, __LINE__,
			    "row %zu (op %d, \"%s\", force %d): got %s ours "
			    "%ld "
			    "others %zu keep \"%s\" add %d",
			    r, (int)rows[r].op, rows[r].list, rows[r].force,
			    cs_notif_action_name(p.action),
			    p.ours == CS_NOTIF_NONE ? -1L : (long)p.ours,
			    p.others, keep, p.add_ours);
		cs_notif_plan_dispose(&p);
	}
}

CS_TEST(core_notify__needs_a_url)
{
	struct cs_notif_entry e = entry('W');
	struct cs_notif_plan p;

	ASSERT_ERR(CS_EINVAL,
	    cs_notif_plan_build(CS_NOTIF_REGISTER, &e, 1, NULL, false, &p));
	cs_notif_plan_dispose(&p);
	ASSERT_ERR(CS_EINVAL,
	    cs_notif_plan_build(CS_NOTIF_REGISTER, &e, 1, "", false, &p));
	cs_notif_plan_dispose(&p);
}

CS_TEST(core_notify__previous_secret_grace)
{
	const int64_t t = 1700000000000, g = 600000;

	ASSERT_TRUE(cs_notif_previous_valid(true, t, t, g));
	ASSERT_TRUE(cs_notif_previous_valid(true, t, t + g, g));
	ASSERT_FALSE(cs_notif_previous_valid(true, t, t + g + 1, g));
	ASSERT_FALSE(cs_notif_previous_valid(false, t, t, g));
	/* unknown rotation time: not accepted */
	ASSERT_FALSE(cs_notif_previous_valid(true, 0, t, g));
	ASSERT_TRUE(cs_notif_previous_valid(true, t, t, 0));
	ASSERT_FALSE(cs_notif_previous_valid(true, t, t + 1, 0));
	ASSERT_FALSE(cs_notif_previous_valid(true, t, t, -1));
}

CS_TEST(core_notify__parse_grace)
{
	int64_t ms;

	ASSERT_OK(cs_notif_parse_grace(NULL, &ms));
	ASSERT_EQ(ms, CS_WEBHOOK_SECRET_GRACE_DEFAULT_MS);
	ASSERT_OK(cs_notif_parse_grace("", &ms));
	ASSERT_EQ(ms, 600000);
	ASSERT_OK(cs_notif_parse_grace("30", &ms));
	ASSERT_EQ(ms, 30000);
	ASSERT_OK(cs_notif_parse_grace("0", &ms));
	ASSERT_EQ(ms, -1);
	ASSERT_ERR(CS_EINVAL, cs_notif_parse_grace("-5", &ms));
	ASSERT_ERR(CS_EINVAL, cs_notif_parse_grace("10m", &ms));
	ASSERT_ERR(CS_EINVAL, cs_notif_parse_grace("99999999999", &ms));
}
