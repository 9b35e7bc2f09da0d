# src/http: the HTTP message model and the HTTP/1 wire format (see its README)
noinst_HEADERS += include/weir/http-t.h include/weir/http.h src/http/h1_int.h
libweir_a_SOURCES += src/http/http_msg.c src/http/h1_chars.c src/http/h1_parse.c \
	src/http/h1_hdrs.c src/http/h1_chunk.c src/http/h1_write.c src/http/http_edit.c
EXTRA_DIST += src/http/README
