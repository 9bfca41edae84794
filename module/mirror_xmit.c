// SPDX-License-Identifier: GPL-2.0
/*
 * The mirror data path: one parent NBL borrowing each caught packet, one
 * child per target sent with dev_queue_xmit(), and what happens when they
 * complete. Runs in the hooks under RCU; children complete wherever their
 * skbs are freed or orphaned, so completions touch only refcounted objects
 * and per-CPU counters. What a packet's children need is held once per
 * packet, by its parent, which completes after them: the config, which
 * holds its targets and its session. A share-mode child costs no atomic
 * operation of its own.
 *
 * Per-CPU counters: the sending side runs with BHs off (nblc_mirror()),
 * where neither a task nor a softirq can interrupt it on its CPU and no
 * hardirq touches these counters, so it uses the __this_cpu_*() forms.
 * Completions do the same when they run with BHs off, as they usually do
 * (a target's transmit path, a softirq); in a task they turn irqs off
 * around their updates. Drops, rare, use this_cpu_*() throughout.
 */
#include <linux/if_arp.h>
#include <linux/log2.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "compat.h"
#include "mirror.h"
#include "nbl.h"
#include "nbl_fault.h"
#include "nblclone.h"

#ifdef CONFIG_PREEMPT_RT
#error "nblclone's per-CPU nesting counter needs BH-disabled hooks: not on PREEMPT_RT"
#endif

struct nbl_fault nblc_fault_xmit = NBL_FAULT_INIT("xmit");

/* Mirrors in progress on this CPU, nested through dev_queue_xmit(). */
static DEFINE_PER_CPU(unsigned int, nblc_nest);

static const unsigned int nblc_clone_flags[NBLC_NR_MODES] = {
	[NBLC_MODE_SHARE] = NBL_CLONE_SHARE,
	[NBLC_MODE_OWN] = NBL_CLONE_OWN,
	[NBLC_MODE_PSKB_COPY] = NBL_CLONE_PSKB_COPY,
	[NBLC_MODE_COPY] = NBL_CLONE_COPY,
};

/**
 * nblc_tx_count_drop() - count a child that was not sent
 * @s: its session
 * @t: its target
 * @why: the cause
 */
void nblc_tx_count_drop(struct nblc_session *s, struct nblc_target *t,
			enum nblc_drop why)
{
	this_cpu_inc(t->stats->drops[why]);
	this_cpu_inc(s->stats->tx.drops[why]);
}

/* The session's packets and bytes are counted once per packet. */
static void nblc_count_sent(struct nblc_session *s, struct nblc_target *t,
			    unsigned int len, unsigned int copied)
{
	__this_cpu_inc(t->stats->packets);
	__this_cpu_add(t->stats->bytes, len);
	if (copied) {
		__this_cpu_add(t->stats->bytes_copied, copied);
		__this_cpu_add(s->stats->tx.bytes_copied, copied);
	}
}

/* The last child of a mirrored packet is gone. */
static void nblc_parent_done(struct nbl *parent, void *arg)
{
	struct nblc_parent_ctx *ctx = nbl_context_data(parent);
	struct nblc_session *s = ctx->cfg->session;
	bool bh_off = nbl_bh_off();
	struct nblc_session_pcpu *st;
	unsigned long flags = 0;
	u64 ns = 0;

	if (ctx->start)
		ns = ktime_get_ns() - ctx->start;
	if (ctx->sent)
		atomic_sub(ctx->sent, &s->in_flight);
	/*
	 * In a task, a softirq can interrupt this update of the same
	 * counters on this CPU; with irqs off nothing can.
	 */
	if (!bh_off)
		local_irq_save(flags);
	st = this_cpu_ptr(s->stats);
	st->completions++;
	if (ctx->start) {
		if (ns > st->latency_max_ns)
			st->latency_max_ns = ns;
		st->latency_hist[min_t(unsigned int, ns ? ilog2(ns) : 0,
				       NBLC_LAT_BUCKETS - 1)]++;
	}
	if (!bh_off)
		local_irq_restore(flags);
	nblc_cfg_put(ctx->cfg);
}

/*
 * One child is gone: freed, or orphaned by the target's stack. Its parent,
 * which holds the target through its config, has not completed yet.
 */
static void nblc_share_done(void *arg)
{
	struct nblc_target *t = arg;

	if (nbl_bh_off())
		__this_cpu_dec(t->stats->in_flight);
	else
		this_cpu_dec(t->stats->in_flight);
}

/* The same, for a child with an NBL of its own. */
static void nblc_child_done(struct nbl *child, void *arg)
{
	nblc_share_done(arg);
}

/*
 * The clone mode for @skb. Truncating a child writes its skb_shared_info
 * (frags, GSO state), which a share-mode child has in common with the
 * original: a nonlinear or GSO packet truncated by snaplen gets its own.
 */
static unsigned int nblc_child_flags(const struct nblc_cfg *cfg,
				     const struct sk_buff *skb,
				     unsigned int mac_len)
{
	if (cfg->mode == NBLC_MODE_SHARE && cfg->snaplen &&
	    skb->len + mac_len > cfg->snaplen &&
	    (skb_is_nonlinear(skb) || skb_is_gso(skb)))
		return NBL_CLONE_OWN;
	return nblc_clone_flags[cfg->mode];
}

/*
 * Trim @c to @len bytes without copying any. pskb_trim() ends in
 * skb_condense(), which pulls the frags it keeps into the head when they fit
 * in its tailroom: a copy of payload that a snaplen child exists to avoid.
 * A child with descriptors of its own and no frag_list is trimmed here; any
 * other goes to pskb_trim(), which copies a shared head first anyway.
 */
static int nblc_trim(struct sk_buff *c, unsigned int len)
{
	struct skb_shared_info *sh = skb_shinfo(c);
	unsigned int head = skb_headlen(c), off = head;
	int i, keep = 0;

	if (!c->data_len || skb_cloned(c) || skb_has_frag_list(c))
		return pskb_trim(c, len);
	for (i = 0; i < sh->nr_frags && off < len; i++) {
		skb_frag_t *frag = &sh->frags[i];

		if (off + skb_frag_size(frag) > len)
			skb_frag_size_set(frag, len - off);
		off += skb_frag_size(frag);
		keep = i + 1;
	}
	for (i = keep; i < sh->nr_frags; i++)
		skb_frag_unref(c, i);
	sh->nr_frags = keep;
	c->len = len;
	if (len <= head) {
		c->data_len = 0;
		skb_set_tail_pointer(c, len);
	} else {
		c->data_len = len - head;
	}
	return 0;
}

/*
 * Make @c what a target expects: the MAC header in front (at ingress it is
 * behind data), none of the original flow's state, at most snaplen bytes.
 * Returns false if @c had to be freed.
 */
static bool nblc_child_prepare(const struct nblc_cfg *cfg, struct sk_buff *c,
			       unsigned int mac_len, struct net_device *dev)
{
	if (mac_len && dev_is_mac_header_xmit(dev))
		skb_push_rcsum(c, mac_len);
	skb_scrub_packet(c, true);
	if (cfg->snaplen && c->len > cfg->snaplen) {
		if (nblc_trim(c, cfg->snaplen)) {
			kfree_skb(c);
			return false;
		}
		/*
		 * A child still sharing the original's skb_shared_info is no
		 * GSO packet (nblc_child_flags()), whatever GSO type and
		 * segment count the original's owner keeps there: TCP's
		 * retransmit queue, at egress. Only a child's own is reset.
		 */
		if (!skb_cloned(c))
			skb_gso_reset(c);
		c->ip_summed = CHECKSUM_NONE;
	}
	c->dev = dev;
	return true;
}

/*
 * The skb of @parent's child for target @t, in clone mode @flags, with what
 * it copied in @copied; NULL if it could not be made. A share-mode child
 * needs no NBL of its own. From here the child's completion undoes the
 * target's in-flight count.
 */
static struct sk_buff *nblc_new_child(struct nbl *parent, unsigned int flags,
				      struct nblc_target *t,
				      unsigned int *copied)
{
	struct sk_buff *c;
	struct nbl *child;

	if (flags == NBL_CLONE_SHARE) {
		c = nbl_clone_share(parent, nblc_share_done, t, GFP_ATOMIC);
		if (IS_ERR(c))
			return NULL;
		*copied = 0;
	} else {
		child = nbl_clone(parent, flags, GFP_ATOMIC);
		if (IS_ERR(child))
			return NULL;
		nbl_on_complete(child, nblc_child_done, t);
		*copied = child->bytes_copied;
		c = nbl_pop_nb(child);
		nbl_free_clone(child);
	}
	/* c is not freed yet: its completion cannot have run. */
	__this_cpu_inc(t->stats->in_flight);
	return c;
}

/*
 * Make, prepare and send the child of @parent for target @t, if the
 * packet's @room in the session's in-flight budget allows. Returns whether
 * it was sent, with its bytes in @len (a frame can have none past its MAC
 * header). A sent child keeps its reservation until the packet completes;
 * a dropped one is counted here and gives it back at once, and its room,
 * if it had taken any, to the packet's next target.
 */
static bool nblc_send_child(struct nblc_session *s, const struct nblc_cfg *cfg,
			    struct nblc_target *t, struct nbl *parent,
			    unsigned int mac_len, unsigned int *room,
			    unsigned int *len)
{
	struct net_device *dev = t->dev;
	unsigned int copied, flags;
	enum nblc_drop why;
	struct sk_buff *c;
	int err;

	why = NBLC_DROP_DOWN;
	if (!(READ_ONCE(dev->flags) & IFF_UP))
		goto drop;
	why = NBLC_DROP_IN_FLIGHT;
	if (!*room)
		goto drop;
	(*room)--;
	why = NBLC_DROP_NOMEM;
	flags = nblc_child_flags(cfg, nbl_first_nb(parent), mac_len);
	c = nblc_new_child(parent, flags, t, &copied);
	if (!c)
		goto drop_room;

	if (!nblc_child_prepare(cfg, c, mac_len, dev))
		goto drop_room;
	if (!is_skb_forwardable(dev, c)) {
		/* It also fails for a target that went down just now. */
		why = READ_ONCE(dev->flags) & IFF_UP ? NBLC_DROP_MTU :
						       NBLC_DROP_DOWN;
		kfree_skb(c);
		goto drop_room;
	}
	*len = c->len;
	why = NBLC_DROP_XMIT;
	if (nbl_fault_fail(&nblc_fault_xmit)) {
		kfree_skb(c);
		goto drop_room;
	}
	err = dev_queue_xmit(c);
	if (net_xmit_eval(err))
		goto drop_room;
	nblc_count_sent(s, t, *len, copied);
	return true;

drop_room:
	(*room)++;
drop:
	atomic_dec(&s->in_flight);
	nblc_tx_count_drop(s, t, why);
	return false;
}

/* Whether @skb is one this session mirrors, counting why not. */
static bool nblc_selected(struct nblc_session *s, const struct nblc_cfg *cfg,
			  const struct sk_buff *skb)
{
	__this_cpu_inc(s->stats->seen);
	if (!nblc_filter_match(&cfg->filter, skb)) {
		__this_cpu_inc(s->stats->filtered_out);
		return false;
	}
	if (cfg->sample > 1 &&
	    __this_cpu_inc_return(s->stats->sample_count) % cfg->sample) {
		__this_cpu_inc(s->stats->sampled_out);
		return false;
	}
	__this_cpu_inc(s->stats->matched);
	return true;
}

static void nblc_drop_all(struct nblc_session *s, const struct nblc_cfg *cfg,
			  enum nblc_drop why)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_targets; i++)
		nblc_tx_count_drop(s, cfg->targets[i], why);
}

/*
 * Whether this packet's latency is measured: one packet in NBLC_LAT_SAMPLE
 * per CPU, the first included. Reading the clock twice would cost more
 * than the rest of a one-target mirror.
 */
static bool nblc_latency_sampled(struct nblc_session *s)
{
	return __this_cpu_inc_return(s->stats->latency_count) %
	       NBLC_LAT_SAMPLE == 1;
}

/*
 * A parent NBL borrowing @skb, holding @cfg for its children, and
 * completing into @s's statistics; its context in @ctxp.
 */
static struct nbl *nblc_parent(struct nblc_session *s, struct nblc_cfg *cfg,
			       struct sk_buff *skb,
			       struct nblc_parent_ctx **ctxp)
{
	struct nbl *parent = nbl_wrap(nblc_pool, skb, NBL_WRAP_BORROW,
				      GFP_ATOMIC);
	struct nblc_parent_ctx *ctx;

	if (IS_ERR(parent))
		return NULL;
	/* In the pool's pre-allocated context area. */
	ctx = nbl_context_alloc(parent, NBLC_PARENT_CTX_SIZE);
	if (IS_ERR(ctx)) {
		nbl_unborrow(parent);
		nbl_free(parent);
		return NULL;
	}
	ctx->start = nblc_latency_sampled(s) ? ktime_get_ns() : 0;
	/*
	 * Under RCU: the session lets go of a replaced config a grace period
	 * later, of its last one once the hooks are gone.
	 */
	refcount_inc(&cfg->refs);
	ctx->cfg = cfg;
	ctx->sent = 0;
	nbl_on_complete(parent, nblc_parent_done, NULL);
	*ctxp = ctx;
	return parent;
}

/*
 * Reserve @n children in the session's in-flight budget, one per target,
 * before the first is made; returns how many fit. A child that is not sent
 * gives its reservation back at once, the others go when the packet
 * completes. Near the cap, another CPU may find room still reserved for
 * children this one is about to make.
 */
static unsigned int nblc_in_flight_room(struct nblc_session *s,
					const struct nblc_cfg *cfg,
					unsigned int n)
{
	unsigned int before = atomic_add_return(n, &s->in_flight) - n;

	if (before >= cfg->max_in_flight)
		return 0;
	return min(n, cfg->max_in_flight - before);
}

static void nblc_fan_out(struct nblc_session *s, struct nblc_cfg *cfg,
			 struct sk_buff *skb)
{
	unsigned int i, len, room, mac_len = 0, packets = 0, bytes = 0;
	struct nblc_parent_ctx *ctx;
	struct nbl *parent;

	if (__this_cpu_read(nblc_nest) >= NBLC_NEST_LIMIT) {
		nblc_drop_all(s, cfg, NBLC_DROP_NEST);
		return;
	}
	parent = nblc_parent(s, cfg, skb, &ctx);
	if (!parent) {
		nblc_drop_all(s, cfg, NBLC_DROP_NOMEM);
		return;
	}
	if (skb_mac_header_was_set(skb) && skb_mac_header(skb) < skb->data)
		mac_len = skb->data - skb_mac_header(skb);

	room = nblc_in_flight_room(s, cfg, cfg->nr_targets);
	__this_cpu_inc(nblc_nest);
	for (i = 0; i < cfg->nr_targets; i++) {
		if (nblc_send_child(s, cfg, cfg->targets[i], parent, mac_len,
				    &room, &len)) {
			packets++;
			bytes += len;
		}
	}
	__this_cpu_dec(nblc_nest);
	/* Until the parent is let go of, it cannot complete. */
	ctx->sent = packets;
	if (packets) {
		__this_cpu_add(s->stats->tx.packets, packets);
		__this_cpu_add(s->stats->tx.bytes, bytes);
	}

	/* The original goes on: let go of it before the hook returns. */
	nbl_unborrow(parent);
	nbl_free(parent);
}

/**
 * nblc_mirror() - mirror a packet caught on a session's source
 * @s: the session
 * @skb: the packet, which goes on unchanged whatever happens here
 *
 * Context: a netfilter hook: RCU read side, BHs off (at ingress, the
 * receive softirq or a BH-disabled caller of netif_receive_skb(); at
 * egress, __dev_queue_xmit()'s rcu_read_lock_bh()).
 */
void nblc_mirror(struct nblc_session *s, struct sk_buff *skb)
{
	struct nblc_cfg *cfg = rcu_dereference(s->cfg);
	bool bh_on;

	/* Our own children are never mirrored again: no loops through us. */
	if (!READ_ONCE(cfg->enabled) || nbl_nb_is_clone(skb))
		return;
	/* Both hooks run with BHs off; the data path needs them off. */
	bh_on = !nbl_bh_off();
	if (bh_on)
		local_bh_disable();
	if (nblc_selected(s, cfg, skb) && cfg->nr_targets)
		nblc_fan_out(s, cfg, skb);
	if (bh_on)
		local_bh_enable();
}
