/* SPDX-License-Identifier: MIT */
/*
 * The command line: a static table of commands (tmux cmd_entry), each with
 * its usage, flags parsed with getopt_long, exit codes from sysexits(3).
 */
#ifndef CS_CLI_CLI_H
#define CS_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/config.h"
#include "store/store.h"

struct cs_cli {
	struct cs_config cfg;
	struct cs_store *store; /* opened on first use */
	FILE *out;
	FILE *errout;
};

struct cs_cmd {
	const char *name;
	int (*fn)(struct cs_cli *cli, int argc, char **argv);
	const char *usage;   /* "campaign create --name N ..." */
	const char *summary; /* one line */
	const char *help;    /* flags, one per line; may be NULL */
};

/* Exit codes (sysexits(3), plus the sync's own 1 and 3). */
#define CS_EXIT_OK 0
#define CS_EXIT_FAILED 1
#define CS_EXIT_PARTIAL 3
#define CS_EXIT_USAGE 64
#define CS_EXIT_DATAERR 65
#define CS_EXIT_NOINPUT 66
#define CS_EXIT_UNAVAILABLE 69
#define CS_EXIT_SOFTWARE 70
#define CS_EXIT_IOERR 74
#define CS_EXIT_TEMPFAIL 75
#define CS_EXIT_CONFIG 78

/** The store, opened (and migrated) on first use. NULL after reporting. */
struct cs_store *cs_cli_store(struct cs_cli *cli, int *exit_code);

struct cs_campaign;

/**
 * The store and the campaign CAMPAIGN names (an id or a name), or an exit
 * code after a clear line (66 when there is no such campaign).
 *
 * @param out caller owns on success, cs_campaign_dispose()
 */
int cs_cli_campaign(struct cs_cli *cli, const char *ref,
    struct cs_store **storep, struct cs_campaign *out);

struct cs_nmkr;

/** An NMKR client from the configuration (NMKR_API_KEY, NMKR_NETWORK,
 * NMKR_API_URL), or NULL after reporting a configuration error. */
struct cs_nmkr *cs_cli_nmkr(struct cs_cli *cli, int *exit_code);

struct cs_verifier;

/** A chain verifier from the configuration (BLOCKFROST_PROJECT_ID,
 * BLOCKFROST_NETWORK, BLOCKFROST_API_URL), or NULL after reporting a
 * configuration error (CS_EXIT_CONFIG). Caller owns, cs_verifier_free(). */
struct cs_verifier *cs_cli_verifier(struct cs_cli *cli, int *exit_code);

/** Print "campaign-sync: msg" (secrets scrubbed); return the exit code
 * for err's code. */
int cs_cli_fail(struct cs_cli *cli, const struct cs_error *err);

/** Print "campaign-sync: <fmt>" and return code. */
int cs_cli_failf(struct cs_cli *cli, int code, const char *fmt, ...)
    CS_PRINTF(3, 4);

/** Map an error code to an exit code. */
int cs_cli_exit_code(int err_code);

/**
 * Run a sub-command from table (n entries) named argv[1], or print the
 * group's usage. argv[0] is the group name.
 */
int cs_cli_dispatch(struct cs_cli *cli, const struct cs_cmd *table, size_t n,
    const char *group, int argc, char **argv);

/** Print a command's usage and help to f. */
void cs_cli_usage(FILE *f, const struct cs_cmd *cmd);

/** True when argv holds -h or --help (checked before parsing). */
bool cs_cli_wants_help(int argc, char **argv);

/** Parse "2026-01-31" or an ISO-8601 date-time into ms. */
CS_NODISCARD int cs_cli_parse_date(const char *s, int64_t *out);

/** Print a JSON value (owned by the caller) to cli->out, pretty. */
struct cJSON;
void cs_cli_print_json(struct cs_cli *cli, const struct cJSON *v);

/*
 * What a list command prints: under --json an array of the encoded items
 * (service/encode.h, the API's names), else an aligned table. A store
 * walk's callback adds to whichever is set.
 */
struct cs_table;
struct cs_cli_list {
	struct cJSON *json;     /* --json, else NULL */
	struct cs_table *table; /* otherwise */
};

void cs_cli_list_init(
    struct cs_cli_list *l, bool json, size_t ncols, const char *const *headers);

/** Print the array, or the table, or empty (a line) when it has no row. */
void cs_cli_list_print(
    struct cs_cli *cli, const struct cs_cli_list *l, const char *empty);

void cs_cli_list_dispose(struct cs_cli_list *l);

/* Command groups. */
int cs_cmd_campaign(struct cs_cli *cli, int argc, char **argv);
int cs_cmd_inventory(struct cs_cli *cli, int argc, char **argv);
int cs_cmd_nft(struct cs_cli *cli, int argc, char **argv);
int cs_cmd_review(struct cs_cli *cli, int argc, char **argv);
int cs_cmd_logs(struct cs_cli *cli, int argc, char **argv);
int cs_cmd_migrate(struct cs_cli *cli, int argc, char **argv);
int cs_cmd_sync(struct cs_cli *cli, int argc, char **argv);
int cs_cmd_serve(struct cs_cli *cli, int argc, char **argv);
int cs_cmd_webhook(struct cs_cli *cli, int argc, char **argv);
int cs_cmd_demo(struct cs_cli *cli, int argc, char **argv);
int cs_cmd_verify(struct cs_cli *cli, int argc, char **argv);
int cs_cmd_doctor(struct cs_cli *cli, int argc, char **argv);

/*
 * The tables behind the commands, for the manual and the shell completion
 * (manual.c): the top-level table, and each group's sub-commands. Borrowed,
 * static; *n receives the number of entries.
 */
const struct cs_cmd *cs_cli_commands(size_t *n);
const struct cs_cmd *cs_cmd_campaign_table(size_t *n);
const struct cs_cmd *cs_cmd_inventory_table(size_t *n);
const struct cs_cmd *cs_cmd_nft_table(size_t *n);
const struct cs_cmd *cs_cmd_review_table(size_t *n);
const struct cs_cmd *cs_cmd_webhook_table(size_t *n);

/** The sub-commands of a group (campaign, inventory, nft, webhook), or
 * NULL when name is not a group. */
const struct cs_cmd *cs_cli_group_table(const char *name, size_t *n);

/** One environment variable of the configuration, for usage and manual. */
struct cs_cli_var {
	const char *name;
	const char *meaning;
};

/** Every variable the program reads (config.c, demo), borrowed, static. */
const struct cs_cli_var *cs_cli_variables(size_t *n);

/** The version line: "campaign-sync 0.1.0 (commit abc1234, built …)". */
const char *cs_cli_version(void);

/**
 * Print the manual page campaign-sync(1) in roff (`help --man`), or a bash
 * or zsh completion script (`help --completion bash|zsh`), all drawn from
 * the command tables, so that none can drift from --help.
 */
void cs_cli_print_manual(FILE *f);
int cs_cli_print_completion(FILE *f, const char *shell);

struct cs_server_opts;
struct cs_nmkr_opts;
struct cs_blockfrost_opts;

/** Server options from the configuration (see cmd_serve.c). */
void cs_cli_server_opts(struct cs_cli *cli, struct cs_server_opts *o,
    struct cs_nmkr_opts *nmkr, struct cs_blockfrost_opts *bf);

#include <signal.h>

/** Block SIGINT and SIGTERM in every thread to come; sigwait() on set. */
void cs_cli_block_signals(sigset_t *set);

#endif
