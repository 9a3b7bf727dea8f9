/* Placed first on cs_core's include path by src/core/CMakeLists.txt. */
#error "src/core may not include microhttpd.h (docs/ARCHITECTURE.md)"
