// SPDX-License-Identifier: GPL-2.0
/*
 * Mirror sessions and their configuration: creating and deleting them,
 * their source and targets, and publishing what the data path sees. Every
 * function here runs under RTNL (see mirror.h).
 */
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <kunit/visibility.h>

#include "mirror.h"

static LIST_HEAD(nblc_sessions);		/* RTNL */
/*
 * A rename rewrites a target's name in place, while sysfs readers hold
 * only RCU: they copy it under this and retry if it changed meanwhile.
 */
static DEFINE_SEQLOCK(nblc_target_name_lock);
static unsigned int nblc_nr_sessions;		/* RTNL */
static struct kobject *nblc_sessions_kobj;	/* sessions/ */

/* Sessions and targets not yet freed: module exit waits for 0. */
static atomic_t nblc_objects = ATOMIC_INIT(0);

static void nblc_object_freed(void)
{
	if (atomic_dec_and_test(&nblc_objects))
		wake_up_var(&nblc_objects);
}

/**
 * nblc_session_find() - a session by name
 * @name: its name
 *
 * Context: RTNL, which keeps the session alive.
 * Return: the session, or NULL.
 */
struct nblc_session *nblc_session_find(const char *name)
{
	struct nblc_session *s;

	ASSERT_RTNL();
	list_for_each_entry(s, &nblc_sessions, node)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(nblc_session_find);

static void nblc_session_free_rcu(struct rcu_head *rcu)
{
	struct nblc_session *s = container_of(rcu, struct nblc_session, rcu);
	struct nblc_cfg *cfg = rcu_dereference_protected(s->cfg, true);

	/* A session that was never removed still has its config. */
	if (cfg)
		nblc_cfg_put(cfg);
	free_percpu(s->stats);
	kfree(s);
	nblc_object_freed();
}

/**
 * nblc_session_put() - drop a reference to a session
 * @s: the session
 *
 * Context: any context; the session is freed after an RCU grace period.
 */
void nblc_session_put(struct nblc_session *s)
{
	if (refcount_dec_and_test(&s->refs))
		call_rcu(&s->rcu, nblc_session_free_rcu);
}

static void nblc_target_free_rcu(struct rcu_head *rcu)
{
	struct nblc_target *t = container_of(rcu, struct nblc_target, rcu);

	free_percpu(t->stats);
	kfree(t);
	nblc_object_freed();
}

/**
 * nblc_target_put() - drop a reference to a target
 * @t: the target
 *
 * Context: any context; the target is freed after an RCU grace period.
 */
void nblc_target_put(struct nblc_target *t)
{
	if (refcount_dec_and_test(&t->refs))
		call_rcu(&t->rcu, nblc_target_free_rcu);
}

/**
 * nblc_target_name() - a consistent copy of a target's name
 * @t: the target
 * @name: the copy
 *
 * Context: any context but hardirq; under RTNL @t->name can be read as is.
 */
void nblc_target_name(const struct nblc_target *t, char name[IFNAMSIZ])
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&nblc_target_name_lock);
		memcpy(name, t->name, IFNAMSIZ);
	} while (read_seqretry(&nblc_target_name_lock, seq));
}

/**
 * nblc_cfg_put() - drop a reference to a configuration
 * @cfg: the configuration
 *
 * The last one lets go of its targets, and of its session once retired.
 *
 * Context: any context.
 */
void nblc_cfg_put(struct nblc_cfg *cfg)
{
	unsigned int i;

	if (!refcount_dec_and_test(&cfg->refs))
		return;
	for (i = 0; i < cfg->nr_held; i++)
		nblc_target_put(cfg->targets[i]);
	if (cfg->retired)
		nblc_session_put(cfg->session);
	kfree(cfg);
}
EXPORT_SYMBOL_IF_KUNIT(nblc_cfg_put);

/**
 * nblc_cfg_edit() - a private copy of a session's configuration, to change
 * @s: the session
 *
 * Return: the copy, holding the same targets, to be published with
 * nblc_cfg_publish() or dropped with nblc_cfg_put(); NULL when out of
 * memory.
 */
struct nblc_cfg *nblc_cfg_edit(struct nblc_session *s)
{
	struct nblc_cfg *cfg;
	unsigned int i;

	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return NULL;
	/* Not its lifetime, which other CPUs change under us. */
	memcpy(cfg, rtnl_dereference(s->cfg), offsetof(struct nblc_cfg, refs));
	refcount_set(&cfg->refs, 1);
	cfg->session = s;
	cfg->retired = false;
	cfg->nr_held = cfg->nr_targets;
	for (i = 0; i < cfg->nr_held; i++)
		refcount_inc(&cfg->targets[i]->refs);
	return cfg;
}
EXPORT_SYMBOL_IF_KUNIT(nblc_cfg_edit);

/*
 * A grace period after it was replaced, no hook can take a reference to an
 * old config any more: the session's can go.
 */
static void nblc_cfg_retire_rcu(struct rcu_head *rcu)
{
	nblc_cfg_put(container_of(rcu, struct nblc_cfg, rcu));
}

/*
 * @cfg is no longer @s's: from now on the packets that hold it hold the
 * session through it.
 */
static void nblc_cfg_retire(struct nblc_session *s, struct nblc_cfg *cfg)
{
	refcount_inc(&s->refs);
	cfg->retired = true;
}

/**
 * nblc_cfg_publish() - make a configuration the one the data path sees
 * @s: the session
 * @cfg: the new configuration, from nblc_cfg_edit()
 *
 * Packets already in the hook finish with the old one, which lives on
 * until the last of them completes.
 */
void nblc_cfg_publish(struct nblc_session *s, struct nblc_cfg *cfg)
{
	struct nblc_cfg *old = rtnl_dereference(s->cfg);

	rcu_assign_pointer(s->cfg, cfg);
	nblc_cfg_retire(s, old);
	call_rcu(&old->rcu, nblc_cfg_retire_rcu);
}
EXPORT_SYMBOL_IF_KUNIT(nblc_cfg_publish);

/*
 * Let go of targets that no packet can still be sending to (they have left
 * the published config, or were taken out of it in place with the session
 * disabled, a grace period ago): drop the device and the statistics
 * directory. The configs of packets in flight keep the rest alive.
 */
static void nblc_targets_release(struct nblc_target **targets, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		netdev_put(targets[i]->dev, &targets[i]->tracker);
		targets[i]->dev = NULL;
		kobject_del(&targets[i]->kobj);
		kobject_put(&targets[i]->kobj);
	}
}

static void nblc_source_release(struct nblc_session *s)
{
	nblc_hooks_unregister(s);
	netdev_put(s->source, &s->source_tracker);
	s->source = NULL;
}

static void nblc_session_remove(struct nblc_session *s)
{
	struct nblc_cfg *cfg = rtnl_dereference(s->cfg);

	list_del(&s->node);
	nblc_nr_sessions--;
	if (s->source)
		nblc_source_release(s);
	/* No hook runs for it after this: its last config is its last. */
	synchronize_net();
	nblc_targets_release(cfg->targets, cfg->nr_targets);
	kobject_put(s->target_dir);
	kobject_del(&s->kobj);
	/*
	 * Nothing reads it any more but the packets still holding it: the
	 * hooks are gone (synchronized above), and kobject_del() waited for
	 * the sysfs readers. No grace period is needed.
	 */
	RCU_INIT_POINTER(s->cfg, NULL);
	nblc_cfg_retire(s, cfg);
	nblc_cfg_put(cfg);
	kobject_put(&s->kobj);
}

static struct nblc_session *nblc_session_alloc(struct net *net,
					       const char *name)
{
	struct nblc_session *s;
	struct nblc_cfg *cfg;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!s || !cfg)
		goto err;
	s->stats = alloc_percpu(struct nblc_session_pcpu);
	if (!s->stats)
		goto err;
	cfg->direction = NBLC_DIR_INGRESS;
	cfg->mode = NBLC_MODE_SHARE;
	cfg->sample = 1;
	cfg->max_in_flight = NBLC_IN_FLIGHT_DEFAULT;
	refcount_set(&cfg->refs, 1);
	cfg->session = s;
	RCU_INIT_POINTER(s->cfg, cfg);
	refcount_set(&s->refs, 1);
	s->net = net;
	strscpy(s->name, name, sizeof(s->name));
	atomic_inc(&nblc_objects);
	return s;

err:
	kfree(cfg);
	kfree(s);
	return NULL;
}

/**
 * nblc_session_new() - create a session, disabled, with no source or target
 * @net: the network namespace it belongs to
 * @name: its name, already checked to be a valid directory name
 *
 * Return: 0, -EEXIST, -ENOSPC past NBLC_MAX_SESSIONS, or -ENOMEM.
 */
int nblc_session_new(struct net *net, const char *name)
{
	struct nblc_session *s;
	int err;

	ASSERT_RTNL();
	if (nblc_session_find(name))
		return -EEXIST;
	if (nblc_nr_sessions >= NBLC_MAX_SESSIONS)
		return -ENOSPC;
	s = nblc_session_alloc(net, name);
	if (!s)
		return -ENOMEM;
	/* From here the kobject's release drops the session's reference. */
	err = kobject_init_and_add(&s->kobj, &nblc_session_ktype,
				   nblc_sessions_kobj, "%s", name);
	if (err)
		goto err_put;
	s->target_dir = kobject_create_and_add("target", &s->kobj);
	if (!s->target_dir) {
		err = -ENOMEM;
		goto err_del;
	}
	list_add_tail(&s->node, &nblc_sessions);
	nblc_nr_sessions++;
	return 0;

err_del:
	kobject_del(&s->kobj);
err_put:
	kobject_put(&s->kobj);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(nblc_session_new);

/**
 * nblc_session_del() - delete a session
 * @net: the writer's network namespace, which must be the session's
 * @name: the session
 *
 * Return: 0, -ENOENT, or -EXDEV for a session of another namespace.
 */
int nblc_session_del(struct net *net, const char *name)
{
	struct nblc_session *s = nblc_session_find(name);

	if (!s)
		return -ENOENT;
	if (!net_eq(s->net, net))
		return -EXDEV;
	nblc_session_remove(s);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nblc_session_del);

/* Whether @dev can carry what @src's hooks see, and the other way round. */
static bool nblc_link_compatible(const struct net_device *src,
				 const struct net_device *dev)
{
	return dev_is_mac_header_xmit(src) == dev_is_mac_header_xmit(dev);
}

static struct net_device *nblc_dev_lookup(struct nblc_session *s,
					  struct net *net, const char *name)
{
	if (!net_eq(s->net, net))
		return ERR_PTR(-EXDEV);
	return __dev_get_by_name(net, name) ?: ERR_PTR(-ENODEV);
}

/* Where @dev is in @cfg's targets, or -1. */
static int nblc_target_index(const struct nblc_cfg *cfg,
			     const struct net_device *dev)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_targets; i++)
		if (cfg->targets[i]->dev == dev)
			return i;
	return -1;
}

/* Where the target added as @name is in @cfg's targets, or -1. */
static int nblc_target_named(const struct nblc_cfg *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_targets; i++)
		if (!strcmp(cfg->targets[i]->name, name))
			return i;
	return -1;
}

/**
 * nblc_session_set_source() - set or clear a disabled session's source
 * @s: the session
 * @net: the writer's network namespace
 * @name: a device name, or "none"
 *
 * Return: 0, -EBUSY while enabled or for one of the session's targets,
 * -ENODEV, -EXDEV, -EINVAL when a target's link type differs, -ENOMEM.
 */
int nblc_session_set_source(struct nblc_session *s, struct net *net,
			    const char *name)
{
	struct net_device *dev = NULL;
	struct nblc_cfg *cfg, *cur = rtnl_dereference(s->cfg);
	unsigned int i;

	if (cur->enabled)
		return -EBUSY;
	if (strcmp(name, "none")) {
		dev = nblc_dev_lookup(s, net, name);
		if (IS_ERR(dev))
			return PTR_ERR(dev);
		if (nblc_target_index(cur, dev) >= 0)
			return -EBUSY;
		for (i = 0; i < cur->nr_targets; i++)
			if (!nblc_link_compatible(dev, cur->targets[i]->dev))
				return -EINVAL;
	}
	cfg = nblc_cfg_edit(s);
	if (!cfg)
		return -ENOMEM;
	if (s->source)
		nblc_source_release(s);
	if (dev) {
		s->source = dev;
		netdev_hold(dev, &s->source_tracker, GFP_KERNEL);
	}
	strscpy(cfg->source_name, dev ? dev->name : "",
		sizeof(cfg->source_name));
	nblc_cfg_publish(s, cfg);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nblc_session_set_source);

/* Publish @cfg with the hooks it needs; on failure, disabled and unhooked. */
static int nblc_apply_hooks(struct nblc_session *s, struct nblc_cfg *cfg)
{
	int err = 0;

	nblc_hooks_unregister(s);
	if (cfg->enabled) {
		err = nblc_hooks_register(s, cfg->direction);
		if (err)
			cfg->enabled = false;
	}
	nblc_cfg_publish(s, cfg);
	return err;
}

/**
 * nblc_session_set_direction() - which packets of the source are mirrored
 * @s: the session
 * @direction: an enum nblc_direction
 *
 * Return: 0, or -ENOMEM; a session that cannot be hooked again is left
 * disabled.
 */
int nblc_session_set_direction(struct nblc_session *s, u8 direction)
{
	struct nblc_cfg *cfg = nblc_cfg_edit(s);

	if (!cfg)
		return -ENOMEM;
	cfg->direction = direction;
	if (!cfg->enabled || !s->nr_hooks) {
		nblc_cfg_publish(s, cfg);
		return 0;
	}
	return nblc_apply_hooks(s, cfg);
}
EXPORT_SYMBOL_IF_KUNIT(nblc_session_set_direction);

/**
 * nblc_session_set_enabled() - hook the session on its source, or unhook it
 * @s: the session
 * @enabled: which
 *
 * Return: 0, -ENODEV when enabling without a source, or -ENOMEM.
 */
int nblc_session_set_enabled(struct nblc_session *s, bool enabled)
{
	struct nblc_cfg *cfg;

	if (enabled && !s->source)
		return -ENODEV;
	if (enabled == rtnl_dereference(s->cfg)->enabled)
		return 0;
	cfg = nblc_cfg_edit(s);
	if (!cfg)
		return -ENOMEM;
	cfg->enabled = enabled;
	return nblc_apply_hooks(s, cfg);
}
EXPORT_SYMBOL_IF_KUNIT(nblc_session_set_enabled);

static struct nblc_target *nblc_target_alloc(struct nblc_session *s,
					     struct net_device *dev)
{
	struct nblc_target *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	t->stats = alloc_percpu(struct nblc_tx_pcpu);
	if (!t->stats) {
		kfree(t);
		return NULL;
	}
	refcount_set(&t->refs, 1);
	strscpy(t->name, dev->name, sizeof(t->name));
	atomic_inc(&nblc_objects);
	return t;
}

/**
 * nblc_target_add() - add a target to a session
 * @s: the session
 * @net: the writer's network namespace
 * @name: the device
 *
 * Return: 0, -ENODEV, -EXDEV, -EEXIST, -EBUSY for the source, -EINVAL for
 * another link type than the source's, -ENOSPC, or -ENOMEM.
 */
int nblc_target_add(struct nblc_session *s, struct net *net, const char *name)
{
	struct nblc_cfg *cfg, *cur = rtnl_dereference(s->cfg);
	struct net_device *dev = nblc_dev_lookup(s, net, name);
	struct nblc_target *t;
	int err;

	if (IS_ERR(dev))
		return PTR_ERR(dev);
	if (nblc_target_index(cur, dev) >= 0)
		return -EEXIST;
	if (dev == s->source)
		return -EBUSY;
	if (s->source && !nblc_link_compatible(s->source, dev))
		return -EINVAL;
	if (cur->nr_targets >= NBLC_MAX_TARGETS)
		return -ENOSPC;
	cfg = nblc_cfg_edit(s);
	if (!cfg)
		return -ENOMEM;
	t = nblc_target_alloc(s, dev);
	if (!t) {
		err = -ENOMEM;
		goto err_put_cfg;
	}
	/* From here the kobject's release drops the target's reference. */
	err = kobject_init_and_add(&t->kobj, &nblc_target_ktype, s->target_dir,
				   "%s", t->name);
	if (err) {
		kobject_put(&t->kobj);
		goto err_put_cfg;
	}
	t->dev = dev;
	netdev_hold(dev, &t->tracker, GFP_KERNEL);
	refcount_inc(&t->refs);
	cfg->targets[cfg->nr_targets++] = t;
	cfg->nr_held++;
	nblc_cfg_publish(s, cfg);
	return 0;

err_put_cfg:
	nblc_cfg_put(cfg);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(nblc_target_add);

/*
 * Publish @s's config without target @i; returns the target, which its
 * directory still holds.
 */
static struct nblc_target *nblc_target_unpublish(struct nblc_session *s,
						 struct nblc_cfg *cfg, int i)
{
	struct nblc_target *t = cfg->targets[i];

	memmove(&cfg->targets[i], &cfg->targets[i + 1],
		(cfg->nr_targets - i - 1) * sizeof(cfg->targets[0]));
	cfg->nr_targets--;
	cfg->nr_held--;
	nblc_target_put(t);
	nblc_cfg_publish(s, cfg);
	return t;
}

/**
 * nblc_target_del() - remove a target from a session
 * @s: the session
 * @net: the writer's network namespace
 * @name: the target's name, as it was added
 *
 * Return: 0, -ENODEV when it is not a target, -EXDEV, or -ENOMEM.
 */
int nblc_target_del(struct nblc_session *s, struct net *net, const char *name)
{
	int i = nblc_target_named(rtnl_dereference(s->cfg), name);
	struct nblc_target *t;
	struct nblc_cfg *cfg;

	if (!net_eq(s->net, net))
		return -EXDEV;
	if (i < 0)
		return -ENODEV;
	cfg = nblc_cfg_edit(s);
	if (!cfg)
		return -ENOMEM;
	t = nblc_target_unpublish(s, cfg, i);
	synchronize_net();
	nblc_targets_release(&t, 1);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nblc_target_del);

/*
 * @dev is going away or leaving its namespace: every session lets go of
 * it. A source takes its session down with it.
 */
static void nblc_session_netdev_gone(struct nblc_session *s,
				     struct net_device *dev)
{
	struct nblc_target *t;
	struct nblc_cfg *cfg;
	int i;

	if (s->source == dev) {
		cfg = nblc_cfg_edit(s);
		if (cfg) {
			cfg->enabled = false;
			cfg->source_name[0] = '\0';
			nblc_cfg_publish(s, cfg);
		}
		nblc_source_release(s);
	}
	i = nblc_target_index(rtnl_dereference(s->cfg), dev);
	if (i < 0)
		return;
	cfg = nblc_cfg_edit(s);
	if (!cfg) {
		/*
		 * Out of memory: stop the data path rather than keep @dev.
		 * The config still holds the target, past its last one, for
		 * the packets in flight that hold the config.
		 */
		cfg = rtnl_dereference(s->cfg);
		WRITE_ONCE(cfg->enabled, false);
		synchronize_net();
		t = cfg->targets[i];
		cfg->targets[i] = cfg->targets[--cfg->nr_targets];
		cfg->targets[cfg->nr_targets] = t;
	} else {
		t = nblc_target_unpublish(s, cfg, i);
		synchronize_net();
	}
	nblc_targets_release(&t, 1);
}

/**
 * nblc_mirror_netdev_gone() - a device is unregistered or changes namespace
 * @dev: the device
 */
void nblc_mirror_netdev_gone(struct net_device *dev)
{
	struct nblc_session *s;

	ASSERT_RTNL();
	list_for_each_entry(s, &nblc_sessions, node)
		nblc_session_netdev_gone(s, dev);
}

/*
 * @dev has a new name: sessions show their source and targets by name,
 * and take a target back by the name its directory has, so both follow.
 */
static void nblc_session_netdev_renamed(struct nblc_session *s,
					struct net_device *dev)
{
	struct nblc_target *t;
	struct nblc_cfg *cfg;
	int i, err;

	if (s->source == dev) {
		cfg = nblc_cfg_edit(s);
		if (!cfg) {
			pr_warn_ratelimited("session %s: source %s renamed: out of memory\n",
					    s->name, dev->name);
			return;
		}
		strscpy(cfg->source_name, dev->name, sizeof(cfg->source_name));
		nblc_cfg_publish(s, cfg);
	}
	cfg = rtnl_dereference(s->cfg);
	i = nblc_target_index(cfg, dev);
	if (i < 0)
		return;
	t = cfg->targets[i];
	err = kobject_rename(&t->kobj, dev->name);
	if (err) {
		pr_warn_ratelimited("session %s: target %s renamed %s: %d\n",
				    s->name, t->name, dev->name, err);
		return;
	}
	write_seqlock(&nblc_target_name_lock);
	strscpy(t->name, dev->name, sizeof(t->name));
	write_sequnlock(&nblc_target_name_lock);
}

/**
 * nblc_mirror_netdev_renamed() - a device changed its name
 * @dev: the device
 */
void nblc_mirror_netdev_renamed(struct net_device *dev)
{
	struct nblc_session *s;

	ASSERT_RTNL();
	list_for_each_entry(s, &nblc_sessions, node)
		nblc_session_netdev_renamed(s, dev);
}

/**
 * nblc_mirror_net_gone() - a network namespace is going away
 * @net: the namespace; its sessions go with it
 */
void nblc_mirror_net_gone(struct net *net)
{
	struct nblc_session *s, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(s, tmp, &nblc_sessions, node)
		if (net_eq(s->net, net))
			nblc_session_remove(s);
}

/**
 * nblc_mirror_init() - create the sessions directory
 * @parent: the module's sysfs directory
 *
 * Return: 0 or -ENOMEM.
 */
int nblc_mirror_init(struct kobject *parent)
{
	nblc_sessions_kobj = kobject_create_and_add("sessions", parent);
	return nblc_sessions_kobj ? 0 : -ENOMEM;
}

/**
 * nblc_mirror_exit() - delete every session and wait until all are freed
 *
 * Context: process context, once nothing can create sessions any more.
 * Returns only when no child of any session is in flight: their
 * destructors run module code.
 */
void nblc_mirror_exit(void)
{
	struct nblc_session *s, *tmp;

	rtnl_lock();
	list_for_each_entry_safe(s, tmp, &nblc_sessions, node)
		nblc_session_remove(s);
	rtnl_unlock();
	while (!wait_var_event_timeout(&nblc_objects,
				       !atomic_read(&nblc_objects), 10 * HZ))
		pr_info("waiting for %d sessions and targets with children in flight\n",
			atomic_read(&nblc_objects));
	kobject_put(nblc_sessions_kobj);
}
