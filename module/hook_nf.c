// SPDX-License-Identifier: GPL-2.0
/*
 * Where packets are caught: netfilter netdev hooks (ingress, egress) on a
 * session's source device, in the source's network namespace. The original
 * packet always goes on unchanged.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/rtnetlink.h>

#include "mirror.h"

/* Early, so that later hooks that drop or mangle the packet can't hide it. */
#define NBLC_HOOK_PRIORITY	(-500)

static unsigned int nblc_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	nblc_mirror(priv, skb);
	return NF_ACCEPT;
}

static const unsigned int nblc_hooknums[] = {
	NF_NETDEV_INGRESS, NF_NETDEV_EGRESS,
};

/**
 * nblc_hooks_register() - hook a session on its source
 * @s: the session, with a source and no hooks registered
 * @direction: which hooks, an enum nblc_direction
 *
 * Context: RTNL.
 * Return: 0 or an errno from nf_register_net_hook(); on error no hook is
 * left registered.
 */
int nblc_hooks_register(struct nblc_session *s, u8 direction)
{
	unsigned int i;
	int err;

	ASSERT_RTNL();
	for (i = 0; i < ARRAY_SIZE(nblc_hooknums); i++) {
		struct nf_hook_ops *ops = &s->hooks[s->nr_hooks];

		if (!(direction & BIT(i)))
			continue;
		*ops = (struct nf_hook_ops) {
			.hook = nblc_hook,
			.pf = NFPROTO_NETDEV,
			.hooknum = nblc_hooknums[i],
			.priority = NBLC_HOOK_PRIORITY,
			.dev = s->source,
			.priv = s,
		};
		err = nf_register_net_hook(s->net, ops);
		if (err) {
			nblc_hooks_unregister(s);
			return err;
		}
		s->nr_hooks++;
	}
	return 0;
}

/**
 * nblc_hooks_unregister() - take a session off its source
 * @s: the session
 *
 * A hook may still be running on another CPU until synchronize_net().
 *
 * Context: RTNL.
 */
void nblc_hooks_unregister(struct nblc_session *s)
{
	ASSERT_RTNL();
	while (s->nr_hooks)
		nf_unregister_net_hook(s->net, &s->hooks[--s->nr_hooks]);
}
