# Unit test suites (Check): one program per source file or module.
# Each module lists its suites in tests/unit/<module>.mk.
include tests/unit/cfg.mk
include tests/unit/acl.mk
include tests/unit/log.mk
include tests/unit/stick.mk
include tests/unit/check.mk
include tests/unit/proxy.mk
EXTRA_DIST += tests/unit/check_main.h
include tests/unit/shm.mk
include tests/unit/stats_rt.mk
include tests/unit/checker.mk
include tests/unit/lb_rt.mk
include tests/unit/log_rt.mk
include tests/unit/daemon.mk
include tests/unit/http.mk
include tests/unit/http_act.mk
include tests/unit/http_reply.mk
include tests/unit/stats_html.mk
