/* SPDX-License-Identifier: MIT */
/* Must NOT compile: core may not include an I/O library (see CMake). */
#include "core/model.h"
#include <curl/curl.h>
#include "core/pure.h"
