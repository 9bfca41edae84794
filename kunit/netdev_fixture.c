// SPDX-License-Identifier: GPL-2.0
/*
 * Capture netdevs (after net/mctp/test/utils.c): Ethernet devices without
 * a queue, whose ndo_start_xmit keeps the skb on a list instead of freeing
 * it, so a test can look at exactly what was transmitted, pointers, pages
 * and all, and decide when it is freed. With offloads they take scatter-
 * gather, any checksum and GSO as they are; without, the stack linearizes,
 * checksums and segments for them first.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>

#include "netdev_fixture.h"

struct nblt_capdev {
	struct sk_buff_head q;
};

static netdev_tx_t nblt_capdev_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct nblt_capdev *cap = netdev_priv(dev);

	skb_queue_tail(&cap->q, skb);
	return NETDEV_TX_OK;
}

/* Unregistered: nothing can be transmitted any more, let go of the rest. */
static void nblt_capdev_uninit(struct net_device *dev)
{
	struct nblt_capdev *cap = netdev_priv(dev);

	skb_queue_purge(&cap->q);
}

static const struct net_device_ops nblt_capdev_ops = {
	.ndo_start_xmit = nblt_capdev_xmit,
	.ndo_uninit = nblt_capdev_uninit,
};

static void nblt_capdev_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &nblt_capdev_ops;
	/* noqueue: each skb reaches ndo_start_xmit before dev_queue_xmit returns */
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->tx_queue_len = 0;
	dev->mtu = NBLT_CAPDEV_MTU;
	dev->max_mtu = NBLT_CAPDEV_MTU;
	dev->needs_free_netdev = true;
}

/**
 * nblt_capdev_create() - register a capture device and bring it up
 * @name: its name
 * @offload: whether it takes SG, HW_CSUM and GSO skbs as they are
 *
 * IPv6 is disabled on it before it goes up, so that the stack sends nothing
 * of its own on it (no DAD, router or MLD solicitations): everything it
 * captures comes from the test.
 *
 * Context: process context, RTNL not held.
 * Return: the device, or an ERR_PTR().
 */
struct net_device *nblt_capdev_create(const char *name, bool offload)
{
	struct nblt_capdev *cap;
	struct inet6_dev *idev;
	struct net_device *dev;
	int err;

	dev = alloc_netdev(sizeof(*cap), name, NET_NAME_USER, nblt_capdev_setup);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	cap = netdev_priv(dev);
	skb_queue_head_init(&cap->q);
	eth_hw_addr_random(dev);
	if (offload) {
		dev->features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA |
				NETIF_F_GSO_SOFTWARE;
		dev->hw_features = dev->features;
	}
	err = register_netdev(dev);
	if (err) {
		free_netdev(dev);
		return ERR_PTR(err);
	}

	rtnl_lock();
	idev = __in6_dev_get(dev);
	if (idev)
		WRITE_ONCE(idev->cnf.disable_ipv6, 1);
	err = dev_open(dev, NULL);
	rtnl_unlock();
	if (err) {
		unregister_netdev(dev);
		return ERR_PTR(err);
	}
	return dev;
}

/**
 * nblt_capdev_destroy() - free what a capture device holds and unregister it
 * @dev: the device, from nblt_capdev_create(); freed on return
 *
 * Context: process context, RTNL not held.
 */
void nblt_capdev_destroy(struct net_device *dev)
{
	skb_queue_purge(nblt_capdev_queue(dev));
	unregister_netdev(dev);
}

/**
 * nblt_capdev_queue() - what a capture device has transmitted
 * @dev: the device
 *
 * Return: its list, in transmit order; the test dequeues and frees them.
 */
struct sk_buff_head *nblt_capdev_queue(struct net_device *dev)
{
	struct nblt_capdev *cap = netdev_priv(dev);

	return &cap->q;
}
