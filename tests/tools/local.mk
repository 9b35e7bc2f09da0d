# tests/tools: programs and checks the integration tests stand on.
# weir-testsrv is the real backend of every integration test (see its
# header); it is a check program, built by `make check`, never installed.
check_PROGRAMS += tests/tools/weir-testsrv
tests_tools_weir_testsrv_SOURCES = tests/tools/weir-testsrv.c
tests_tools_weir_testsrv_LDADD =

TESTS += tests/tools/testsrv-selftest.sh
EXTRA_DIST += tests/tools/testsrv-selftest.sh tests/tools/testsrv-lib.sh

# packaging/: checked here (unit, init script, install, default config),
# shipped in the tarball so a release can be packaged.
TESTS += tests/tools/packaging.sh
EXTRA_DIST += tests/tools/packaging.sh \
	packaging/systemd/weir.service packaging/init.d/weir \
	packaging/logrotate/weir packaging/rsyslog/49-weir.conf \
	packaging/default/weir packaging/weir.cfg \
	packaging/rpm/weir.spec packaging/debian/control \
	packaging/debian/rules packaging/debian/changelog \
	packaging/debian/copyright packaging/debian/weir.install \
	packaging/debian/postinst packaging/debian/postrm \
	packaging/debian/source/format
