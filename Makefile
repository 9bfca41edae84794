# SPDX-License-Identifier: GPL-2.0
#
# make                build nblclone.ko against Debian's 6.12 headers
# make KDIR=...       build against any other configured kernel tree
# make install        build, install in /lib/modules/KVER/updates, depmod;
#                     DESTDIR=... or INSTALL_MOD_PATH=... to stage elsewhere
# make dkms-install   register, build and install the DKMS package for the
#                     kernel of KDIR (replacing any installed version)
# make dkms-remove    remove every DKMS version of nblclone
# make dkms-src       stage the DKMS source in DKMS_SRC (/usr/src/nblclone-V)
# make version        print the version that MODULE_VERSION gets
# make demo           build, boot the test VM, mirror live traffic, compare
# make check          builds, style, KUnit in UML and VM scenarios, both series
# make style          checkpatch --strict and kernel-doc
# make sparse         build with sparse (C=2)

KDIR ?= $(shell ls -d /lib/modules/6.12.*+deb12-amd64/build 2>/dev/null | sort -V | tail -n 1)
# The kernel release of KDIR: where install and dkms-install put the module.
KVER = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)

# As module/Kbuild computes it: `git describe`, else "unknown".
ifeq ($(origin NBLC_VERSION),undefined)
NBLC_VERSION := $(shell git -C $(CURDIR) describe --always --dirty --tags \
	2>/dev/null | head -n 1 | tr -cd 'A-Za-z0-9._+~-')
NBLC_VERSION := $(or $(NBLC_VERSION),unknown)
endif

INSTALL_MOD_DIR ?= updates
MOD_ROOT = $(DESTDIR)$(INSTALL_MOD_PATH)
DKMS_SRC ?= /usr/src/nblclone-$(NBLC_VERSION)

all: module

module:
	@test -n "$(KDIR)" || { echo "no 6.12 headers: run scripts/setup.sh or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

# Debian's headers cannot sign (no key): CONFIG_MODULE_SIG_ALL= keeps
# modules_install from trying. Its own depmod needs System.map, which
# headers lack, so depmod runs here.
install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		$(if $(MOD_ROOT),INSTALL_MOD_PATH=$(MOD_ROOT)) CONFIG_MODULE_SIG_ALL= \
		modules_install
	depmod $(if $(MOD_ROOT),-b $(MOD_ROOT)) $(KVER)

# The DKMS source tree: dkms.conf with its version, module/ sources only.
dkms-src:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)/module
	cp $(filter-out %.mod.c,$(wildcard module/*.c)) $(wildcard module/*.h) \
		module/Kbuild module/compat.mk $(DKMS_SRC)/module/
	echo $(NBLC_VERSION) >$(DKMS_SRC)/module/VERSION
	sed 's/@NBLC_VERSION@/$(NBLC_VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf

# Every version DKMS knows (`nblclone/V, KVER, ARCH: installed` or
# `nblclone/V: added`), with its source in /usr/src.
define dkms_remove_all
	@for v in $$(dkms status nblclone 2>/dev/null | \
		sed -n 's|^nblclone/\([^,:]*\)[,:].*|\1|p' | sort -u); do \
		echo "dkms remove nblclone/$$v --all"; \
		dkms remove nblclone/$$v --all >/dev/null || exit 1; \
		rm -rf /usr/src/nblclone-$$v; \
	done
endef

dkms-install:
	@test -n "$(KVER)" || { echo "no kernel release in KDIR=$(KDIR)" >&2; exit 1; }
	$(dkms_remove_all)
	$(MAKE) --no-print-directory dkms-src NBLC_VERSION=$(NBLC_VERSION) \
		DKMS_SRC=/usr/src/nblclone-$(NBLC_VERSION)
	dkms add nblclone/$(NBLC_VERSION)
	dkms build nblclone/$(NBLC_VERSION) -k $(KVER)
	dkms install nblclone/$(NBLC_VERSION) -k $(KVER)
	modinfo -k $(KVER) nblclone

dkms-remove:
	$(dkms_remove_all)

version:
	@echo $(NBLC_VERSION)

clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean

demo:
	scripts/demo.sh

check:
	scripts/check.sh

kunit:
	scripts/kunit.sh

style:
	scripts/style.sh

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 C=2 modules

vm-test:
	scripts/vm-test.sh

.PHONY: all module install dkms-src dkms-install dkms-remove version clean \
	demo check kunit vm-test style sparse
