# ecr-wizard - GNU Makefile.  `make`, `make check`, `make lint`, `make SAN=1`,
# `make install PREFIX=... DESTDIR=...`, `make fuzz`, `make bench`, `make demo`,
# `make screenshots`, `make unit`, `make integration`.  `V=1` shows the
# commands.  docs/architecture.md describes the tree.
#
# Missing Debian packages are installed by tests/tools/deps.sh the first time a
# build needs them (apt-get as root, sudo otherwise).

PROG     = ecr-wizard
VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man/man1
CC      ?= cc
# Where the official SigV4 vectors live (read in place, never copied).
SIGV4_SUITE ?= $(abspath ../shared/aws-sigv4-testsuite)
FUZZ_SECONDS ?= 30

CORE_PKGS = libcurl libcrypto libcjson expat libgit2 inih yaml-0.1 libsodium
TUI_PKGS  = ncursesw panelw formw menuw
TEST_PKGS = cmocka

WARNINGS = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wvla
ifeq ($(SAN),1)
BUILD    = build/san
OPT      = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	   -fno-sanitize-recover=undefined
SANFLAGS = -fsanitize=address,undefined
else
BUILD    = build/release
OPT      = -O2 -g
SANFLAGS =
endif
ifneq ($(CI),)
WARNINGS += -Werror
endif

CFLAGS  ?= $(OPT)
# The layers of core/, lowest first (docs/architecture.md); `make lint`
# checks that no layer includes a header of a layer above it.  core/demo
# is its own archive, linked only by the programs and the tests.
CORE_DIRS = core/base core/aws core/aws/credentials core/setup core/check \
	    core/engine core/engine/steps core/troubleshoot
DEMO_DIR  = core/demo
# core/app (the bootstrap every front-end starts with) is the one core
# folder above the demo; it goes in the same archive, so linking it pulls
# in the demo it may start, whatever the order of the archives' members.
APP_DIR   = core/app
TUI_DIRS  = tui tui/cli tui/wizard
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	    -DEW_VERSION='"$(VERSION)"' $(addprefix -I,$(CORE_DIRS) $(DEMO_DIR) $(APP_DIR))
TUI_INC   = $(addprefix -I,$(TUI_DIRS))
LDLIBS_SYS = -lpthread -lm

ifeq ($(V),1)
Q =
msg = @true
else
Q = @
msg = @printf '  %-8s %s\n'
endif

# pkg-config results, computed once per build dir after deps are installed.
NODEPS_GOALS = clean lint format
ifeq ($(filter-out $(NODEPS_GOALS),$(MAKECMDGOALS)),)
ifneq ($(MAKECMDGOALS),)
SKIP_CONFIG = 1
endif
endif
ifneq ($(SKIP_CONFIG),1)
-include $(BUILD)/config.mk
endif

$(BUILD)/config.mk: tests/tools/deps.sh Makefile
	$(Q)mkdir -p $(@D)
	$(Q)sh tests/tools/deps.sh build
	$(Q){ echo "CORE_CFLAGS = $$(pkg-config --cflags $(CORE_PKGS))"; \
	     echo "CORE_LIBS = $$(pkg-config --libs $(CORE_PKGS))"; \
	     echo "TUI_CFLAGS = $$(pkg-config --cflags $(TUI_PKGS))"; \
	     echo "TUI_LIBS = $$(pkg-config --libs $(TUI_PKGS))"; \
	     echo "TEST_CFLAGS = $$(pkg-config --cflags $(TEST_PKGS))"; \
	     echo "TEST_LIBS = $$(pkg-config --libs $(TEST_PKGS))"; } > $@.tmp
	$(Q)mv $@.tmp $@

ALL_CFLAGS = $(WARNINGS) $(CFLAGS) $(SANFLAGS) -MMD -MP

# ---------------------------------------------------------------- sources
CORE_SRC  = $(sort $(foreach d,$(CORE_DIRS),$(wildcard $(d)/*.c)))
DEMO_SRC  = $(sort $(wildcard $(DEMO_DIR)/*.c $(APP_DIR)/*.c))
TUI_SRC   = $(sort $(foreach d,$(TUI_DIRS),$(wildcard $(d)/*.c)))
TEMPLATES = $(sort $(filter-out templates/embed.c,$(wildcard templates/*)))
UNIT_SRC  = $(sort $(wildcard tests/unit/test_*.c))
INTEG_SRC = $(sort $(wildcard tests/integration/test_*.c))
FUZZ_SRC  = $(sort $(wildcard tests/fuzz/fuzz_*.c))

CORE_OBJ  = $(CORE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/templates_data.o
DEMO_OBJ  = $(DEMO_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ   = $(TUI_SRC:%.c=$(BUILD)/%.o)
TUI_TOBJ  = $(TUI_SRC:%.c=$(BUILD)/test-hooks/%.o)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
INTEG_BIN = $(INTEG_SRC:tests/integration/%.c=$(BUILD)/tests/%)
LIBCORE   = $(BUILD)/libcore.a
LIBDEMO   = $(BUILD)/libdemo.a
BIN       = $(BUILD)/$(PROG)
# The test build: same screens, plus the key-script and screen-dump hooks.
TBIN      = $(BUILD)/$(PROG)-test

.PHONY: all check test unit integration lint format clean install demo \
	fuzz bench screenshots deps test-deps
.DEFAULT_GOAL := all

all: $(PROG)

$(PROG): $(BIN)
	$(Q)cp $(BIN) $@.tmp && mv -f $@.tmp $@

$(BUILD)/core/%.o: core/%.c $(BUILD)/config.mk
	$(msg) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CORE_CFLAGS) -c -o $@ $<

$(BUILD)/tui/%.o: tui/%.c $(BUILD)/config.mk
	$(msg) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(TUI_INC) $(ALL_CFLAGS) $(CORE_CFLAGS) \
		$(TUI_CFLAGS) -c -o $@ $<

$(BUILD)/test-hooks/tui/%.o: tui/%.c $(BUILD)/config.mk
	$(msg) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(TUI_INC) -DEW_TEST_HOOKS $(ALL_CFLAGS) $(CORE_CFLAGS) \
		$(TUI_CFLAGS) -c -o $@ $<

$(BUILD)/embed: templates/embed.c
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O1 -o $@ $<

$(BUILD)/gen/templates_data.c: $(BUILD)/embed $(TEMPLATES)
	$(msg) EMBED $@
	$(Q)mkdir -p $(@D)
	$(Q)$(BUILD)/embed $@ $(TEMPLATES)

$(BUILD)/gen/templates_data.o: $(BUILD)/gen/templates_data.c
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBCORE): $(CORE_OBJ)
	$(msg) AR $@
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(LIBDEMO): $(DEMO_OBJ)
	$(msg) AR $@
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

# The programs open libcurl and libgit2 with dlopen() on first use
# (core/aws/lazy_curl.h, core/setup/lazy_git.h): linking them would make the loader
# map some thirty libraries before the first frame.  --as-needed drops any
# other library nothing calls.  Test programs link everything.
BIN_LIBS = -Wl,--as-needed $(TUI_LIBS) \
	   $(filter-out -lcurl -lgit2,$(CORE_LIBS)) $(LDLIBS_SYS)

$(BIN): $(TUI_OBJ) $(LIBDEMO) $(LIBCORE)
	$(msg) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(TUI_OBJ) $(LIBDEMO) $(LIBCORE) $(BIN_LIBS)

$(TBIN): $(TUI_TOBJ) $(LIBDEMO) $(LIBCORE)
	$(msg) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(TUI_TOBJ) $(LIBDEMO) $(LIBCORE) $(BIN_LIBS)

# Tests link core without curses: a curses call in core fails to link.
$(BUILD)/tests/%: tests/unit/%.c $(LIBDEMO) $(LIBCORE)
	$(msg) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) $(CORE_CFLAGS) \
		$(TEST_CFLAGS) -o $@ $< $(LIBDEMO) $(LIBCORE) $(CORE_LIBS) \
		$(TEST_LIBS) $(LDLIBS_SYS)

$(BUILD)/tests/%: tests/integration/%.c $(LIBDEMO) $(LIBCORE)
	$(msg) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) $(CORE_CFLAGS) \
		$(TEST_CFLAGS) -o $@ $< $(LIBDEMO) $(LIBCORE) $(CORE_LIBS) \
		$(TEST_LIBS) $(LDLIBS_SYS)

# ---------------------------------------------------------------- tests
# The runner prints one closing line: "check: N passed, N failed".
check: test-deps $(BIN) $(TBIN) $(UNIT_BIN) $(INTEG_BIN)
	$(Q)EW_BUILD=$(BUILD) EW_BIN=$(abspath $(BIN)) EW_TBIN=$(abspath $(TBIN)) \
	  EW_SIGV4_SUITE=$(SIGV4_SUITE) SAN=$(SAN) \
	  sh tests/tools/runtests.sh $(UNIT_BIN) $(INTEG_BIN) \
	  $(sort $(wildcard tests/cli/*.sh))

test-deps:
	$(Q)sh tests/tools/deps.sh test
	$(Q)sh tests/tools/check-moto.sh

# The cmocka programs alone: `make unit` (core, no network; test_lazy_libs
# also looks at the two programs, so they are built) and `make integration`
# (against one moto server that the runner starts).  Same runner and
# variables as `check`.
TEST_ENV = EW_BUILD=$(BUILD) EW_BIN=$(abspath $(BIN)) EW_TBIN=$(abspath $(TBIN)) \
	   EW_SIGV4_SUITE=$(SIGV4_SUITE) SAN=$(SAN)

unit: test-deps $(BIN) $(TBIN) $(UNIT_BIN)
	$(Q)$(TEST_ENV) sh tests/tools/runtests.sh $(UNIT_BIN)

integration: test-deps $(INTEG_BIN)
	$(Q)$(TEST_ENV) sh tests/tools/runtests.sh $(INTEG_BIN)

test: check

# ---------------------------------------------------------------- lint
LINT_FILES = $(wildcard $(addsuffix /*.[ch],$(CORE_DIRS) $(DEMO_DIR) $(APP_DIR) \
	     $(TUI_DIRS)) templates/*.c tests/unit/*.c tests/integration/*.c \
	     tests/fuzz/*.c tests/*.h)
BANNED = '\<(sprintf|vsprintf|strcpy|strcat|strncat|strtok|atoi|atol|gets)[[:space:]]*\('

lint:
	$(Q)command -v clang-format >/dev/null || sh tests/tools/deps.sh fuzz
	$(Q)clang-format --dry-run --Werror $(LINT_FILES)
	$(Q)if grep -nE $(BANNED) $(LINT_FILES); then \
	  echo "lint: banned function (use ew_buf_printf/snprintf/strtol)"; \
	  exit 1; fi
	$(Q)if grep -rnE '#include *[<"](n?curses|panel|form|menu)\.h' core; then \
	  echo "lint: core/ must not include curses"; exit 1; fi
	$(Q)sh tests/tools/layers.sh
	@echo "lint: ok"

format:
	clang-format -i $(LINT_FILES)

# ---------------------------------------------------------------- misc
demo: $(PROG)
	./$(PROG) --demo

install: $(PROG)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 0755 $(PROG) $(DESTDIR)$(BINDIR)/$(PROG)
	install -m 0644 tui/$(PROG).1 $(DESTDIR)$(MANDIR)/$(PROG).1

clean:
	rm -rf build $(PROG) tests/.out

FUZZ_BUILD = build/fuzz
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
$(FUZZ_BUILD)/%: tests/fuzz/%.c $(CORE_SRC) $(DEMO_SRC) $(BUILD)/gen/templates_data.c
	$(Q)mkdir -p $(@D)
	$(msg) FUZZ $@
	$(Q)clang $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
		$(CORE_CFLAGS) -o $@ $< $(CORE_SRC) $(DEMO_SRC) \
		$(BUILD)/gen/templates_data.c \
		$(CORE_LIBS) $(LDLIBS_SYS)

fuzz:
	$(Q)sh tests/tools/deps.sh fuzz
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/tools/fuzz.sh $(FUZZ_BIN)

fuzz-build: $(FUZZ_BIN)

bench: $(PROG) $(TBIN)
	$(Q)sh tests/tools/check-moto.sh
	$(Q)EW_BIN=$(abspath $(PROG)) EW_TBIN=$(abspath $(TBIN)) sh bench/run.sh
	$(Q)EW_BIN=$(abspath $(PROG)) sh bench/first_frame.sh

screenshots: $(TBIN) $(PROG)
	$(Q)sh tests/tools/deps.sh screenshots
	$(Q)EW_BIN=$(abspath $(TBIN)) sh tests/tools/screenshots.sh

-include $(shell find $(BUILD) -name "*.d" 2>/dev/null)
