/* SPDX-License-Identifier: MIT */
/* Which sync runs' owners an instance may declare dead at start. */
#include "test.h"

#include <stdio.h>
#include <unistd.h>

#include "service/sync.h"

/* A pid no process has: above any pid_max Linux allows (2^22). */
#define NO_SUCH_PID "4194305"

CS_TEST(service_owner__who_is_dead)
{
	char self[64], parent[64];

	snprintf(self, sizeof(self), "serve@host-a:%ld", (long)getpid());
	snprintf(parent, sizeof(parent), "serve@host-a:%ld", (long)getppid());
	/* Its own name: an earlier process under it. */
	ASSERT_TRUE(cs_sync_owner_dead("instance-a", "instance-a"));
	ASSERT_TRUE(cs_sync_owner_dead(self, self));
	/* Another name, not of this host's form: may be alive. */
	ASSERT_FALSE(cs_sync_owner_dead("instance-b", "instance-a"));
	ASSERT_FALSE(cs_sync_owner_dead("cli", self));
	/* This host, a pid that runs nothing: dead; a live one: alive. */
	ASSERT_TRUE(cs_sync_owner_dead("serve@host-a:" NO_SUCH_PID, self));
	ASSERT_FALSE(cs_sync_owner_dead(parent, self));
	/* Another host: never judged from here. */
	ASSERT_FALSE(cs_sync_owner_dead("serve@host-b:" NO_SUCH_PID, self));
	/* Not parsed: a cut or odd name. */
	ASSERT_FALSE(cs_sync_owner_dead("serve@host-a:", self));
	ASSERT_FALSE(cs_sync_owner_dead("serve@host-a:12x", self));
	ASSERT_FALSE(cs_sync_owner_dead(NULL, self));
}

/* Which runs a sync about to be refused may take over at once: only an
 * owner of this host whose process is gone. */
CS_TEST(service_owner__gone_is_this_host_and_no_process)
{
	char self[64], host[64], owner[96];

	cs_sync_owner_name(self, sizeof(self), "cli");
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	snprintf(owner, sizeof(owner), "cli@%.40s:%ld", host, (long)getpid());
	ASSERT_STR_EQ(self, owner);
	/* Ourselves, a live parent: alive. */
	ASSERT_FALSE(cs_sync_owner_gone(self));
	snprintf(
	    owner, sizeof(owner), "serve@%.40s:%ld", host, (long)getppid());
	ASSERT_FALSE(cs_sync_owner_gone(owner));
	/* This host, no such process: gone, whatever the name. */
	snprintf(owner, sizeof(owner), "serve@%.40s:" NO_SUCH_PID, host);
	ASSERT_TRUE(cs_sync_owner_gone(owner));
	snprintf(owner, sizeof(owner), "cli@%.40s:" NO_SUCH_PID, host);
	ASSERT_TRUE(cs_sync_owner_gone(owner));
	/* Another host, or a name that says no host: never judged here. */
	ASSERT_FALSE(cs_sync_owner_gone("cli@another-host:" NO_SUCH_PID));
	snprintf(owner, sizeof(owner), "cli@%.40sx:" NO_SUCH_PID, host);
	ASSERT_FALSE(cs_sync_owner_gone(owner));
	ASSERT_FALSE(cs_sync_owner_gone("cli"));
	ASSERT_FALSE(cs_sync_owner_gone("instance-a"));
	ASSERT_FALSE(cs_sync_owner_gone(NULL));
	snprintf(owner, sizeof(owner), "cli@%.40s:", host);
	ASSERT_FALSE(cs_sync_owner_gone(owner));
	snprintf(owner, sizeof(owner), "cli@%.40s:12x", host);
	ASSERT_FALSE(cs_sync_owner_gone(owner));
}
