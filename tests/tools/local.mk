# tests/tools: programs and checks the integration tests stand on.
# weir-testsrv is the real backend of every integration test (see its
# header); it is a check program, built by `make check`, never installed.
check_PROGRAMS += tests/tools/weir-testsrv
tests_tools_weir_testsrv_SOURCES = tests/tools/weir-testsrv.c
tests_tools_weir_testsrv_LDADD =

TESTS += tests/tools/testsrv-selftest.sh
EXTRA_DIST += tests/tools/testsrv-selftest.sh tests/tools/testsrv-lib.sh
