# SPDX-License-Identifier: GPL-2.0
#
# Flags shared by the module and its test module: compatibility probed from
# the target's headers (see compat.h), and the fault-injection switch.

nblc_h := $(srctree)/include
ccflags-y += $(shell test -e $(nblc_h)/linux/skbuff_ref.h && echo -DHAVE_SKBUFF_REF_H)
ccflags-y += $(shell test -e $(nblc_h)/net/gso.h && echo -DHAVE_NET_GSO_H)
ccflags-y += $(shell test -e $(nblc_h)/net/page_pool/helpers.h && echo -DHAVE_PAGE_POOL_HELPERS_H)
ccflags-y += $(shell grep -qw skb_frags_readable $(nblc_h)/linux/skbuff.h && echo -DHAVE_SKB_FRAGS_READABLE)
ccflags-y += $(shell grep -qw skb_frag_fill_page_desc $(nblc_h)/linux/skbuff.h && echo -DHAVE_SKB_FRAG_FILL_PAGE_DESC)
ccflags-y += $(shell grep -q "struct ubuf_info_ops" $(nblc_h)/linux/skbuff.h && echo -DHAVE_UBUF_INFO_OPS)
ccflags-y += $(shell grep -qF "MODULE_INFO(import_ns, ns)" $(nblc_h)/linux/module.h && echo -DHAVE_MODULE_IMPORT_NS_STRING)
ccflags-y += $(shell grep -q "generate_params..struct kunit" $(nblc_h)/kunit/test.h && echo -DHAVE_KUNIT_GEN_PARAMS_TEST)

# Fault injection knobs (debugfs): on unless NBLC_FAULT_INJECTION=n.
NBLC_FAULT_INJECTION ?= y
ccflags-$(NBLC_FAULT_INJECTION) += -DNBLC_FAULT_INJECTION
