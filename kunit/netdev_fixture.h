/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture netdevs for the suites: Ethernet devices whose transmit keeps
 * every skb it is given, in order, for the test to look at and free.
 */
#ifndef _NBLCLONE_TEST_NETDEV_FIXTURE_H
#define _NBLCLONE_TEST_NETDEV_FIXTURE_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>

/* MTU of a capture device: any frame the tests send fits. */
#define NBLT_CAPDEV_MTU		ETH_MAX_MTU

struct net_device *nblt_capdev_create(const char *name, bool offload);
void nblt_capdev_destroy(struct net_device *dev);
struct sk_buff_head *nblt_capdev_queue(struct net_device *dev);

#endif /* _NBLCLONE_TEST_NETDEV_FIXTURE_H */
