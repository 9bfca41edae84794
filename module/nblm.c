// SPDX-License-Identifier: GPL-2.0
/*
 * nblm interfaces: Ethernet sinks for mirrored packets. Everything sent to
 * one is counted in its tx statistics (ip -s link), shown to packet taps
 * (tcpdump -i nblm0 sees it, as dev_queue_xmit() hands it to them first),
 * and freed. They have no rtnl_link_ops: only nblclone creates and
 * deletes them; they die with their network namespace, and nblclone's exit
 * deletes those left.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "nblclone.h"
#include "nblm.h"

#define NBLM_MAX_INDEX	255

static int nblm_dev_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void nblm_dev_uninit(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static netdev_tx_t nblm_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_sw_netstats_tx_add(dev, 1, skb->len);
	consume_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops nblm_netdev_ops = {
	.ndo_init = nblm_dev_init,
	.ndo_uninit = nblm_dev_uninit,
	.ndo_start_xmit = nblm_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

#define NBLM_OFFLOADS	(NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HW_CSUM | \
			 NETIF_F_HIGHDMA | NETIF_F_GSO_SOFTWARE)

static void nblm_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &nblm_netdev_ops;
	dev->needs_free_netdev = true;
	dev->flags |= IFF_NOARP;
	dev->flags &= ~IFF_MULTICAST;
	dev->priv_flags |= IFF_NO_QUEUE;
	/*
	 * A sink takes any skb as it is: nothing is segmented, checksummed or
	 * linearized for it, and a VLAN tag stays out of band (pushing it in
	 * would copy a shared head), also for tagged frames (vlan_features).
	 */
	dev->vlan_features = NBLM_OFFLOADS;
	dev->features |= NBLM_OFFLOADS | NETIF_F_HW_VLAN_CTAG_TX |
			 NETIF_F_HW_VLAN_STAG_TX;
	dev->hw_features |= dev->features;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	eth_hw_addr_random(dev);
}

/**
 * nblm_name_valid() - whether a name is one an nblm interface may have
 * @name: "nblmN", N a decimal from 0 to 255 without leading zeros
 *
 * Return: true if it is.
 */
bool nblm_name_valid(const char *name)
{
	u32 n;

	if (strncmp(name, "nblm", 4) || (name[4] == '0' && name[5]))
		return false;
	return !nblc_parse_u32(name + 4, false, &n) && n <= NBLM_MAX_INDEX;
}

/**
 * nblm_new() - create an nblm interface, down
 * @net: the network namespace to create it in
 * @name: its name, checked by nblm_name_valid()
 *
 * Context: RTNL.
 * Return: 0, -EEXIST, or -ENOMEM.
 */
int nblm_new(struct net *net, const char *name)
{
	struct net_device *dev;
	int err;

	ASSERT_RTNL();
	if (__dev_get_by_name(net, name))
		return -EEXIST;
	dev = alloc_netdev(0, name, NET_NAME_USER, nblm_setup);
	if (!dev)
		return -ENOMEM;
	dev_net_set(dev, net);
	err = register_netdevice(dev);
	if (err)
		free_netdev(dev);
	return err;
}

/**
 * nblm_del() - delete an nblm interface
 * @net: the network namespace to look for it in
 * @name: its name
 *
 * Context: RTNL.
 * Return: 0, or -ENODEV when there is no such nblm interface.
 */
int nblm_del(struct net *net, const char *name)
{
	struct net_device *dev = __dev_get_by_name(net, name);

	ASSERT_RTNL();
	if (!dev || dev->netdev_ops != &nblm_netdev_ops)
		return -ENODEV;
	unregister_netdevice(dev);
	return 0;
}

/*
 * Without rtnl_link_ops, a dying namespace would push its nblm interfaces
 * to the initial one, renamed devN where their name is taken, and no
 * del_nblm could name them there: they die with it instead. Unregistering
 * these operations runs this for every namespace: nblm_exit() relies on it.
 */
static void __net_exit nblm_net_exit_batch(struct list_head *net_list)
{
	struct net_device *dev;
	struct net *net;
	LIST_HEAD(kill);

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list) {
		for_each_netdev(net, dev)
			if (dev->netdev_ops == &nblm_netdev_ops)
				unregister_netdevice_queue(dev, &kill);
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

/*
 * Device operations, registered after the core's: they run before
 * default_device_exit_batch() would move the interfaces.
 */
static struct pernet_operations nblm_net_ops = {
	.exit_batch = nblm_net_exit_batch,
};

/**
 * nblm_init() - let nblm interfaces die with their network namespace
 *
 * Return: 0, or a negative errno.
 */
int nblm_init(void)
{
	return register_pernet_device(&nblm_net_ops);
}

/**
 * nblm_exit() - delete every nblm interface, in whatever namespace
 */
void nblm_exit(void)
{
	unregister_pernet_device(&nblm_net_ops);
}
