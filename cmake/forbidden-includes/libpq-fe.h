/* Placed first on cs_core's include path by src/core/CMakeLists.txt. */
#error "src/core may not include libpq-fe.h (docs/ARCHITECTURE.md)"
