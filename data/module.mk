# data/module.mk -- included by the Makefile. server/store/sqlite.c embeds
# data/schema.sql with .incbin, which the compiler's -MMD cannot see.
$(BUILD)/obj/server/store/sqlite.o: data/schema.sql
