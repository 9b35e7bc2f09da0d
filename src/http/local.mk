# src/http: the HTTP message model and the HTTP/1 wire format (see its README)
noinst_HEADERS += include/weir/http-t.h
