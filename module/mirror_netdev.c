// SPDX-License-Identifier: GPL-2.0
/*
 * Device and namespace events for mirror sessions: a device that is
 * unregistered or leaves its namespace (both send NETDEV_UNREGISTER) is
 * dropped as a source or target, a renamed one keeps its place under its
 * new name; a namespace that goes takes its sessions.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>

#include "mirror.h"

static int nblc_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_UNREGISTER)
		nblc_mirror_netdev_gone(dev);
	else if (event == NETDEV_CHANGENAME)
		nblc_mirror_netdev_renamed(dev);
	return NOTIFY_DONE;
}

static struct notifier_block nblc_netdev_notifier = {
	.notifier_call = nblc_netdev_event,
};

static void __net_exit nblc_net_pre_exit(struct net *net)
{
	rtnl_lock();
	nblc_mirror_net_gone(net);
	rtnl_unlock();
}

static struct pernet_operations nblc_net_ops = {
	.pre_exit = nblc_net_pre_exit,
};

/**
 * nblc_mirror_netdev_init() - start following devices and namespaces
 *
 * Return: 0 or an errno.
 */
int nblc_mirror_netdev_init(void)
{
	int err = register_pernet_subsys(&nblc_net_ops);

	if (err)
		return err;
	err = register_netdevice_notifier(&nblc_netdev_notifier);
	if (err)
		unregister_pernet_subsys(&nblc_net_ops);
	return err;
}

/**
 * nblc_mirror_netdev_exit() - stop following them, once no session is left
 */
void nblc_mirror_netdev_exit(void)
{
	unregister_netdevice_notifier(&nblc_netdev_notifier);
	unregister_pernet_subsys(&nblc_net_ops);
}
