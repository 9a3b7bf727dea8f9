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
