# SPDX-License-Identifier: GPL-2.0
#
# make                build nblclone.ko against Debian's 6.12 headers
# make KDIR=...       build against any other configured kernel tree
# make demo           build, boot the test VM, mirror live traffic, compare
# make check          builds, style, KUnit in UML and VM scenarios, both series
# make style          checkpatch --strict and kernel-doc
# make sparse         build with sparse (C=2)

KDIR ?= $(shell ls -d /lib/modules/6.12.*+deb12-amd64/build 2>/dev/null | sort -V | tail -n 1)

all: module

module:
	@test -n "$(KDIR)" || { echo "no 6.12 headers: run scripts/setup.sh or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

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

.PHONY: all module clean demo check kunit vm-test style sparse
