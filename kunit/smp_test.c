// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: two CPUs at once. Children sent on one CPU and freed on the
 * other, which finds their owner in the sender's table (nbl_owner.c);
 * parents completing on whichever CPU lets go of them last, while the
 * other is still making more; a session's config replaced under two CPUs
 * that mirror through it; the in-flight cap hit from both CPUs at once;
 * counters reset under a CPU that mirrors.
 *
 * Each case runs its work in kthreads bound to the first two online CPUs,
 * started together and waited for on completions. Loops are bounded by
 * counts, never by time, and what is checked is exact at the quiescent
 * point after them. Work that races does not call KUnit: a failed
 * assertion would end the wrong thread, and expectations allocate (a
 * completion must not sleep). It counts what it saw instead, and the test
 * checks the counts. On fewer than two CPUs every case is skipped.
 */
#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/etherdevice.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "mirror.h"
#include "nbl.h"
#include "nblclone.h"
#include "netdev_fixture.h"
#include "session_stats.h"

#define SMP_NR_WORKERS	2
#define SMP_SHARES	8	/* share slots of the suite's pool */
#define SMP_HEAD_LEN	64	/* a test frame's linear part, MAC header first */
#define SMP_FRAG_LEN	256	/* and its page frag */
#define SMP_NR_CAPS	3

static const char *const smp_cap_names[SMP_NR_CAPS] = {
	"nbltsmp0", "nbltsmp1", "nbltsmp2",
};

#define SMP_SESSION	"nblt_smp"
#define SMP_SRC		"nbltsmpsrc"

/* Unicast to another host, of a protocol nothing handles: freed unread. */
static const u8 smp_otherhost[ETH_ALEN] __aligned(2) = {
	0x02, 0x00, 0x5e, 0x73, 0x6d, 0x70,
};

struct smp_fixture {
	struct nbl_pool *pool;
	unsigned int cpu[SMP_NR_WORKERS];
	/* The mirror cases' session, over capture devices; NULL in the rest. */
	struct net_device *src;
	struct net_device *cap[SMP_NR_CAPS];
	struct nblc_session *s;
	u64 base;		/* nblc_pool's NBLs out before the session */
};

static int smp_test_init(struct kunit *test)
{
	static const struct nbl_pool_params params = { .shares = SMP_SHARES };
	struct smp_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	f->pool = nbl_pool_create("kunit_smp", &params);
	if (IS_ERR(f->pool))
		return PTR_ERR(f->pool);
	test->priv = f;
	return 0;
}

static struct nbl_pool_stats smp_pool_stats(struct nbl_pool *pool)
{
	struct nbl_pool_stats st;

	nbl_pool_stats(pool, &st);
	return st;
}

/* Free what the captures hold, which completes it; returns how many. */
static unsigned int smp_purge(struct smp_fixture *f)
{
	unsigned int i, n = 0;
	struct sk_buff *skb;

	for (i = 0; i < SMP_NR_CAPS; i++) {
		if (!f->cap[i])
			continue;
		while ((skb = skb_dequeue(nblt_capdev_queue(f->cap[i])))) {
			kfree_skb(skb);
			n++;
		}
	}
	return n;
}

static void smp_test_exit(struct kunit *test)
{
	struct smp_fixture *f = test->priv;
	struct nbl_pool_stats st;
	int i;

	if (!f)
		return;
	smp_purge(f);
	if (f->s) {
		rtnl_lock();
		nblc_session_del(&init_net, SMP_SESSION);
		rtnl_unlock();
	}
	for (i = 0; i < SMP_NR_CAPS; i++)
		if (f->cap[i])
			nblt_capdev_destroy(f->cap[i]);
	if (f->src)
		nblt_capdev_destroy(f->src);
	if (f->s) {
		/* Sessions, targets and configs go after a grace period. */
		rcu_barrier();
		KUNIT_EXPECT_EQ_MSG(test, smp_pool_stats(nblc_pool).outstanding,
				    f->base, "NBLs of nblc_pool leaked");
		KUNIT_EXPECT_EQ(test, smp_pool_stats(nblc_pool).page_refs, 0);
	}

	st = smp_pool_stats(f->pool);
	KUNIT_EXPECT_EQ(test, st.outstanding, 0);
	KUNIT_EXPECT_EQ(test, st.page_refs, 0);
	KUNIT_EXPECT_EQ(test, nbl_pool_destroy(f->pool), 0);
}

/* The two CPUs the workers are bound to; skips the case without them. */
static void smp_need_cpus(struct kunit *test)
{
	struct smp_fixture *f = test->priv;
	unsigned int online = num_online_cpus();

	if (online < SMP_NR_WORKERS)
		kunit_skip(test, "needs %d online CPUs, this kernel has %u",
			   SMP_NR_WORKERS, online);
	f->cpu[0] = cpumask_first(cpu_online_mask);
	f->cpu[1] = cpumask_next(f->cpu[0], cpu_online_mask);
}

/* What a worker may allocate with: BHs off, it is a hook or a softirq. */
static gfp_t smp_gfp(void)
{
	return nbl_bh_off() ? GFP_ATOMIC : GFP_KERNEL;
}

/*
 * A frame of SMP_HEAD_LEN bytes in a kmalloc'd head, MAC header first, and
 * SMP_FRAG_LEN in a page frag: share-mode children hold its head through
 * dataref, own-mode ones take page references. For @dev, as its receive
 * path would hand it on; NULL when out of memory. Safe in a worker: no
 * KUnit assertion.
 */
static struct sk_buff *smp_frame(struct net_device *dev, gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(NET_SKB_PAD + SMP_HEAD_LEN, gfp);
	struct page *page;
	struct ethhdr *eth;

	if (!skb)
		return NULL;
	page = alloc_page(gfp);
	if (!page) {
		kfree_skb(skb);
		return NULL;
	}
	skb_reserve(skb, NET_SKB_PAD);
	eth = skb_put_zero(skb, SMP_HEAD_LEN);
	ether_addr_copy(eth->h_dest, smp_otherhost);
	eth->h_source[0] = 0x02;
	eth->h_proto = htons(ETH_P_802_EX1);
	skb_reset_mac_header(skb);
	memset(page_address(page), 0x5a, SMP_FRAG_LEN);
	skb_fill_page_desc(skb, 0, page, 0, SMP_FRAG_LEN);
	skb->len += SMP_FRAG_LEN;
	skb->data_len += SMP_FRAG_LEN;
	skb->truesize += PAGE_SIZE;
	if (dev)
		skb->protocol = eth_type_trans(skb, dev);
	return skb;
}

/*
 * Workers: kthreads bound to one CPU each, that run their function once,
 * then wait to be reaped, so that kthread_stop() finds them whatever the
 * order.
 */
struct smp_worker {
	struct task_struct *task;
	struct completion done;
	void (*fn)(struct smp_worker *w);
	void *ctx;
	unsigned int id;
	unsigned int cpu;
	unsigned int wrong_cpu;	/* times it found itself on another CPU */
};

static void smp_worker_on_cpu(struct smp_worker *w)
{
	if (raw_smp_processor_id() != w->cpu)
		w->wrong_cpu++;
}

static int smp_worker_thread(void *data)
{
	struct smp_worker *w = data;

	smp_worker_on_cpu(w);
	w->fn(w);
	smp_worker_on_cpu(w);
	complete(&w->done);
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* Start one worker per CPU, all running @fn on @ctx: both created first. */
static void smp_start(struct kunit *test, struct smp_worker *w,
		      void (*fn)(struct smp_worker *w), void *ctx)
{
	struct smp_fixture *f = test->priv;
	int i, err = 0;

	for (i = 0; i < SMP_NR_WORKERS; i++) {
		w[i] = (struct smp_worker){
			.fn = fn,
			.ctx = ctx,
			.id = i,
			.cpu = f->cpu[i],
		};
		init_completion(&w[i].done);
		w[i].task = kthread_create(smp_worker_thread, &w[i],
					   "nblt_smp/%u", f->cpu[i]);
		if (IS_ERR(w[i].task)) {
			err = PTR_ERR(w[i].task);
			break;
		}
		kthread_bind(w[i].task, f->cpu[i]);
	}
	if (err) {
		/* Never woken: they end without running @fn. */
		while (--i >= 0)
			kthread_stop(w[i].task);
		KUNIT_ASSERT_EQ_MSG(test, err, 0, "kthread_create()");
	}
	for (i = 0; i < SMP_NR_WORKERS; i++)
		wake_up_process(w[i].task);
}

/* Wait for both workers to finish, and reap them. */
static void smp_wait(struct kunit *test, struct smp_worker *w)
{
	int i;

	for (i = 0; i < SMP_NR_WORKERS; i++)
		wait_for_completion(&w[i].done);
	for (i = 0; i < SMP_NR_WORKERS; i++) {
		kthread_stop(w[i].task);
		KUNIT_EXPECT_EQ_MSG(test, w[i].wrong_cpu, 0,
				    "worker %d left CPU %u", i, w[i].cpu);
	}
}

/*
 * Both workers wait here for each other. @arrived counts every arrival of
 * both; @mine, each worker's own, how many times it has been here.
 */
static void smp_meet(atomic_t *arrived, unsigned int *mine)
{
	int all = SMP_NR_WORKERS * ++(*mine);

	atomic_inc(arrived);
	while (atomic_read(arrived) < all) {
		cond_resched();
		cpu_relax();
	}
}

/*
 * NBL families for the first two cases: a parent made on the sending CPU,
 * its children, and what the parent's completion found when it ran.
 */
struct smp_parent {
	struct nbl *nbl;		/* until its owner releases it */
	struct smp_nbl_run *run;
	unsigned int children;		/* made, set before the release */
	bool released;			/* set just before nbl_free() */
	atomic_t children_done;
	atomic_t completions;
	int complete_cpu;
};

struct smp_nbl_run {
	struct nbl_pool *pool;
	struct smp_parent *parents;
	unsigned int nr_parents;
	struct sk_buff_head handoff;	/* children for the freeing CPU */
	bool sent_all;			/* the sender pushes no more */
	bool freed_all;			/* the freer has freed all it got */
	unsigned int pushed;		/* the sender's */
	unsigned int freed;		/* the freer's */
	unsigned int freed_here;	/* children the sender freed itself */
	unsigned int failed;		/* families not made in full */
	unsigned int parent_cpu_wrong;	/* cross_cpu: completed elsewhere */
	atomic_t early;			/* completions before the owner or a child */
	atomic_t shares_done;
	atomic_t clones_done;
};

/*
 * A completion can only follow its owner's nbl_free() and its last child's
 * done: both were written before the atomics that let it run.
 */
static void smp_parent_done(struct nbl *nbl, void *arg)
{
	struct smp_parent *p = arg;

	if (!READ_ONCE(p->released) ||
	    atomic_read(&p->children_done) != READ_ONCE(p->children))
		atomic_inc(&p->run->early);
	p->complete_cpu = raw_smp_processor_id();
	atomic_inc(&p->completions);
}

static void smp_share_done(void *arg)
{
	struct smp_parent *p = arg;

	atomic_inc(&p->run->shares_done);
	atomic_inc(&p->children_done);
}

static void smp_clone_done(struct nbl *child, void *arg)
{
	struct smp_parent *p = arg;

	atomic_inc(&p->run->clones_done);
	atomic_inc(&p->children_done);
}

/*
 * An NBL clone of @p's parent in mode @mode, sent at once: its NB, which
 * keeps the clone alive; NULL if it could not be made.
 */
static struct sk_buff *smp_clone_nb(struct smp_parent *p, unsigned int mode,
				    gfp_t gfp)
{
	struct nbl *child = nbl_clone(p->nbl, mode, gfp);
	struct sk_buff *skb;

	if (IS_ERR(child))
		return NULL;
	nbl_on_complete(child, smp_clone_done, p);
	skb = nbl_pop_nb(child);
	nbl_free_clone(child);
	return skb;
}

/*
 * Make family @i: a parent owning a fresh frame, @shares shared children
 * and, with @clones, an own-mode and a share-mode NBL clone, their skbs in
 * @c. BHs off or on as the caller has them: a hook's or a task's path.
 * Returns how many children were made, or -ENOMEM for no parent.
 */
static int smp_make_family(struct smp_nbl_run *r, unsigned int i,
			   unsigned int shares, bool clones,
			   struct sk_buff **c)
{
	struct smp_parent *p = &r->parents[i];
	gfp_t gfp = smp_gfp();
	struct sk_buff *skb = smp_frame(NULL, gfp);
	unsigned int n = 0, k;

	p->run = r;
	if (skb) {
		p->nbl = nbl_wrap(r->pool, skb, 0, gfp);
		if (IS_ERR(p->nbl)) {
			kfree_skb(skb);
			p->nbl = NULL;
		}
	}
	if (!p->nbl) {
		r->failed++;
		return -ENOMEM;
	}
	nbl_on_complete(p->nbl, smp_parent_done, p);
	for (k = 0; k < shares; k++) {
		c[n] = nbl_clone_share(p->nbl, smp_share_done, p, gfp);
		if (!IS_ERR(c[n]))
			n++;
	}
	if (clones) {
		c[n] = smp_clone_nb(p, NBL_CLONE_OWN, gfp);
		if (c[n])
			n++;
		c[n] = smp_clone_nb(p, NBL_CLONE_SHARE, gfp);
		if (c[n])
			n++;
	}
	WRITE_ONCE(p->children, n);
	if (n != shares + (clones ? 2 : 0))
		r->failed++;
	return n;
}

/* The owner lets go of family @i's parent. */
static void smp_release(struct smp_nbl_run *r, unsigned int i)
{
	struct smp_parent *p = &r->parents[i];

	WRITE_ONCE(p->released, true);
	nbl_free(p->nbl);
	p->nbl = NULL;
}

static void smp_push(struct smp_nbl_run *r, struct sk_buff *skb)
{
	skb_queue_tail(&r->handoff, skb);
	r->pushed++;
}

/* The sender has pushed its last child. */
static void smp_push_done(struct smp_nbl_run *r)
{
	/* After every push: the freer that sees it finds them all listed. */
	smp_store_release(&r->sent_all, true);
}

/*
 * Free a child as a stack would, the @k-th: from a softirq-like BH-off
 * section, from a task, or orphaned first (its destructor run while the
 * skb lives on).
 */
static void smp_free_child(struct sk_buff *skb, unsigned int k)
{
	switch (k % 3) {
	case 0:
		local_bh_disable();
		kfree_skb(skb);
		local_bh_enable();
		break;
	case 1:
		consume_skb(skb);
		break;
	default:
		skb_orphan(skb);
		kfree_skb(skb);
		break;
	}
}

/*
 * The freeing CPU: everything handed off, as soon as it comes, until the
 * sender has pushed its last and the list is empty.
 */
static void smp_freer(struct smp_nbl_run *r)
{
	struct sk_buff *skb;
	bool last;

	for (;;) {
		/* Pairs with smp_push_done(): then its last push is listed. */
		last = smp_load_acquire(&r->sent_all);
		skb = skb_dequeue(&r->handoff);
		if (!skb) {
			if (last)
				break;
			cond_resched();
			cpu_relax();
			continue;
		}
		smp_free_child(skb, r->freed++);
	}
	/* Every destructor has run: the sender may read what they did. */
	smp_store_release(&r->freed_all, true);
}

/* The NBL cases: @fn on both CPUs over @nr_parents families, to the end. */
static struct smp_nbl_run *smp_run_families(struct kunit *test,
					    unsigned int nr_parents,
					    void (*fn)(struct smp_worker *w))
{
	struct smp_fixture *f = test->priv;
	struct smp_worker w[SMP_NR_WORKERS];
	struct smp_nbl_run *r;

	smp_need_cpus(test);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->parents = kunit_kcalloc(test, nr_parents, sizeof(*r->parents),
				   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->parents);
	r->pool = f->pool;
	r->nr_parents = nr_parents;
	skb_queue_head_init(&r->handoff);
	smp_start(test, w, fn, r);
	smp_wait(test, w);
	return r;
}

/* Every family made in full, and every parent completed exactly once. */
static void smp_expect_families(struct kunit *test, struct smp_nbl_run *r,
				unsigned int shares, unsigned int clones)
{
	unsigned int i, not_once = 0, n = r->nr_parents;
	struct nbl_pool_stats st = smp_pool_stats(r->pool);

	for (i = 0; i < n; i++)
		if (atomic_read(&r->parents[i].completions) != 1)
			not_once++;
	KUNIT_EXPECT_EQ(test, r->failed, 0);
	KUNIT_EXPECT_EQ_MSG(test, not_once, 0,
			    "parents not completed exactly once, of %u", n);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r->early), 0,
			    "completions before the owner's release or a child");
	KUNIT_EXPECT_EQ(test, r->freed + r->freed_here, n * (shares + clones));
	KUNIT_EXPECT_EQ(test, atomic_read(&r->shares_done), n * shares);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->clones_done), n * clones);
	/*
	 * Every NBL back means every owner-table entry was taken: each
	 * entry holds a reference that only its destructor, having found
	 * it, drops (one it cannot find WARNs). Shared children count as
	 * clones.
	 */
	KUNIT_EXPECT_EQ(test, st.allocated, (u64)n * (1 + clones));
	KUNIT_EXPECT_EQ(test, st.outstanding, 0);
	KUNIT_EXPECT_EQ(test, st.clones, (u64)n * (shares + clones));
	KUNIT_EXPECT_EQ(test, st.failures, 0);
	KUNIT_EXPECT_EQ(test, st.misuse, 0);
	KUNIT_EXPECT_EQ(test, st.page_refs, 0);
}

/*
 * Case 1: children sent on CPU 0, all freed on CPU 1, whose lookup misses
 * its own table and finds them in CPU 0's. Half the parents are released
 * at once, and complete on CPU 1 with their last child; the other half
 * only once CPU 1 is done, and complete on CPU 0 in nbl_free(). Families
 * are made with BHs off (a hook) and on (a task), two in four each.
 */
#define SMP_CROSS_PARENTS	128
#define SMP_CROSS_SHARES	4
#define SMP_CROSS_CLONES	2	/* an own-mode and a share-mode NBL clone */

static void smp_cross_worker(struct smp_worker *w)
{
	struct smp_nbl_run *r = w->ctx;
	struct sk_buff *c[SMP_CROSS_SHARES + SMP_CROSS_CLONES];
	unsigned int i;
	int k, n;

	if (w->id) {
		smp_freer(r);
		return;
	}
	for (i = 0; i < r->nr_parents; i++) {
		bool bh_off = i % 4 < 2;

		if (bh_off)
			local_bh_disable();
		n = smp_make_family(r, i, SMP_CROSS_SHARES, true, c);
		for (k = 0; k < n; k++)
			smp_push(r, c[k]);
		if (n >= 0 && i % 2 == 0)
			smp_release(r, i);
		if (bh_off)
			local_bh_enable();
		cond_resched();
	}
	smp_push_done(r);
	/*
	 * Bounded: the freer stops once the list is empty. Pairs with its
	 * release: the completions it ran are seen here.
	 */
	while (!smp_load_acquire(&r->freed_all)) {
		cond_resched();
		cpu_relax();
	}
	for (i = 1; i < r->nr_parents; i += 2) {
		if (!r->parents[i].nbl)
			continue;
		smp_release(r, i);
		if (r->parents[i].complete_cpu != w->cpu)
			r->parent_cpu_wrong++;
	}
}

static void smp_cross_cpu_free_test(struct kunit *test)
{
	struct smp_nbl_run *r = smp_run_families(test, SMP_CROSS_PARENTS,
						 smp_cross_worker);

	smp_expect_families(test, r, SMP_CROSS_SHARES, SMP_CROSS_CLONES);
	KUNIT_EXPECT_EQ(test, r->freed, SMP_CROSS_PARENTS *
			(SMP_CROSS_SHARES + SMP_CROSS_CLONES));
	KUNIT_EXPECT_EQ_MSG(test, r->parent_cpu_wrong, 0,
			    "parents released after their children did not complete in nbl_free()");
}

/*
 * Case 2: CPU 0 makes families without pause, hands each one's shared
 * children to CPU 1, which frees them as they come, and frees the family's
 * own-mode clone itself: the owner's release, its own free and CPU 1's
 * race for the parent's last reference, in each of their orders. Every
 * parent must complete exactly once, after all of them.
 */
#define SMP_RACE_PARENTS	2048
#define SMP_RACE_SHARES		2

static void smp_race_worker(struct smp_worker *w)
{
	struct smp_nbl_run *r = w->ctx;
	struct sk_buff *c[SMP_RACE_SHARES], *own;
	unsigned int i;
	int k, n;

	if (w->id) {
		smp_freer(r);
		return;
	}
	for (i = 0; i < r->nr_parents; i++) {
		struct smp_parent *p = &r->parents[i];
		bool bh_off = i % 2;

		if (bh_off)
			local_bh_disable();
		n = smp_make_family(r, i, SMP_RACE_SHARES, false, c);
		own = n < 0 ? NULL : smp_clone_nb(p, NBL_CLONE_OWN, smp_gfp());
		if (own)
			WRITE_ONCE(p->children, n + 1);
		else if (n >= 0)
			r->failed++;
		if (n >= 0) {
			if (i % 3 == 2 && own) {
				kfree_skb(own);
				own = NULL;
				r->freed_here++;
			}
			for (k = 0; k < n; k++)
				smp_push(r, c[k]);
			if (i % 3 == 1 && own) {
				kfree_skb(own);
				own = NULL;
				r->freed_here++;
			}
			smp_release(r, i);
			if (own) {
				kfree_skb(own);
				r->freed_here++;
			}
		}
		if (bh_off)
			local_bh_enable();
		cond_resched();
	}
	smp_push_done(r);
}

static void smp_complete_race_test(struct kunit *test)
{
	struct smp_nbl_run *r = smp_run_families(test, SMP_RACE_PARENTS,
						 smp_race_worker);

	/* The own-mode clone counts as a clone of its own. */
	smp_expect_families(test, r, SMP_RACE_SHARES, 1);
	KUNIT_EXPECT_EQ(test, r->freed, SMP_RACE_PARENTS * SMP_RACE_SHARES);
	KUNIT_EXPECT_EQ(test, r->freed_here, SMP_RACE_PARENTS);
}

/*
 * The mirror cases: a session hooked at ingress on a capture device, its
 * targets capture devices that keep what they get until told to free it.
 */
static void smp_mirror_setup(struct kunit *test, unsigned int nr_targets,
			     u32 max_in_flight)
{
	struct smp_fixture *f = test->priv;
	struct nblc_cfg *cfg;
	unsigned int i;
	int err;

	f->base = smp_pool_stats(nblc_pool).outstanding;
	f->src = nblt_capdev_create(SMP_SRC, true);
	if (IS_ERR(f->src)) {
		err = PTR_ERR(f->src);
		f->src = NULL;
		KUNIT_ASSERT_EQ(test, err, 0);
	}
	for (i = 0; i < SMP_NR_CAPS; i++) {
		f->cap[i] = nblt_capdev_create(smp_cap_names[i], true);
		if (IS_ERR(f->cap[i])) {
			err = PTR_ERR(f->cap[i]);
			f->cap[i] = NULL;
			KUNIT_ASSERT_EQ(test, err, 0);
		}
	}

	rtnl_lock();
	err = nblc_session_new(&init_net, SMP_SESSION);
	if (!err) {
		f->s = nblc_session_find(SMP_SESSION);
		err = nblc_session_set_source(f->s, &init_net, SMP_SRC);
	}
	for (i = 0; !err && i < nr_targets; i++)
		err = nblc_target_add(f->s, &init_net, smp_cap_names[i]);
	if (!err) {
		cfg = nblc_cfg_edit(f->s);
		if (cfg) {
			cfg->max_in_flight = max_in_flight;
			nblc_cfg_publish(f->s, cfg);
		} else {
			err = -ENOMEM;
		}
	}
	if (!err)
		err = nblc_session_set_direction(f->s, NBLC_DIR_INGRESS);
	if (!err)
		err = nblc_session_set_enabled(f->s, true);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
}

/* A frame received by the source, as a driver's NAPI poll would hand it. */
static bool smp_mirror_one(struct smp_fixture *f)
{
	struct sk_buff *skb = smp_frame(f->src, GFP_KERNEL);

	if (!skb)
		return false;
	local_bh_disable();
	netif_receive_skb(skb);
	local_bh_enable();
	return true;
}

/* @s's drops for @why, on @cpu, or on every CPU for a negative one. */
static unsigned long smp_session_drops(struct nblc_session *s,
				       enum nblc_drop why, int cpu)
{
	unsigned long sum = 0;
	int i;

	if (cpu >= 0)
		return per_cpu_ptr(s->stats, cpu)->tx.drops[why];
	for_each_possible_cpu(i)
		sum += per_cpu_ptr(s->stats, i)->tx.drops[why];
	return sum;
}

/*
 * Case 3: both CPUs mirror through the session while the test's own task
 * replaces its config: the mode and snaplen changed, a target added, one
 * removed, in turn. The workers free what the captures hold as they go,
 * each the other's children too, so completions run on both CPUs, against
 * old configs and removed targets. KASAN sees any use after free; at the
 * end every packet completed once and every replaced config is gone.
 */
#define SMP_CFG_EDITS		48
#define SMP_CFG_MIN_PACKETS	256	/* each worker's, edits or not */
#define SMP_CFG_MAX_PACKETS	65536	/* each worker's, at most */
#define SMP_CFG_PURGE		8	/* packets between two purges */
#define SMP_CFG_SNAPLEN		(SMP_HEAD_LEN / 2)

struct smp_cfg_run {
	struct smp_fixture *f;
	bool edits_done;
	unsigned int mirrored[SMP_NR_WORKERS];
	unsigned int captured[SMP_NR_WORKERS];
	unsigned int failed[SMP_NR_WORKERS];
};

static void smp_cfg_worker(struct smp_worker *w)
{
	struct smp_cfg_run *r = w->ctx;
	unsigned int i;

	for (i = 0; i < SMP_CFG_MAX_PACKETS; i++) {
		/* Only a signal to stop: it publishes nothing. */
		if (i >= SMP_CFG_MIN_PACKETS && READ_ONCE(r->edits_done))
			break;
		if (!smp_mirror_one(r->f)) {
			r->failed[w->id]++;
			break;
		}
		r->mirrored[w->id]++;
		if (i % SMP_CFG_PURGE == SMP_CFG_PURGE - 1)
			r->captured[w->id] += smp_purge(r->f);
		cond_resched();
	}
}

/*
 * Edit @k of the session: a new mode and snaplen, then cap[@out] added,
 * then another taken out, which becomes @out. Each publishes a new config.
 */
static int smp_cfg_edit(struct nblc_session *s, unsigned int k,
			unsigned int *out)
{
	struct nblc_cfg *cfg;
	int err = 0;

	rtnl_lock();
	switch (k % 3) {
	case 0:
		cfg = nblc_cfg_edit(s);
		if (!cfg) {
			err = -ENOMEM;
			break;
		}
		cfg->mode = (cfg->mode + 1) % NBLC_NR_MODES;
		cfg->snaplen = k % 2 ? SMP_CFG_SNAPLEN : 0;
		nblc_cfg_publish(s, cfg);
		break;
	case 1:
		err = nblc_target_add(s, &init_net, smp_cap_names[*out]);
		break;
	default:
		*out = (*out + 1) % SMP_NR_CAPS;
		err = nblc_target_del(s, &init_net, smp_cap_names[*out]);
		break;
	}
	rtnl_unlock();
	return err;
}

static void smp_cfg_replace_test(struct kunit *test)
{
	struct smp_fixture *f = test->priv;
	struct smp_worker w[SMP_NR_WORKERS];
	unsigned int k, i, out = SMP_NR_CAPS - 1, edits = 0;
	unsigned long mirrored = 0, captured;
	const struct nblc_cfg *cfg;
	struct smp_cfg_run r = { .f = f };
	struct nblc_tx_stats st;
	int err = 0;

	smp_need_cpus(test);
	smp_mirror_setup(test, SMP_NR_CAPS - 1, NBLC_IN_FLIGHT_DEFAULT);
	smp_start(test, w, smp_cfg_worker, &r);
	for (k = 0; k < SMP_CFG_EDITS && !err; k++) {
		err = smp_cfg_edit(f->s, k, &out);
		if (!err)
			edits++;
	}
	WRITE_ONCE(r.edits_done, true);
	smp_wait(test, w);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, edits, SMP_CFG_EDITS);

	captured = smp_purge(f);
	for (i = 0; i < SMP_NR_WORKERS; i++) {
		KUNIT_EXPECT_EQ(test, r.failed[i], 0);
		KUNIT_EXPECT_GE(test, r.mirrored[i], SMP_CFG_MIN_PACKETS);
		mirrored += r.mirrored[i];
		captured += r.captured[i];
	}
	kunit_info(test, "%lu packets mirrored during %u edits\n", mirrored,
		   edits);
	/* Every packet was seen and completed; every child sent was captured. */
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, seen), mirrored);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, matched), mirrored);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), mirrored);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, tx.packets), captured);
	for (i = 0; i < NBLC_NR_DROPS; i++)
		KUNIT_EXPECT_EQ_MSG(test, smp_session_drops(f->s, i, -1), 0,
				    "drop %u", i);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 0);

	/*
	 * A replaced config holds the session until it is freed: with every
	 * one gone, only the session's directory does. The current config
	 * holds each of its targets once more.
	 */
	rcu_barrier();
	KUNIT_EXPECT_EQ_MSG(test, refcount_read(&f->s->refs), 1,
			    "replaced configs not freed");
	rtnl_lock();
	cfg = rtnl_dereference(f->s->cfg);
	KUNIT_EXPECT_EQ(test, cfg->nr_targets, SMP_NR_CAPS - 1);
	for (i = 0; i < cfg->nr_targets; i++) {
		KUNIT_EXPECT_EQ(test, refcount_read(&cfg->targets[i]->refs), 2);
		nblc_tx_stats_sum(cfg->targets[i]->stats, &st);
		KUNIT_EXPECT_EQ(test, st.in_flight, 0);
	}
	rtnl_unlock();
}

/*
 * Case 5: the counters reset while a CPU mirrors and frees children. The
 * second worker sends packets one by one and frees their children at
 * once, so its CPU's in-flight count of every target goes up and back
 * down all the time; the first resets the session's counters, every
 * CPU's, until the second is done. Counts made meanwhile may be lost, but
 * not the in-flight level: once every child is freed it reads 0.
 */
#define SMP_RESET_PACKETS	1024

struct smp_reset_run {
	struct smp_fixture *f;
	bool sent;			/* the second worker is done */
	unsigned int mirrored;
	unsigned int failed;
	unsigned int resets;
};

static void smp_reset_worker(struct smp_worker *w)
{
	struct smp_reset_run *r = w->ctx;
	unsigned int i;

	if (w->id) {
		for (i = 0; i < SMP_RESET_PACKETS; i++) {
			if (!smp_mirror_one(r->f)) {
				r->failed++;
				break;
			}
			r->mirrored++;
			smp_purge(r->f);
			cond_resched();
		}
		/* Only a signal to stop: it publishes nothing. */
		WRITE_ONCE(r->sent, true);
		return;
	}
	while (!READ_ONCE(r->sent)) {
		rtnl_lock();
		nblc_session_reset(r->f->s);
		rtnl_unlock();
		r->resets++;
		cond_resched();
	}
}

/* The in-flight level of @s's targets, summed. */
static s64 smp_targets_in_flight(struct nblc_session *s)
{
	const struct nblc_cfg *cfg;
	struct nblc_tx_stats st;
	unsigned int i;
	s64 sum = 0;

	rtnl_lock();
	cfg = rtnl_dereference(s->cfg);
	for (i = 0; i < cfg->nr_targets; i++) {
		nblc_tx_stats_sum(cfg->targets[i]->stats, &st);
		sum += st.in_flight;
	}
	rtnl_unlock();
	return sum;
}

static void smp_reset_test(struct kunit *test)
{
	struct smp_fixture *f = test->priv;
	struct smp_worker w[SMP_NR_WORKERS];
	struct smp_reset_run r = { .f = f };

	smp_need_cpus(test);
	smp_mirror_setup(test, SMP_NR_CAPS, NBLC_IN_FLIGHT_DEFAULT);
	smp_start(test, w, smp_reset_worker, &r);
	smp_wait(test, w);
	smp_purge(f);
	kunit_info(test, "%u packets mirrored during %u resets\n", r.mirrored,
		   r.resets);
	KUNIT_EXPECT_EQ(test, r.failed, 0);
	KUNIT_EXPECT_EQ(test, r.mirrored, SMP_RESET_PACKETS);
	KUNIT_EXPECT_GT(test, r.resets, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 0);
	KUNIT_EXPECT_EQ_MSG(test, smp_targets_in_flight(f->s), 0,
			    "a reset lost in-flight updates");
}

/*
 * Case 4: the in-flight cap hit from both CPUs at once. The captures keep
 * every child, so what they hold when both workers stop is the most that
 * was in flight. In each round both workers start together and send more
 * than the cap allows, each on its own; then the first checks what was
 * let through, against the cap, and frees it. A child over the cap is
 * dropped and counted as NBLC_DROP_IN_FLIGHT, on the CPU that dropped it.
 */
#define SMP_CAP			4	/* max_in_flight: a packet and one more child */
#define SMP_CAP_TARGETS		3
#define SMP_CAP_PACKETS		3	/* each worker's, per round */
#define SMP_CAP_ROUNDS		512

struct smp_cap_run {
	struct smp_fixture *f;
	atomic_t arrived;
	unsigned int mirrored[SMP_NR_WORKERS];
	unsigned int failed[SMP_NR_WORKERS];
	/* the first worker's, between rounds */
	unsigned int captured;
	unsigned int most;
	unsigned int least;
	unsigned int over;		/* rounds past the cap */
	unsigned int counted_wrong;	/* in_flight other than what is held */
	unsigned int not_back;		/* in_flight not 0 once freed */
};

/* Between rounds, both workers waiting: what got through this round. */
static void smp_cap_check(struct smp_cap_run *r)
{
	struct nblc_session *s = r->f->s;
	unsigned int i, held = 0;

	for (i = 0; i < SMP_CAP_TARGETS; i++)
		held += skb_queue_len(nblt_capdev_queue(r->f->cap[i]));
	if (held > SMP_CAP)
		r->over++;
	r->most = max(r->most, held);
	r->least = min(r->least, held);
	if (atomic_read(&s->in_flight) != held)
		r->counted_wrong++;
	r->captured += smp_purge(r->f);
	if (atomic_read(&s->in_flight))
		r->not_back++;
}

static void smp_cap_worker(struct smp_worker *w)
{
	struct smp_cap_run *r = w->ctx;
	unsigned int round, i, met = 0;

	for (round = 0; round < SMP_CAP_ROUNDS; round++) {
		smp_meet(&r->arrived, &met);
		for (i = 0; i < SMP_CAP_PACKETS; i++) {
			if (smp_mirror_one(r->f))
				r->mirrored[w->id]++;
			else
				r->failed[w->id]++;
		}
		smp_meet(&r->arrived, &met);
		if (!w->id)
			smp_cap_check(r);
	}
}

static void smp_in_flight_cap_test(struct kunit *test)
{
	struct smp_fixture *f = test->priv;
	struct smp_cap_run r = { .f = f, .least = UINT_MAX };
	unsigned long mirrored = 0, children, cpu_drops;
	struct smp_worker w[SMP_NR_WORKERS];
	struct nblc_tx_stats st;
	unsigned int i;
	u64 dropped = 0;

	smp_need_cpus(test);
	smp_mirror_setup(test, SMP_CAP_TARGETS, SMP_CAP);
	atomic_set(&r.arrived, 0);
	smp_start(test, w, smp_cap_worker, &r);
	smp_wait(test, w);

	for (i = 0; i < SMP_NR_WORKERS; i++) {
		KUNIT_EXPECT_EQ(test, r.failed[i], 0);
		mirrored += r.mirrored[i];
	}
	children = mirrored * SMP_CAP_TARGETS;
	kunit_info(test, "%u of %lu children let through, %u to %u a round\n",
		   r.captured, children, r.least, r.most);
	KUNIT_EXPECT_EQ_MSG(test, r.over, 0, "rounds past the cap of %d, most %u",
			    SMP_CAP, r.most);
	KUNIT_EXPECT_LE(test, r.most, SMP_CAP);
	/* The first reservation of a round always fits: one packet's worth. */
	KUNIT_EXPECT_GE(test, r.least, SMP_CAP_TARGETS);
	KUNIT_EXPECT_EQ(test, r.counted_wrong, 0);
	KUNIT_EXPECT_EQ(test, r.not_back, 0);

	/* Each child was sent, or dropped for the cap and for nothing else. */
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, tx.packets), r.captured);
	KUNIT_EXPECT_EQ(test, smp_session_drops(f->s, NBLC_DROP_IN_FLIGHT, -1),
			children - r.captured);
	for (i = 0; i < NBLC_NR_DROPS; i++)
		if (i != NBLC_DROP_IN_FLIGHT)
			KUNIT_EXPECT_EQ_MSG(test, smp_session_drops(f->s, i, -1), 0,
					    "drop %u", i);
	/* Each worker alone sends more than the cap: both CPUs drop. */
	for (i = 0; i < SMP_NR_WORKERS; i++) {
		cpu_drops = smp_session_drops(f->s, NBLC_DROP_IN_FLIGHT,
					      f->cpu[i]);
		KUNIT_EXPECT_GT_MSG(test, cpu_drops, 0, "CPU %u", f->cpu[i]);
	}
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), mirrored);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 0);

	rtnl_lock();
	for (i = 0; i < SMP_CAP_TARGETS; i++) {
		nblc_tx_stats_sum(rtnl_dereference(f->s->cfg)->targets[i]->stats,
				  &st);
		KUNIT_EXPECT_EQ(test, st.in_flight, 0);
		dropped += st.drops[NBLC_DROP_IN_FLIGHT];
	}
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, dropped, children - r.captured);
}

static struct kunit_case smp_test_cases[] = {
	KUNIT_CASE(smp_cross_cpu_free_test),
	KUNIT_CASE(smp_complete_race_test),
	KUNIT_CASE(smp_cfg_replace_test),
	KUNIT_CASE(smp_in_flight_cap_test),
	KUNIT_CASE(smp_reset_test),
	{}
};

static struct kunit_suite smp_test_suite = {
	.name = "nblclone_smp",
	.init = smp_test_init,
	.exit = smp_test_exit,
	.test_cases = smp_test_cases,
};

/* mirror_test.c imports EXPORTED_FOR_KUNIT_TESTING for the whole module. */
kunit_test_suite(smp_test_suite);
