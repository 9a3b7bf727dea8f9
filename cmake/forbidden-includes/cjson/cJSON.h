/* Placed first on cs_core's include path by src/core/CMakeLists.txt. */
#error "src/core may not include cjson/cJSON.h (docs/ARCHITECTURE.md)"
