# mk/install.mk -- included by the Makefile: make install / make uninstall.
#
#   make install [PREFIX=/usr/local] [DESTDIR=/tmp/stage] [SYSCONFDIR=/etc]
#
#   $(PREFIX)/sbin/ticketd
#   $(PREFIX)/bin/kiosk ticketctl ticket-audit ticket-bench
#   $(PREFIX)/share/ticketd/   schema.sql demo.sql demo.pg.sql staff.example (ticketd
#                              finds demo.sql there: ../share/ticketd next
#                              to its own sbin/)
#   $(PREFIX)/share/man/man1, man8
#   $(UNITDIR)                 ticketd.service ticketd@.service kiosk@.service,
#                              with the paths of this PREFIX and SYSCONFDIR
#   $(SYSUSERSDIR)/ticketd.conf  the service user, for systemd-sysusers
#   $(SYSCONFDIR)/ticketd/     ticketd.conf kiosk.conf, only when absent:
#                              an administrator's edits survive a reinstall,
#                              and make uninstall leaves them (like a
#                              package's conffiles before a purge)
#
# Nothing is built as root: run `make` first, then `sudo make install`.

PREFIX      ?= /usr/local
SYSCONFDIR  ?= /etc
BINDIR      ?= $(PREFIX)/bin
SBINDIR     ?= $(PREFIX)/sbin
DATADIR     ?= $(PREFIX)/share/ticketd
MANDIR      ?= $(PREFIX)/share/man
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
INSTALL     ?= install

INST_BINS  := kiosk ticketctl ticket-audit ticket-bench
INST_DATA  := data/schema.sql data/demo.sql data/demo.pg.sql data/staff.example
INST_MAN1  := man/kiosk.1 man/ticketctl.1 man/ticket-audit.1 man/ticket-bench.1
INST_MAN8  := man/ticketd.8
INST_UNITS := ticketd.service ticketd@.service kiosk@.service
INST_CONF  := etc/ticketd.conf etc/kiosk.conf

.PHONY: install uninstall

# The units name the installed paths; @VAR@ is filled in here.
UNIT_SED := -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
            -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'

install: all
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(SYSCONFDIR)/ticketd
	$(INSTALL) -m 0755 $(BIN)/ticketd $(DESTDIR)$(SBINDIR)/ticketd
	$(INSTALL) -m 0755 $(addprefix $(BIN)/,$(INST_BINS)) $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 0644 $(INST_DATA) $(DESTDIR)$(DATADIR)
	$(INSTALL) -m 0644 $(INST_MAN1) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 0644 $(INST_MAN8) $(DESTDIR)$(MANDIR)/man8
	for u in $(INST_UNITS); do \
	    sed $(UNIT_SED) systemd/$$u.in > $(DESTDIR)$(UNITDIR)/$$u && \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	$(INSTALL) -m 0644 systemd/sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/ticketd.conf
	for f in $(INST_CONF); do t=$(DESTDIR)$(SYSCONFDIR)/ticketd/$$(basename $$f); \
	    [ -e $$t ] || $(INSTALL) -m 0644 $$f $$t || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ticketd $(addprefix $(DESTDIR)$(BINDIR)/,$(INST_BINS))
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/,$(notdir $(INST_DATA)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(INST_MAN1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(INST_MAN8)))
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(INST_UNITS)) $(DESTDIR)$(SYSUSERSDIR)/ticketd.conf
	rmdir $(DESTDIR)$(DATADIR) 2>/dev/null || true
	@echo "uninstall: $(SYSCONFDIR)/ticketd and /var/lib/ticketd are left in place"
