/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mirror sessions: packets caught on a source device are cloned, through
 * the nbl shim, to each of the session's targets.
 *
 * Locking. The configuration (the session list, each session's source,
 * hooks, targets and its published struct nblc_cfg) changes only under
 * RTNL: sysfs stores take it with rtnl_trylock() (they must not block on it
 * while a device notifier removes sysfs files), the netdev notifier already
 * holds it. The data path reads a session's struct nblc_cfg under RCU
 * (netfilter hooks run in an RCU read-side section) and never blocks.
 *
 * Lifetimes. A mirrored packet whose children are in flight holds the
 * config it was mirrored with, which holds what their completions touch:
 * each of its targets, and its session. A session is freed when its last
 * reference goes: one for its sysfs directory, one for each config that
 * is no longer its own (replaced, or the session removed) and still held.
 * A target is freed when it has left the session and every config that
 * had it is gone. Sessions and targets are freed after an RCU grace
 * period: a completion drops its config's last reference inside an RCU
 * read-side section (nbl_nb_destructor()), and module unload waits for
 * both with rcu_barrier() before the code that section runs can go.
 */
#ifndef _NBLCLONE_MIRROR_H
#define _NBLCLONE_MIRROR_H

#include <linux/if.h>
#include <linux/kobject.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/refcount.h>

#define NBLC_NAME_LEN		16	/* a session's name, with its NUL */
#define NBLC_MAX_SESSIONS	64
#define NBLC_MAX_TARGETS	16
#define NBLC_NEST_LIMIT		4	/* mirrors nested in one another per CPU */
#define NBLC_IN_FLIGHT_DEFAULT	4096
#define NBLC_IN_FLIGHT_MAX	1048576
#define NBLC_SAMPLE_MAX		1000000
#define NBLC_SNAPLEN_MAX	65535
#define NBLC_LAT_BUCKETS	32
#define NBLC_LAT_SAMPLE		64	/* packets per CPU per latency sample */

enum nblc_direction {
	NBLC_DIR_INGRESS = 1,
	NBLC_DIR_EGRESS = 2,
	NBLC_DIR_BOTH = 3,
};

enum nblc_mode {
	NBLC_MODE_SHARE,
	NBLC_MODE_OWN,
	NBLC_MODE_PSKB_COPY,
	NBLC_MODE_COPY,
	NBLC_NR_MODES
};

/* Why a child was not sent. */
enum nblc_drop {
	NBLC_DROP_NOMEM,
	NBLC_DROP_MTU,
	NBLC_DROP_DOWN,
	NBLC_DROP_NEST,
	NBLC_DROP_IN_FLIGHT,
	NBLC_DROP_XMIT,
	NBLC_NR_DROPS
};

/* Filter terms, bits of struct nblc_filter's @terms. */
#define NBLC_F_ETHERTYPE	BIT(0)
#define NBLC_F_PROTO		BIT(1)
#define NBLC_F_PORT		BIT(2)
#define NBLC_F_VLAN		BIT(3)

struct nblc_filter {
	u32 terms;
	u16 ethertype;
	u16 port;
	u16 vlan;
	u8 proto;
};

/*
 * Counters of children sent to a target (and, summed, of a session), per
 * CPU: written on their CPU only (see mirror_xmit.c), read by summing the
 * CPUs. A reset zeroes the counts in front of @in_flight from another
 * CPU, so it may lose counts made meanwhile, but it never writes
 * @in_flight: a level, not a count, that a lost update would leave wrong
 * for good.
 * @in_flight goes up on the CPU that sent a child and down on the one that
 * freed it: only the sum means something.
 */
struct nblc_tx_pcpu {
	unsigned long packets;
	unsigned long bytes;
	unsigned long bytes_copied;
	unsigned long drops[NBLC_NR_DROPS];
	long in_flight;
};

static_assert(offsetofend(struct nblc_tx_pcpu, in_flight) ==
	      sizeof(struct nblc_tx_pcpu));

/*
 * A session's own per-CPU counters, the same way: a reset zeroes the
 * counts in front of @tx, and @tx as above, but never the sampling and
 * latency-sampling phases behind it.
 */
struct nblc_session_pcpu {
	unsigned long seen;
	unsigned long filtered_out;
	unsigned long sampled_out;
	unsigned long matched;
	unsigned long completions;
	unsigned long latency_max_ns;
	unsigned long latency_hist[NBLC_LAT_BUCKETS];
	struct nblc_tx_pcpu tx;
	unsigned long sample_count;
	unsigned long latency_count;
};

struct nbl_fault;
struct nblc_session;

/**
 * struct nblc_target - a device a session's children are sent to
 * @kobj: its statistics directory, sessions/NAME/target/DEV; holds a ref
 * @dev: the device; held (@tracker) while the target is in the session's
 *	config, NULL after (RTNL)
 * @tracker: the reference on @dev
 * @refs: one for @kobj, while it is one of the session's targets, and one
 *	for each struct nblc_cfg that holds it
 * @stats: per-CPU counters
 * @rcu: frees the target after the data path's last look at it
 * @name: the device's name, which its directory has too; follows renames
 *	(written under RTNL and nblc_target_name_lock: read it with
 *	nblc_target_name() outside RTNL)
 */
struct nblc_target {
	struct kobject kobj;
	struct net_device *dev;
	netdevice_tracker tracker;
	refcount_t refs;
	struct nblc_tx_pcpu __percpu *stats;
	struct rcu_head rcu;
	char name[IFNAMSIZ];
};

/**
 * struct nblc_cfg - what the data path of a session does, as one snapshot
 * @enabled: whether the hooks mirror anything
 * @direction: an enum nblc_direction
 * @mode: an enum nblc_mode
 * @snaplen: bytes mirrored per frame from its MAC header; 0 for all
 * @sample: one frame in @sample is mirrored
 * @max_in_flight: children in flight past which more are dropped
 * @filter: which frames are mirrored
 * @source_name: the source device's name; empty when there is none
 * @nr_targets: entries of @targets
 * @nr_held: entries of @targets it holds a reference on: @nr_targets, and
 *	past them any target taken out in place (nblc_session_netdev_gone())
 * @targets: the targets
 * @refs: one while it is the session's config or being edited (until a
 *	grace period after it is replaced, or until its session is removed),
 *	one for each mirrored packet whose children are in flight; on a
 *	cache line of its own, as every CPU writes it per packet
 * @rcu: drops the session's reference once no hook or sysfs reader can
 *	still see the config
 * @session: the session it configures; held once @retired
 * @retired: no longer the session's config
 *
 * What the data path reads comes first, up to @refs, and is never changed
 * once published but by the out-of-memory path of a device's removal,
 * with the session disabled and the hooks synchronized: a change
 * publishes a new one. The rest is its lifetime.
 */
struct nblc_cfg {
	bool enabled;
	u8 direction;
	u8 mode;
	u32 snaplen;
	u32 sample;
	u32 max_in_flight;
	struct nblc_filter filter;
	char source_name[IFNAMSIZ];
	unsigned int nr_targets;
	unsigned int nr_held;
	struct nblc_target *targets[NBLC_MAX_TARGETS];
	refcount_t refs ____cacheline_aligned_in_smp;
	struct rcu_head rcu;
	struct nblc_session *session;
	bool retired;
};

/**
 * struct nblc_parent_ctx - what a mirrored packet's parent NBL keeps, in its
 *	context area
 * @start: when it was caught, in ns, for a latency sample; 0 for none
 * @cfg: the config its children were made with, held
 * @sent: its children sent, counted in the session's @in_flight
 */
struct nblc_parent_ctx {
	u64 start;
	struct nblc_cfg *cfg;
	unsigned int sent;
};

/* Its size in a pool's context area, which comes in multiples of 8. */
#define NBLC_PARENT_CTX_SIZE	ALIGN(sizeof(struct nblc_parent_ctx), 8)

/**
 * struct nblc_session - a mirror session
 * @kobj: its sysfs directory, sessions/NAME; holds a reference
 * @target_dir: sessions/NAME/target
 * @node: on the session list (RTNL)
 * @refs: see the top of this file
 * @net: the network namespace it belongs to; sessions leave with it
 * @cfg: the data path's configuration (RCU; written under RTNL)
 * @source: the source device, held (@source_tracker) while set (RTNL)
 * @source_tracker: the reference on @source
 * @hooks: the netfilter hooks on @source
 * @nr_hooks: how many of @hooks are registered (RTNL)
 * @in_flight: children sent, of packets with a child not yet freed or
 *	orphaned (counted per packet: a child counts until its packet
 *	completes)
 * @stats: per-CPU counters
 * @rcu: frees the session after the data path's last look at it
 * @name: its name
 */
struct nblc_session {
	struct kobject kobj;
	struct kobject *target_dir;
	struct list_head node;
	refcount_t refs;
	struct net *net;
	struct nblc_cfg __rcu *cfg;
	struct net_device *source;
	netdevice_tracker source_tracker;
	struct nf_hook_ops hooks[2];
	unsigned int nr_hooks;
	atomic_t in_flight;
	struct nblc_session_pcpu __percpu *stats;
	struct rcu_head rcu;
	char name[NBLC_NAME_LEN];
};

/* mirror.c: sessions and their configuration, under RTNL */
struct nblc_session *nblc_session_find(const char *name);
int nblc_session_new(struct net *net, const char *name);
int nblc_session_del(struct net *net, const char *name);
struct nblc_cfg *nblc_cfg_edit(struct nblc_session *s);
void nblc_cfg_publish(struct nblc_session *s, struct nblc_cfg *cfg);
void nblc_cfg_put(struct nblc_cfg *cfg);
int nblc_session_set_source(struct nblc_session *s, struct net *net,
			    const char *name);
int nblc_session_set_direction(struct nblc_session *s, u8 direction);
int nblc_session_set_enabled(struct nblc_session *s, bool enabled);
int nblc_target_add(struct nblc_session *s, struct net *net, const char *name);
int nblc_target_del(struct nblc_session *s, struct net *net, const char *name);
void nblc_session_reset(struct nblc_session *s);
void nblc_session_put(struct nblc_session *s);
void nblc_target_put(struct nblc_target *t);
void nblc_target_name(const struct nblc_target *t, char name[IFNAMSIZ]);
void nblc_mirror_netdev_gone(struct net_device *dev);
void nblc_mirror_netdev_renamed(struct net_device *dev);
void nblc_mirror_net_gone(struct net *net);
int nblc_mirror_init(struct kobject *parent);
void nblc_mirror_exit(void);

/* mirror_xmit.c: the data path */
extern struct nbl_fault nblc_fault_xmit;
void nblc_mirror(struct nblc_session *s, struct sk_buff *skb);

/* mirror_filter.c */
int nblc_filter_parse(char *buf, struct nblc_filter *f);
int nblc_filter_format(const struct nblc_filter *f, char *buf, size_t size);
bool nblc_filter_match(const struct nblc_filter *f, const struct sk_buff *skb);

/* hook_nf.c: netfilter netdev hooks on a session's source */
int nblc_hooks_register(struct nblc_session *s, u8 direction);
void nblc_hooks_unregister(struct nblc_session *s);

/* mirror_stats.c */
struct nblc_tx_stats {
	u64 packets;
	u64 bytes;
	u64 bytes_copied;
	u64 drops[NBLC_NR_DROPS];
	s64 in_flight;
};

void nblc_tx_stats_sum(struct nblc_tx_pcpu __percpu *pcpu,
		       struct nblc_tx_stats *st);
void nblc_tx_count_drop(struct nblc_session *s, struct nblc_target *t,
			enum nblc_drop why);

/* sysfs_session.c */
extern const struct kobj_type nblc_session_ktype;
extern const struct kobj_type nblc_target_ktype;

/* mirror_netdev.c: device and namespace events */
int nblc_mirror_netdev_init(void);
void nblc_mirror_netdev_exit(void);

#endif /* _NBLCLONE_MIRROR_H */
