libweir_a_SOURCES += src/stick/stick_kw.c src/stick/stick_table.c
noinst_HEADERS += include/weir/stick.h include/weir/stick-t.h
