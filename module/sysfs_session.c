// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/nblclone/sessions/NAME: one session's configuration, one value
 * per file, its statistics in stats/, and its targets' in target/DEV/.
 * Documentation/ABI/testing/sysfs-kernel-nblclone says what each file is.
 */
#include <linux/kobject.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "mirror.h"
#include "nblclone.h"

/*
 * A file of a session. @store runs under RTNL with the written value
 * stripped of its newline, for a writer of the session's namespace.
 */
struct nblc_session_attr {
	struct attribute attr;
	ssize_t (*show)(const struct nblc_session_attr *a, struct nblc_session *s,
			const struct nblc_cfg *cfg, char *buf);
	int (*store)(struct nblc_session *s, struct net *net, char *val,
		     const struct nblc_session_attr *a);
	const char *usage;
};

static const char *const nblc_directions[] = {
	[NBLC_DIR_INGRESS] = "ingress",
	[NBLC_DIR_EGRESS] = "egress",
	[NBLC_DIR_BOTH] = "both",
};

static const char *const nblc_modes[NBLC_NR_MODES] = {
	[NBLC_MODE_SHARE] = "share",
	[NBLC_MODE_OWN] = "own",
	[NBLC_MODE_PSKB_COPY] = "pskb_copy",
	[NBLC_MODE_COPY] = "copy",
};

static ssize_t nblc_session_attr_show(struct kobject *kobj,
				      struct attribute *attr, char *buf)
{
	struct nblc_session *s = container_of(kobj, struct nblc_session, kobj);
	struct nblc_session_attr *a =
		container_of(attr, struct nblc_session_attr, attr);
	ssize_t ret;

	if (!a->show)
		return -EACCES;
	rcu_read_lock();
	ret = a->show(a, s, rcu_dereference(s->cfg), buf);
	rcu_read_unlock();
	return ret;
}

static ssize_t nblc_session_attr_store(struct kobject *kobj,
				       struct attribute *attr,
				       const char *buf, size_t count)
{
	struct nblc_session *s = container_of(kobj, struct nblc_session, kobj);
	struct nblc_session_attr *a =
		container_of(attr, struct nblc_session_attr, attr);
	char val[NBLC_VALUE_LEN];
	struct net *net;
	int err;

	if (!a->store)
		return -EACCES;
	net = nblc_writer_net();
	err = PTR_ERR_OR_ZERO(net);
	if (!err && !net_eq(net, s->net))
		err = -EXDEV;
	if (!err)
		err = nblc_sysfs_value(buf, count, val, sizeof(val));
	if (!err) {
		if (!rtnl_trylock())
			return restart_syscall();
		err = a->store(s, net, val, a);
		rtnl_unlock();
	}
	if (err)
		return nblc_sysfs_refused(s->name, attr->name, err, a->usage);
	return count;
}

static int nblc_match_word(const char *const *words, unsigned int n,
			   const char *val)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (words[i] && !strcmp(words[i], val))
			return i;
	return -EINVAL;
}

static ssize_t source_show(const struct nblc_session_attr *a,
			   struct nblc_session *s, const struct nblc_cfg *cfg,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", cfg->source_name);
}

static int source_store(struct nblc_session *s, struct net *net, char *val,
			const struct nblc_session_attr *a)
{
	return nblc_session_set_source(s, net, val);
}

static ssize_t direction_show(const struct nblc_session_attr *a,
			      struct nblc_session *s, const struct nblc_cfg *cfg,
			      char *buf)
{
	return sysfs_emit(buf, "%s\n", nblc_directions[cfg->direction]);
}

static int direction_store(struct nblc_session *s, struct net *net, char *val,
			   const struct nblc_session_attr *a)
{
	int d = nblc_match_word(nblc_directions, ARRAY_SIZE(nblc_directions),
				val);

	return d < 0 ? d : nblc_session_set_direction(s, d);
}

static ssize_t targets_show(const struct nblc_session_attr *a,
			    struct nblc_session *s, const struct nblc_cfg *cfg,
			    char *buf)
{
	char name[IFNAMSIZ];
	unsigned int i;
	int n = 0;

	for (i = 0; i < cfg->nr_targets; i++) {
		nblc_target_name(cfg->targets[i], name);
		n += sysfs_emit_at(buf, n, "%s\n", name);
	}
	return n;
}

static int targets_store(struct nblc_session *s, struct net *net, char *val,
			 const struct nblc_session_attr *a)
{
	if (val[0] == '+' && val[1])
		return nblc_target_add(s, net, val + 1);
	if (val[0] == '-' && val[1])
		return nblc_target_del(s, net, val + 1);
	return -EINVAL;
}

static ssize_t mode_show(const struct nblc_session_attr *a,
			 struct nblc_session *s, const struct nblc_cfg *cfg,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", nblc_modes[cfg->mode]);
}

/* Publish a copy of @s's config changed by @edit with @arg. */
static int nblc_cfg_change(struct nblc_session *s,
			   void (*edit)(struct nblc_cfg *cfg, const void *arg),
			   const void *arg)
{
	struct nblc_cfg *cfg = nblc_cfg_edit(s);

	if (!cfg)
		return -ENOMEM;
	edit(cfg, arg);
	nblc_cfg_publish(s, cfg);
	return 0;
}

static void mode_edit(struct nblc_cfg *cfg, const void *arg)
{
	cfg->mode = *(const int *)arg;
}

static int mode_store(struct nblc_session *s, struct net *net, char *val,
		      const struct nblc_session_attr *a)
{
	int m = nblc_match_word(nblc_modes, ARRAY_SIZE(nblc_modes), val);

	return m < 0 ? m : nblc_cfg_change(s, mode_edit, &m);
}

static ssize_t filter_show(const struct nblc_session_attr *a,
			   struct nblc_session *s, const struct nblc_cfg *cfg,
			   char *buf)
{
	return nblc_filter_format(&cfg->filter, buf, PAGE_SIZE);
}

static void filter_edit(struct nblc_cfg *cfg, const void *arg)
{
	cfg->filter = *(const struct nblc_filter *)arg;
}

static int filter_store(struct nblc_session *s, struct net *net, char *val,
			const struct nblc_session_attr *a)
{
	struct nblc_filter f;
	int err = nblc_filter_parse(val, &f);

	return err ?: nblc_cfg_change(s, filter_edit, &f);
}

static ssize_t enabled_show(const struct nblc_session_attr *a,
			    struct nblc_session *s, const struct nblc_cfg *cfg,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", cfg->enabled);
}

static int enabled_store(struct nblc_session *s, struct net *net, char *val,
			 const struct nblc_session_attr *a)
{
	bool on;

	if (kstrtobool(val, &on) || (strcmp(val, "0") && strcmp(val, "1")))
		return -EINVAL;
	return nblc_session_set_enabled(s, on);
}

static int reset_store(struct nblc_session *s, struct net *net, char *val,
		       const struct nblc_session_attr *a)
{
	if (strcmp(val, "1"))
		return -EINVAL;
	nblc_session_reset(s);
	return 0;
}

/* A number of the config, between a minimum and a maximum. */
struct nblc_u32_attr {
	struct nblc_session_attr a;
	size_t offset;
	u32 min;
	u32 max;
};

static ssize_t nblc_u32_show(const struct nblc_session_attr *a,
			     struct nblc_session *s, const struct nblc_cfg *cfg,
			     char *buf)
{
	const struct nblc_u32_attr *u = container_of(a, struct nblc_u32_attr, a);

	return sysfs_emit(buf, "%u\n", *(const u32 *)((const char *)cfg +
						      u->offset));
}

struct nblc_u32_edit {
	size_t offset;
	u32 val;
};

static void nblc_u32_edit(struct nblc_cfg *cfg, const void *arg)
{
	const struct nblc_u32_edit *e = arg;

	*(u32 *)((char *)cfg + e->offset) = e->val;
}

static int nblc_u32_store(struct nblc_session *s, struct net *net, char *val,
			  const struct nblc_session_attr *a)
{
	const struct nblc_u32_attr *u = container_of(a, struct nblc_u32_attr, a);
	struct nblc_u32_edit e = { .offset = u->offset };

	if (nblc_parse_u32(val, false, &e.val) || e.val < u->min || e.val > u->max)
		return -EINVAL;
	/* A frame shorter than its Ethernet header is no frame. */
	if (u->offset == offsetof(struct nblc_cfg, snaplen) && e.val &&
	    e.val < ETH_HLEN)
		return -EINVAL;
	return nblc_cfg_change(s, nblc_u32_edit, &e);
}

#define NBLC_SESSION_ATTR(_name, _mode, _usage) {			\
	.attr = { .name = #_name, .mode = _mode },			\
	.show = _name##_show, .store = _name##_store, .usage = _usage }

#define NBLC_U32_ATTR(_name, _min, _max, _usage) {			\
	.a = { .attr = { .name = #_name, .mode = 0644 },		\
	       .show = nblc_u32_show, .store = nblc_u32_store,		\
	       .usage = _usage },					\
	.offset = offsetof(struct nblc_cfg, _name),			\
	.min = _min, .max = _max }

static struct nblc_session_attr nblc_cfg_attrs[] = {
	NBLC_SESSION_ATTR(source, 0644,
			  "a device name, of the targets' link type, or none"),
	NBLC_SESSION_ATTR(direction, 0644, "ingress, egress or both"),
	NBLC_SESSION_ATTR(targets, 0644,
			  "+DEV to add a target, of the source's link type, -DEV to remove one"),
	NBLC_SESSION_ATTR(mode, 0644, "share, own, pskb_copy or copy"),
	NBLC_SESSION_ATTR(filter, 0644,
			  "any, or ethertype T proto P port N vlan V, each at most once"),
	NBLC_SESSION_ATTR(enabled, 0644, "0 or 1"),
	{ .attr = { .name = "reset", .mode = 0200 }, .store = reset_store,
	  .usage = "1" },
};

static struct nblc_u32_attr nblc_u32_attrs[] = {
	NBLC_U32_ATTR(snaplen, 0, NBLC_SNAPLEN_MAX, "0, or 14 to 65535"),
	NBLC_U32_ATTR(sample, 1, NBLC_SAMPLE_MAX, "1 to 1000000"),
	NBLC_U32_ATTR(max_in_flight, 1, NBLC_IN_FLIGHT_MAX, "1 to 1048576"),
};

/* Session counters summed over the CPUs. */
struct nblc_session_sums {
	struct nblc_tx_stats tx;
	u64 seen;
	u64 filtered_out;
	u64 sampled_out;
	u64 matched;
	u64 completions;
	u64 latency_max_ns;
	u64 latency_hist[NBLC_LAT_BUCKETS];
};

static void nblc_session_sum(struct nblc_session *s,
			     struct nblc_session_sums *st)
{
	unsigned int i;
	int cpu;

	memset(st, 0, sizeof(*st));
	nblc_tx_stats_sum(&s->stats->tx, &st->tx);
	for_each_possible_cpu(cpu) {
		const struct nblc_session_pcpu *p = per_cpu_ptr(s->stats, cpu);

		st->seen += READ_ONCE(p->seen);
		st->filtered_out += READ_ONCE(p->filtered_out);
		st->sampled_out += READ_ONCE(p->sampled_out);
		st->matched += READ_ONCE(p->matched);
		st->completions += READ_ONCE(p->completions);
		st->latency_max_ns = max_t(u64, st->latency_max_ns,
					   READ_ONCE(p->latency_max_ns));
		for (i = 0; i < NBLC_LAT_BUCKETS; i++)
			st->latency_hist[i] += READ_ONCE(p->latency_hist[i]);
	}
}

/* A u64 of struct nblc_session_sums, or of struct nblc_tx_stats. */
struct nblc_stat_attr {
	struct nblc_session_attr a;
	size_t offset;
};

static ssize_t nblc_stat_show(const struct nblc_session_attr *a,
			      struct nblc_session *s, const struct nblc_cfg *cfg,
			      char *buf)
{
	const struct nblc_stat_attr *sa = container_of(a, struct nblc_stat_attr, a);
	struct nblc_session_sums st;

	nblc_session_sum(s, &st);
	return sysfs_emit(buf, "%llu\n", *(u64 *)((char *)&st + sa->offset));
}

static ssize_t in_flight_show(const struct nblc_session_attr *a,
			      struct nblc_session *s, const struct nblc_cfg *cfg,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&s->in_flight));
}

static ssize_t latency_hist_show(const struct nblc_session_attr *a,
				 struct nblc_session *s,
				 const struct nblc_cfg *cfg, char *buf)
{
	struct nblc_session_sums st;
	unsigned int i;
	int n = 0;

	nblc_session_sum(s, &st);
	for (i = 0; i < NBLC_LAT_BUCKETS; i++)
		n += sysfs_emit_at(buf, n, "%llu%c", st.latency_hist[i],
				   i + 1 < NBLC_LAT_BUCKETS ? ' ' : '\n');
	return n;
}

/* The transmit counters, which sessions and targets both show. */
static const struct {
	const char *name;
	size_t offset;
} nblc_tx_fields[] = {
	{ "packets", offsetof(struct nblc_tx_stats, packets) },
	{ "bytes", offsetof(struct nblc_tx_stats, bytes) },
	{ "bytes_copied", offsetof(struct nblc_tx_stats, bytes_copied) },
	{ "drop_nomem", offsetof(struct nblc_tx_stats, drops[NBLC_DROP_NOMEM]) },
	{ "drop_mtu", offsetof(struct nblc_tx_stats, drops[NBLC_DROP_MTU]) },
	{ "drop_down", offsetof(struct nblc_tx_stats, drops[NBLC_DROP_DOWN]) },
	{ "drop_nest", offsetof(struct nblc_tx_stats, drops[NBLC_DROP_NEST]) },
	{ "drop_in_flight",
	  offsetof(struct nblc_tx_stats, drops[NBLC_DROP_IN_FLIGHT]) },
	{ "drop_xmit", offsetof(struct nblc_tx_stats, drops[NBLC_DROP_XMIT]) },
};

#define NBLC_STAT(_name) {						\
	.a = { .attr = { .name = #_name, .mode = 0444 },		\
	       .show = nblc_stat_show },				\
	.offset = offsetof(struct nblc_session_sums, _name) }

#define NBLC_NR_SESSION_STATS	6

/* The session's own counters, then its transmit counters (set at init). */
static struct nblc_stat_attr nblc_stat_attrs[NBLC_NR_SESSION_STATS +
					     ARRAY_SIZE(nblc_tx_fields)] = {
	NBLC_STAT(seen),
	NBLC_STAT(filtered_out),
	NBLC_STAT(sampled_out),
	NBLC_STAT(matched),
	NBLC_STAT(completions),
	NBLC_STAT(latency_max_ns),
};

static struct nblc_session_attr nblc_level_attrs[] = {
	{ .attr = { .name = "in_flight", .mode = 0444 }, .show = in_flight_show },
	{ .attr = { .name = "latency_hist", .mode = 0444 },
	  .show = latency_hist_show },
};

static struct attribute *nblc_session_attrs[ARRAY_SIZE(nblc_cfg_attrs) +
					    ARRAY_SIZE(nblc_u32_attrs) + 1];
static struct attribute *nblc_stats_attrs[ARRAY_SIZE(nblc_stat_attrs) +
					  ARRAY_SIZE(nblc_level_attrs) + 1];

static const struct attribute_group nblc_session_group = {
	.attrs = nblc_session_attrs,
};

static const struct attribute_group nblc_stats_group = {
	.name = "stats",
	.attrs = nblc_stats_attrs,
};

static const struct attribute_group *nblc_session_groups[] = {
	&nblc_session_group, &nblc_stats_group, NULL,
};

static const struct sysfs_ops nblc_session_sysfs_ops = {
	.show = nblc_session_attr_show,
	.store = nblc_session_attr_store,
};

static void nblc_session_kobj_release(struct kobject *kobj)
{
	nblc_session_put(container_of(kobj, struct nblc_session, kobj));
}

const struct kobj_type nblc_session_ktype = {
	.release = nblc_session_kobj_release,
	.sysfs_ops = &nblc_session_sysfs_ops,
	.default_groups = nblc_session_groups,
};

/* A file of sessions/NAME/target/DEV: a u64 of struct nblc_tx_stats. */
struct nblc_target_attr {
	struct attribute attr;
	size_t offset;
};

static ssize_t nblc_target_attr_show(struct kobject *kobj,
				     struct attribute *attr, char *buf)
{
	struct nblc_target *t = container_of(kobj, struct nblc_target, kobj);
	const struct nblc_target_attr *ta =
		container_of(attr, struct nblc_target_attr, attr);
	struct nblc_tx_stats st;

	nblc_tx_stats_sum(t->stats, &st);
	/*
	 * A child counted in on one CPU and out on another: the sum of an
	 * unlocked walk over the CPUs can see the second and not the first.
	 */
	if (ta->offset == offsetof(struct nblc_tx_stats, in_flight))
		return sysfs_emit(buf, "%lld\n", max_t(s64, st.in_flight, 0));
	return sysfs_emit(buf, "%llu\n", *(u64 *)((char *)&st + ta->offset));
}

/* The transmit counters (set at init), then the in-flight level. */
static struct nblc_target_attr nblc_target_attrs[ARRAY_SIZE(nblc_tx_fields) + 1] = {
	[ARRAY_SIZE(nblc_tx_fields)] = {
		.attr = { .name = "in_flight", .mode = 0444 },
		.offset = offsetof(struct nblc_tx_stats, in_flight),
	},
};

static struct attribute *nblc_target_group_attrs[ARRAY_SIZE(nblc_target_attrs) + 1];

static const struct attribute_group nblc_target_group = {
	.attrs = nblc_target_group_attrs,
};

static const struct attribute_group *nblc_target_groups[] = {
	&nblc_target_group, NULL,
};

static const struct sysfs_ops nblc_target_sysfs_ops = {
	.show = nblc_target_attr_show,
};

static void nblc_target_kobj_release(struct kobject *kobj)
{
	nblc_target_put(container_of(kobj, struct nblc_target, kobj));
}

const struct kobj_type nblc_target_ktype = {
	.release = nblc_target_kobj_release,
	.sysfs_ops = &nblc_target_sysfs_ops,
	.default_groups = nblc_target_groups,
};

/**
 * nblc_sysfs_session_init() - fill the attribute lists of the ktypes
 */
void nblc_sysfs_session_init(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(nblc_tx_fields); i++) {
		struct nblc_stat_attr *sa = &nblc_stat_attrs[NBLC_NR_SESSION_STATS + i];
		struct nblc_target_attr *ta = &nblc_target_attrs[i];

		sa->a.attr.name = nblc_tx_fields[i].name;
		sa->a.attr.mode = 0444;
		sa->a.show = nblc_stat_show;
		sa->offset = offsetof(struct nblc_session_sums, tx) +
			     nblc_tx_fields[i].offset;
		ta->attr.name = nblc_tx_fields[i].name;
		ta->attr.mode = 0444;
		ta->offset = nblc_tx_fields[i].offset;
	}
	for (i = 0; i < ARRAY_SIZE(nblc_cfg_attrs); i++)
		nblc_session_attrs[n++] = &nblc_cfg_attrs[i].attr;
	for (i = 0; i < ARRAY_SIZE(nblc_u32_attrs); i++)
		nblc_session_attrs[n++] = &nblc_u32_attrs[i].a.attr;
	n = 0;
	for (i = 0; i < ARRAY_SIZE(nblc_stat_attrs); i++)
		nblc_stats_attrs[n++] = &nblc_stat_attrs[i].a.attr;
	for (i = 0; i < ARRAY_SIZE(nblc_level_attrs); i++)
		nblc_stats_attrs[n++] = &nblc_level_attrs[i].attr;
	for (i = 0; i < ARRAY_SIZE(nblc_target_attrs); i++)
		nblc_target_group_attrs[i] = &nblc_target_attrs[i].attr;
}
