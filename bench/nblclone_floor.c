// SPDX-License-Identifier: GPL-2.0
/*
 * nblclone_floor: the end-to-end benchmark's floor (scripts/bench-e2e.sh).
 * What mirroring a packet costs with nothing tracked at all: a netdev
 * ingress hook on one source, like nblclone's, sends an skb_clone() of each
 * packet to each target with dev_queue_xmit(), its MAC header pushed and
 * scrubbed as nblclone prepares a child, and forgets it. No parent, no
 * completion, no configuration held, no in-flight budget, no statistics.
 *
 * nblclone's figure minus this one, measured in the same boot, is what
 * tracking its children costs end to end; a peer that tracks nothing
 * (tc mirred) cannot be beaten by more than its own figure minus this one.
 *
 * Not for use outside the benchmark: a target that is itself hooked, or the
 * source, would loop.
 *
 *   insmod nblclone_floor.ko src=DEV targets=DEV[,DEV...]
 *   echo N >/sys/module/nblclone_floor/parameters/fanout
 */
#include <linux/if_arp.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/skbuff.h>
#include <linux/string.h>

#define FLOOR_MAX_TARGETS	8

static char *src;
module_param(src, charp, 0444);
MODULE_PARM_DESC(src, "the source device, hooked at ingress");

static char *targets;
module_param(targets, charp, 0444);
MODULE_PARM_DESC(targets, "the target devices, comma-separated, at most 8");

/* Read once per packet: a change applies from the next one. */
static unsigned int fanout = 1;
module_param(fanout, uint, 0644);
MODULE_PARM_DESC(fanout, "how many of the targets each packet goes to (0-8)");

/* Held from load to unload (dev_get_by_name()). */
static struct net_device *floor_src;
static struct net_device *floor_targets[FLOOR_MAX_TARGETS];
static unsigned int floor_nr_targets;

static void floor_send(struct sk_buff *skb, unsigned int mac_len,
		       struct net_device *dev)
{
	struct sk_buff *c = skb_clone(skb, GFP_ATOMIC);

	if (!c)
		return;
	if (mac_len && dev_is_mac_header_xmit(dev))
		skb_push_rcsum(c, mac_len);
	skb_scrub_packet(c, true);
	c->dev = dev;
	if (!is_skb_forwardable(dev, c)) {
		kfree_skb(c);
		return;
	}
	dev_queue_xmit(c);
}

static unsigned int floor_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	unsigned int i, n = min(READ_ONCE(fanout), floor_nr_targets);
	unsigned int mac_len = 0;

	if (skb_mac_header_was_set(skb) && skb_mac_header(skb) < skb->data)
		mac_len = skb->data - skb_mac_header(skb);
	for (i = 0; i < n; i++)
		floor_send(skb, mac_len, floor_targets[i]);
	return NF_ACCEPT;
}

static struct nf_hook_ops floor_ops = {
	.hook = floor_hook,
	.pf = NFPROTO_NETDEV,
	.hooknum = NF_NETDEV_INGRESS,
	.priority = 0,
};

static void floor_put_devices(void)
{
	while (floor_nr_targets) {
		floor_nr_targets--;
		dev_put(floor_targets[floor_nr_targets]);
	}
	dev_put(floor_src);
	floor_src = NULL;
}

static int floor_get_devices(void)
{
	char *list, *cur, *name;
	int err = 0;

	floor_src = dev_get_by_name(&init_net, src);
	if (!floor_src)
		return -ENODEV;
	list = kstrdup(targets, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((name = strsep(&cur, ",")) != NULL) {
		struct net_device *dev;

		if (floor_nr_targets == FLOOR_MAX_TARGETS) {
			err = -E2BIG;
			break;
		}
		dev = dev_get_by_name(&init_net, name);
		if (!dev || dev == floor_src) {
			dev_put(dev);
			err = -ENODEV;
			break;
		}
		floor_targets[floor_nr_targets++] = dev;
	}
	kfree(list);
	return err;
}

static int __init floor_init(void)
{
	int err;

	if (!src || !targets) {
		pr_err("src= and targets= are required\n");
		return -EINVAL;
	}
	err = floor_get_devices();
	if (err)
		goto err_put;
	floor_ops.dev = floor_src;
	err = nf_register_net_hook(&init_net, &floor_ops);
	if (err)
		goto err_put;
	return 0;

err_put:
	pr_err("src=%s targets=%s: %d\n", src, targets, err);
	floor_put_devices();
	return err;
}

static void __exit floor_exit(void)
{
	nf_unregister_net_hook(&init_net, &floor_ops);
	/* No hook runs any more: the devices can go. */
	synchronize_net();
	floor_put_devices();
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_DESCRIPTION("nblclone benchmark: mirroring with nothing tracked");
MODULE_LICENSE("GPL");
