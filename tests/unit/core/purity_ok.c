/* SPDX-License-Identifier: MIT */
/* The control: the same shape with pure code compiles. */
#include "core/model.h"
#include "core/paylink.h"
#include "core/pure.h"

int pure_in_core(void);

int
pure_in_core(void)
{
	return (int)cs_remote_state_parse("sold");
}
