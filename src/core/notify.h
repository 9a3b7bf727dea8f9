/* SPDX-License-Identifier: MIT */
/*
 * What to do with a project's NMKR notifications when we register,
 * unregister or rotate our webhook. NMKR's UpdateNotifications replaces the
 * whole list and gives every saved entry a new secret, so any update
 * rotates the secrets of the operator's other notifications too: with other
 * entries present the plan refuses unless forced, and a forced plan keeps
 * every other entry as it is (type, address, active flag). Pure: the list
 * comes from GetNotifications, the decision goes back to the service.
 */
#ifndef CS_CORE_NOTIFY_H
#define CS_CORE_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/limits.h"

/* One entry of GetNotifications, as the plan sees it (borrowed strings). */
struct cs_notif_entry {
	const char *type; /* "webhook" or "email" (any case) */
	const char *address;
	bool active;
};

enum cs_notif_op {
	CS_NOTIF_REGISTER = 0,
	CS_NOTIF_UNREGISTER,
	CS_NOTIF_ROTATE,
};

enum cs_notif_action {
	CS_NOTIF_ADOPT = 0, /* ours is listed: keep its secret, send nothing */
	CS_NOTIF_SEND,      /* send the planned list (UpdateNotifications) */
	CS_NOTIF_REFUSE,    /* others would lose their secrets: not forced */
	CS_NOTIF_NOTHING,   /* unregister: ours is not listed, send nothing */
	CS_NOTIF_MISSING,   /* rotate: ours is not listed, nothing to rotate */
};

#define CS_NOTIF_NONE SIZE_MAX

/*
 * The plan. For CS_NOTIF_SEND the list to send is: every entry i of the
 * input with keep[i] (in input order, unchanged), plus our entry (webhook,
 * url, active) appended when add_ours.
 */
struct cs_notif_plan {
	enum cs_notif_action action;
	size_t ours;   /* index of our entry in the input, or CS_NOTIF_NONE */
	size_t others; /* entries that are not ours */
	bool *keep;    /* n flags; caller owns, cs_notif_plan_dispose() */
	bool add_ours;
};

/** Whether entry e is our webhook: type webhook (any case), address url. */
bool cs_notif_is_ours(const struct cs_notif_entry *e, const char *url);

/**
 * Decide what op does to the list (n entries, may be 0) for our url.
 *
 * register: ours listed -> adopt; no other entry -> send ours; others ->
 * refuse, or (force) send others + ours. unregister: ours not listed ->
 * nothing; no other -> send []; others -> refuse, or (force) send others.
 * rotate: ours not listed -> missing; no other -> send ours; others ->
 * refuse, or (force) send others + ours (ours keeps its place).
 *
 * @param out filled; dispose with cs_notif_plan_dispose()
 * @return 0, or CS_EINVAL when url is NULL or empty
 */
CS_NODISCARD int cs_notif_plan_build(enum cs_notif_op op,
    const struct cs_notif_entry *list, size_t n, const char *url, bool force,
    struct cs_notif_plan *out);

void cs_notif_plan_dispose(struct cs_notif_plan *p);

const char *cs_notif_action_name(enum cs_notif_action a);

/**
 * Whether the previous webhook secret is still accepted: it exists and now
 * is at most grace_ms after the rotation (rotated_at, ms). A rotation time
 * of 0 (unknown) or a negative grace accepts nothing.
 */
bool cs_notif_previous_valid(
    bool has_previous, int64_t rotated_at, int64_t now, int64_t grace_ms);

/**
 * CS_WEBHOOK_SECRET_GRACE as ms: whole seconds, 0 to 31536000. NULL or ""
 * is the default (600 s); 0 is -1 (no grace: a rotated-out secret is
 * refused at once). @return 0 or CS_EINVAL
 */
CS_NODISCARD int cs_notif_parse_grace(const char *text, int64_t *out_ms);

#endif
