# src/acl: sample fetches and converters (registries and expression
# parser), patterns and matchers, ACLs and conditions, the `acl` keyword.
libweir_a_SOURCES += src/acl/acl_kw.c src/acl/acl.c src/acl/pattern.c \
	src/acl/sample.c src/acl/sample_args.c src/acl/sample_conv.c \
	src/acl/sample_fetch.c src/acl/smp_rt.c src/acl/smp_fetch_rt.c \
	src/acl/smp_http_rt.c src/acl/smp_conv_rt.c src/acl/acl_rt.c src/acl/pat_index.c \
	src/acl/smp_l6_rt.c
noinst_HEADERS += src/acl/acl-int.h src/acl/smp-rt-int.h include/weir/sample-rt.h include/weir/acl.h include/weir/acl-t.h \
	include/weir/sample.h include/weir/sample-t.h
