# data/module.mk -- included by the Makefile. server/store.c embeds
# data/schema.sql with .incbin, which the compiler's -MMD cannot see.
$(BUILD)/obj/server/store.o: data/schema.sql
