/* SPDX-License-Identifier: MIT */
/*
 * The configuration from the environment (src/cli/config.c): the input is
 * lines NAME=VALUE for the variables campaign-sync reads; they are set,
 * cs_config_from_env() reads them, cs_config_register_secrets() registers
 * the secrets, and the schedule is parsed as serve does. Then a log line
 * holding the database URL and the keys must show none of their secrets
 * (those of 4 bytes or more that share no byte with "[redacted]").
 */
#include "fuzz.h"

#include <string.h>

#include "cli/config.h"
#include "core/cron.h"
#include "util/str.h"

static const char *const names[] = {"CS_DATABASE_URL", "NMKR_API_KEY",
    "NMKR_NETWORK", "NEXT_PUBLIC_NMKR_NETWORK", "NMKR_API_URL",
    "BLOCKFROST_PROJECT_ID", "BLOCKFROST_NETWORK", "BLOCKFROST_API_URL",
    "CS_LISTEN", "CS_ADMIN_TOKEN", "CS_SYNC_SCHEDULE", "CS_LOG_FORMAT",
    "CS_PUBLIC_RATE", "CS_LOG_LEVEL"};
#define NNAMES (sizeof(names) / sizeof(names[0]))

static bool
checkable(const char *secret)
{
	return secret != NULL && strlen(secret) >= CS_SECRET_WORD_LEN &&
	       strpbrk(secret, "[]") == NULL &&
	       strstr("[redacted]", secret) == NULL;
}

static void
set_line(const char *line)
{
	const char *eq = strchr(line, '=');
	size_t i, klen;

	if (eq == NULL)
		return;
	klen = (size_t)(eq - line);
	for (i = 0; i < NNAMES; i++) {
		if (strlen(names[i]) == klen &&
		    strncmp(line, names[i], klen) == 0)
			setenv(names[i], eq + 1, 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_config cfg;
	struct cs_cron cron;
	const char *pos, *start;
	char *text, *line, *next, *shown;
	size_t i, len, room;

	if (size > 8000)
		return 0;
	for (i = 0; i < NNAMES; i++)
		unsetenv(names[i]);
	text = malloc(size + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = text; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		set_line(line);
	}
	if (cs_config_from_env(&cfg, &err) < 0) {
		FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
		goto out;
	}
	FUZZ_CHECK(cfg.database_url != NULL && cfg.listen != NULL);
	FUZZ_CHECK(cfg.public_rate >= 0);
	if (cs_cron_parse(cfg.sync_schedule, &cron, &err) < 0)
		FUZZ_CHECK(err.code < 0);
	cs_config_register_secrets(&cfg);
	room = strlen(cfg.database_url) * 2 + 512;
	shown = malloc(room);
	FUZZ_CHECK(shown != NULL);
	snprintf(shown, room, "db %s key %s token %s", cfg.database_url,
	    cfg.nmkr_api_key != NULL ? cfg.nmkr_api_key : "-",
	    cfg.admin_token != NULL ? cfg.admin_token : "-");
	cs_log_redact(shown, room);
	if (checkable(cfg.nmkr_api_key) && strlen(cfg.nmkr_api_key) < 200)
		FUZZ_CHECK(strstr(shown, cfg.nmkr_api_key) == NULL);
	if (checkable(cfg.admin_token) && strlen(cfg.admin_token) < 200)
		FUZZ_CHECK(strstr(shown, cfg.admin_token) == NULL);
	pos = cfg.database_url;
	while (cs_str_next_url_password(cfg.database_url, &pos, &start, &len)) {
		char pw[256];

		/* config.c registers passwords of up to 255 bytes. */
		if (len >= sizeof(pw))
			continue;
		memcpy(pw, start, len);
		pw[len] = '\0';
		if (checkable(pw))
			FUZZ_CHECK(strstr(shown, pw) == NULL);
	}
	free(shown);
out:
	cs_log_secrets_clear();
	free(text);
	return 0;
}
