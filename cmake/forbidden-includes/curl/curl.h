/* Placed first on cs_core's include path by src/core/CMakeLists.txt. */
#error "src/core may not include curl/curl.h (docs/ARCHITECTURE.md)"
