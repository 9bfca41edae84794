// SPDX-License-Identifier: GPL-2.0
/*
 * nblclone_bench: what one mirrored packet costs, per way of making its
 * children. Run by scripts/bench-micro.sh in a non-debug UML kernel.
 *
 * For each packet shape (linear, paged, 64 KB GSO), size and fan-out, every
 * method makes `fanout` children of one parent packet and frees them as a
 * target would (consume_skb()):
 *
 *   skb_clone, pskb_copy, skb_copy: the raw calls, nothing else;
 *   nbl_share, nbl_own: the NBL shim's data path as the mirror runs it: a
 *	parent NBL borrowing the packet, with a context and a completion
 *	callback; per child nbl_clone_share() (share), or nbl_clone(),
 *	nbl_on_complete(), nbl_pop_nb(), nbl_free_clone() (own); the parent
 *	let go of; the children's skbs freed, their destructors completing
 *	the children, the last one the parent.
 *
 * Timing: after a warm-up, each run times `iters` packets in batches of
 * about `batch_ns`, with BHs disabled during a batch and ktime_get_ns()
 * around it. A run's figure is the median over its batches of the batch's
 * ns per packet (all of its children): a batch during which the host
 * descheduled UML does not move it. Runs of the methods are interleaved.
 * Then the allocations per packet are counted in a separate, untimed pass:
 * slab objects (kmem_cache_alloc) and kmalloc()s through their exported
 * tracepoints, probed during that pass only, by call site, and NBLs through
 * the pool's counters.
 *
 * Results are text lines in debugfs nblclone_bench/results (see
 * bench_emit_*()). Write anything to nblclone_bench/run to run again.
 */
#include <linux/bottom_half.h>
#include <linux/debugfs.h>
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/utsname.h>
#include <net/ip.h>
#include <trace/events/kmem.h>

#include "nbl.h"

enum bench_method {
	BM_SKB_CLONE,
	BM_NBL_SHARE,
	BM_NBL_OWN,
	BM_PSKB_COPY,
	BM_SKB_COPY,
	BM_NR
};

static const char * const bench_method_names[BM_NR] = {
	[BM_SKB_CLONE] = "skb_clone",
	[BM_NBL_SHARE] = "nbl_share",
	[BM_NBL_OWN] = "nbl_own",
	[BM_PSKB_COPY] = "pskb_copy",
	[BM_SKB_COPY] = "skb_copy",
};

enum bench_shape {
	BS_LINEAR,	/* all of the frame in a kmalloc'd head */
	BS_PAGED,	/* Ethernet, IPv4 and UDP headers in the head, the rest in pages */
	BS_GSO,		/* a 64 KB TCP GSO packet: headers in the head, 16 page frags */
	BS_NR
};

static const char * const bench_shape_names[BS_NR] = {
	[BS_LINEAR] = "linear",
	[BS_PAGED] = "paged",
	[BS_GSO] = "gso",
};

/* Frame sizes, counted from the MAC header, of the linear and paged shapes. */
static const unsigned int bench_sizes[] = { 64, 256, 1500, 4096, 9000 };
static const unsigned int bench_fanouts[] = { 1, 2, 4, 8 };

#define BENCH_MAX_FANOUT	8
#define BENCH_MAX_RUNS		31
#define BENCH_GSO_BYTES		65536
#define BENCH_GSO_MSS		1448
#define BENCH_PAGED_HEAD	(ETH_HLEN + sizeof(struct iphdr) + sizeof(struct udphdr))
/* A TCP header with the timestamp option. */
#define BENCH_GSO_HEAD		(ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr) + 12)
#define BENCH_OUT_SIZE		SZ_1M
#define BENCH_SITES		16

static unsigned int runs = 5;
module_param(runs, uint, 0644);
MODULE_PARM_DESC(runs, "timed runs per method and case (1-31, default 5)");

static unsigned int iters = 100000;
module_param(iters, uint, 0644);
MODULE_PARM_DESC(iters, "packets per run (default 100000)");

static unsigned int warmup = 2000;
module_param(warmup, uint, 0644);
MODULE_PARM_DESC(warmup, "untimed packets per method and case first (default 2000)");

static unsigned int batch_ns = 20000;
module_param(batch_ns, uint, 0644);
MODULE_PARM_DESC(batch_ns, "aim of a timed batch's length in ns (default 20000)");

static unsigned int alloc_iters = 1000;
module_param(alloc_iters, uint, 0644);
MODULE_PARM_DESC(alloc_iters, "packets of the allocation-counting pass (default 1000, 0: none)");

static unsigned int methods = BIT(BM_NR) - 1;
module_param(methods, uint, 0644);
MODULE_PARM_DESC(methods, "bit mask: skb_clone, nbl_share, nbl_own, pskb_copy, skb_copy");

static unsigned int shapes = BIT(BS_NR) - 1;
module_param(shapes, uint, 0644);
MODULE_PARM_DESC(shapes, "bit mask: linear, paged, gso");

static unsigned int sizes = BIT(ARRAY_SIZE(bench_sizes)) - 1;
module_param(sizes, uint, 0644);
MODULE_PARM_DESC(sizes, "bit mask: 64, 256, 1500, 4096, 9000 bytes (linear and paged)");

static unsigned int fanouts = BIT(ARRAY_SIZE(bench_fanouts)) - 1;
module_param(fanouts, uint, 0644);
MODULE_PARM_DESC(fanouts, "bit mask: 1, 2, 4, 8 children per packet");

static bool run_on_load = true;
module_param(run_on_load, bool, 0444);
MODULE_PARM_DESC(run_on_load, "run every case when loaded (default true)");

/* One case's state; results are in tenths of ns per packet. */
struct bench {
	struct nbl_pool *pool;
	struct sk_buff *skb;
	unsigned int fanout;
	struct sk_buff *kids[BENCH_MAX_FANOUT];
	u64 seq;
	u64 parents_done, children_done;
	u64 parents_made, children_made;
	u64 *samples;
	u64 res[BM_NR][BENCH_MAX_RUNS];
	unsigned int per_batch[BM_NR];
	bool failed;
};

/* The allocation counters, fed by the kmem tracepoints while switched on. */
struct bench_allocs {
	bool on;
	struct task_struct *task;
	u64 slab;
	u64 kmalloc;
	unsigned int nr_sites;
	struct {
		unsigned long ip;
		u64 n;
	} sites[BENCH_SITES];
};

static struct bench_allocs bench_allocs;
static bool bench_probes;

static char *bench_buf;
static struct debugfs_blob_wrapper bench_blob;
static struct dentry *bench_dir;
static DEFINE_MUTEX(bench_lock);

static __printf(1, 2) void bench_emit(const char *fmt, ...)
{
	size_t room = BENCH_OUT_SIZE - bench_blob.size;
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(bench_buf + bench_blob.size, room, fmt, args);
	va_end(args);
	if (n < 0 || (size_t)n >= room) {
		pr_warn_once("results buffer full: output truncated\n");
		return;
	}
	bench_blob.size += n;
}

/* @x10 is in tenths. */
static void bench_emit_x10(u64 x10, const char *sep)
{
	bench_emit("%llu.%llu%s", div_u64(x10, 10), x10 % 10, sep);
}

/* The parent packet of a case: as it is at ingress, data past the MAC header. */
static struct sk_buff *bench_packet(enum bench_shape shape, unsigned int bytes)
{
	unsigned int head, off, len;
	struct sk_buff *skb;
	struct ethhdr *eth;
	struct iphdr *iph;
	struct page *page;
	int i = 0;

	if (shape == BS_LINEAR)
		head = bytes;
	else if (shape == BS_PAGED)
		head = BENCH_PAGED_HEAD;
	else
		head = BENCH_GSO_HEAD;
	skb = alloc_skb(NET_SKB_PAD + NET_IP_ALIGN + head, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
	skb_put_zero(skb, head);
	for (off = head; off < bytes; off += len, i++) {
		len = min_t(unsigned int, bytes - off, PAGE_SIZE);
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page) {
			kfree_skb(skb);
			return NULL;
		}
		skb_add_rx_frag(skb, i, page, 0, len, PAGE_SIZE);
	}

	eth = (struct ethhdr *)skb->data;
	eth_zero_addr(eth->h_dest);
	eth->h_dest[0] = 0x02;
	eth->h_dest[5] = 0x01;
	eth_zero_addr(eth->h_source);
	eth->h_source[0] = 0x02;
	eth->h_source[5] = 0x02;
	eth->h_proto = htons(ETH_P_IP);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb_set_transport_header(skb, ETH_HLEN + sizeof(*iph));
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(min_t(unsigned int, bytes - ETH_HLEN, 0xffff));
	iph->ttl = 64;
	iph->protocol = shape == BS_GSO ? IPPROTO_TCP : IPPROTO_UDP;
	iph->saddr = htonl(0xc6120001);	/* 198.18.0.1 */
	iph->daddr = htonl(0xc6130001);	/* 198.19.0.1 */
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
	skb->mac_len = ETH_HLEN;
	skb_pull(skb, ETH_HLEN);

	if (shape == BS_GSO) {
		struct skb_shared_info *sh = skb_shinfo(skb);

		sh->gso_size = BENCH_GSO_MSS;
		sh->gso_type = SKB_GSO_TCPV4;
		sh->gso_segs = DIV_ROUND_UP(bytes - BENCH_GSO_HEAD, BENCH_GSO_MSS);
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
	}
	return skb;
}

/* The raw calls: fanout children, then freed as a target frees them. */
static int bench_raw(struct bench *b, enum bench_method m)
{
	unsigned int i, j;
	struct sk_buff *c;
	int err = 0;

	for (i = 0; i < b->fanout; i++) {
		if (m == BM_SKB_CLONE)
			c = skb_clone(b->skb, GFP_ATOMIC);
		else if (m == BM_PSKB_COPY)
			c = pskb_copy(b->skb, GFP_ATOMIC);
		else
			c = skb_copy(b->skb, GFP_ATOMIC);
		if (!c) {
			err = -ENOMEM;
			break;
		}
		b->kids[i] = c;
	}
	for (j = 0; j < i; j++)
		consume_skb(b->kids[j]);
	return err;
}

/* The parent's completion, as the mirror's: reads its context, counts. */
static void bench_parent_done(struct nbl *nbl, void *arg)
{
	struct bench *b = arg;
	u64 *seq = nbl_context_data(nbl);

	if (seq && *seq == b->parents_done)
		b->parents_done++;
}

static void bench_share_done(void *arg)
{
	struct bench *b = arg;

	b->children_done++;
}

static void bench_child_done(struct nbl *nbl, void *arg)
{
	bench_share_done(arg);
}

/* One child of @parent, made as the mirror makes it in mode @flags. */
static struct sk_buff *bench_child(struct bench *b, struct nbl *parent,
				   unsigned int flags)
{
	struct nbl *child;
	struct sk_buff *c;

	if (flags == NBL_CLONE_SHARE)
		return nbl_clone_share(parent, bench_share_done, b, GFP_ATOMIC);
	child = nbl_clone(parent, flags, GFP_ATOMIC);
	if (IS_ERR(child))
		return ERR_CAST(child);
	nbl_on_complete(child, bench_child_done, b);
	c = nbl_pop_nb(child);
	nbl_free_clone(child);
	return c;
}

/* The shim's data path, as nblc_fan_out() and nblc_send_child() run it. */
static int bench_nbl(struct bench *b, unsigned int flags)
{
	struct nbl *parent;
	struct sk_buff *c;
	unsigned int i = 0, j;
	int err = 0;
	u64 *seq;

	parent = nbl_wrap(b->pool, b->skb, NBL_WRAP_BORROW, GFP_ATOMIC);
	if (IS_ERR(parent))
		return PTR_ERR(parent);
	seq = nbl_context_alloc(parent, sizeof(*seq));
	if (IS_ERR_OR_NULL(seq)) {
		err = seq ? PTR_ERR(seq) : -ENOMEM;
		goto out;
	}
	*seq = b->seq++;
	nbl_on_complete(parent, bench_parent_done, b);
	b->parents_made++;
	for (; i < b->fanout; i++) {
		c = bench_child(b, parent, flags);
		if (IS_ERR(c)) {
			err = PTR_ERR(c);
			break;
		}
		b->kids[i] = c;
		b->children_made++;
	}
out:
	nbl_unborrow(parent);
	nbl_free(parent);
	/* The last child's destructor completes the parent. */
	for (j = 0; j < i; j++)
		consume_skb(b->kids[j]);
	return err;
}

static int bench_one(struct bench *b, enum bench_method m)
{
	switch (m) {
	case BM_NBL_SHARE:
		return bench_nbl(b, NBL_CLONE_SHARE);
	case BM_NBL_OWN:
		return bench_nbl(b, NBL_CLONE_OWN);
	default:
		return bench_raw(b, m);
	}
}

static int bench_batch(struct bench *b, enum bench_method m, unsigned int n,
		       u64 *ns)
{
	unsigned int i;
	int err = 0;
	u64 t0;

	local_bh_disable();
	t0 = ktime_get_ns();
	for (i = 0; i < n && !err; i++)
		err = bench_one(b, m);
	*ns = ktime_get_ns() - t0;
	local_bh_enable();
	return err;
}

/* Warm the caches up, and size the batches from what it took. */
static int bench_warmup(struct bench *b, enum bench_method m)
{
	unsigned int done = 0, n, total = max(warmup, 16U);
	u64 ns, sum = 0, per;
	int err;

	while (done < total) {
		n = min(total - done, 64U);
		err = bench_batch(b, m, n, &ns);
		if (err)
			return err;
		sum += ns;
		done += n;
		cond_resched();
	}
	per = max_t(u64, div_u64(sum, done), 1);
	b->per_batch[m] = clamp_t(u64, div64_u64(batch_ns, per), 1, iters);
	return 0;
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 bench_median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), bench_cmp_u64, NULL);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int bench_run(struct bench *b, enum bench_method m, u64 *median,
		     u64 *mean, unsigned int *batches)
{
	unsigned int done = 0, nb = 0, n;
	u64 ns, sum = 0;
	int err;

	while (done < iters) {
		n = min(b->per_batch[m], iters - done);
		err = bench_batch(b, m, n, &ns);
		if (err)
			return err;
		b->samples[nb++] = div_u64(ns * 10, n);
		sum += ns;
		done += n;
		cond_resched();
	}
	*median = bench_median(b->samples, nb);
	*mean = div_u64(sum * 10, done);
	*batches = nb;
	return 0;
}

static void bench_alloc_seen(unsigned long ip, bool slab)
{
	struct bench_allocs *a = &bench_allocs;
	unsigned int i;

	if (!READ_ONCE(a->on) || !in_task() || current != a->task)
		return;
	if (slab)
		a->slab++;
	else
		a->kmalloc++;
	for (i = 0; i < a->nr_sites; i++) {
		if (a->sites[i].ip == ip) {
			a->sites[i].n++;
			return;
		}
	}
	if (i < BENCH_SITES) {
		a->sites[i].ip = ip;
		a->sites[i].n = 1;
		a->nr_sites++;
	}
}

static void bench_probe_slab(void *data, unsigned long call_site,
			     const void *ptr, struct kmem_cache *s,
			     gfp_t gfp_flags, int node)
{
	bench_alloc_seen(call_site, true);
}

static void bench_probe_kmalloc(void *data, unsigned long call_site,
				const void *ptr, size_t bytes_req,
				size_t bytes_alloc, gfp_t gfp_flags, int node)
{
	bench_alloc_seen(call_site, false);
}

/*
 * A registered probe costs every allocation a call, whether it counts or
 * not: the probes are registered for the counting passes only, never while
 * a run is timed.
 */
static bool bench_probes_register(void)
{
	if (register_trace_kmem_cache_alloc(bench_probe_slab, NULL))
		return false;
	if (register_trace_kmalloc(bench_probe_kmalloc, NULL)) {
		unregister_trace_kmem_cache_alloc(bench_probe_slab, NULL);
		return false;
	}
	bench_probes = true;
	return true;
}

static void bench_probes_unregister(void)
{
	if (!bench_probes)
		return;
	unregister_trace_kmalloc(bench_probe_kmalloc, NULL);
	unregister_trace_kmem_cache_alloc(bench_probe_slab, NULL);
	tracepoint_synchronize_unregister();
	bench_probes = false;
}

static void bench_emit_case(const char *tag, enum bench_method m,
			    enum bench_shape shape, unsigned int bytes,
			    unsigned int fanout)
{
	bench_emit("%s,%s,%s,%u,%u,", tag, bench_method_names[m],
		   bench_shape_names[shape], bytes, fanout);
}

/* Per packet, in hundredths. */
static void bench_emit_x100(u64 n, const char *sep)
{
	u64 x100 = div_u64(n * 100 + alloc_iters / 2, alloc_iters);

	bench_emit("%llu.%02llu%s", div_u64(x100, 100), x100 % 100, sep);
}

/*
 * Untimed: the allocations one packet costs. The pass runs after the timed
 * runs, so every cache it touches is warm.
 */
static int bench_count_allocs(struct bench *b, enum bench_method m,
			      enum bench_shape shape, unsigned int bytes)
{
	struct bench_allocs *a = &bench_allocs;
	struct nbl_pool_stats before, after;
	unsigned int i;
	int err;
	u64 ns;

	if (!bench_probes || !alloc_iters)
		return 0;
	memset(a, 0, sizeof(*a));
	a->task = current;
	nbl_pool_stats(b->pool, &before);
	WRITE_ONCE(a->on, true);
	err = bench_batch(b, m, alloc_iters, &ns);
	WRITE_ONCE(a->on, false);
	nbl_pool_stats(b->pool, &after);
	if (err)
		return err;

	bench_emit_case("alloc", m, shape, bytes, b->fanout);
	bench_emit_x100(a->slab, ",");
	bench_emit_x100(a->kmalloc, ",");
	bench_emit_x100(after.allocated - before.allocated, "\n");
	for (i = 0; i < a->nr_sites; i++) {
		bench_emit_case("site", m, shape, bytes, b->fanout);
		bench_emit("%pS,", (void *)a->sites[i].ip);
		bench_emit_x100(a->sites[i].n, "\n");
	}
	return 0;
}

static void bench_case(struct bench *b, enum bench_shape shape,
		       unsigned int bytes, unsigned int fanout)
{
	u64 median, mean, v[BENCH_MAX_RUNS];
	unsigned int r, k, batches;
	enum bench_method m;
	int err = 0;

	b->skb = bench_packet(shape, bytes);
	if (!b->skb) {
		bench_emit("error,%s,%u,%u,no memory for the packet\n",
			   bench_shape_names[shape], bytes, fanout);
		b->failed = true;
		return;
	}
	b->fanout = fanout;
	for (m = 0; m < BM_NR && !err; m++)
		if (methods & BIT(m))
			err = bench_warmup(b, m);

	/* Interleaved: each run measures every method once, starting in turn. */
	for (r = 0; r < runs && !err; r++) {
		for (k = 0; k < BM_NR && !err; k++) {
			m = (k + r) % BM_NR;
			if (!(methods & BIT(m)))
				continue;
			err = bench_run(b, m, &median, &mean, &batches);
			if (err)
				break;
			b->res[m][r] = median;
			bench_emit_case("run", m, shape, bytes, fanout);
			bench_emit("%u,", r);
			bench_emit_x10(median, ",");
			bench_emit_x10(mean, ",");
			bench_emit("%u,%u\n", batches, b->per_batch[m]);
		}
	}

	for (m = 0; m < BM_NR && !err; m++) {
		if (!(methods & BIT(m)))
			continue;
		memcpy(v, b->res[m], runs * sizeof(v[0]));
		median = bench_median(v, runs);
		bench_emit_case("csv", m, shape, bytes, fanout);
		bench_emit_x10(median, ",");
		bench_emit_x10(v[0], ",");
		bench_emit_x10(v[runs - 1], ",");
		bench_emit("%u,%u\n", runs, iters);
	}

	if (alloc_iters && !err && bench_probes_register()) {
		for (m = 0; m < BM_NR && !err; m++)
			if (methods & BIT(m))
				err = bench_count_allocs(b, m, shape, bytes);
		bench_probes_unregister();
	}

	if (err) {
		bench_emit("error,%s,%u,%u,%d\n", bench_shape_names[shape],
			   bytes, fanout, err);
		b->failed = true;
	}
	kfree_skb(b->skb);
	b->skb = NULL;
	pr_info("%s %u bytes, fan-out %u: %s\n", bench_shape_names[shape],
		bytes, fanout, err ? "failed" : "done");
}

static void bench_cases(struct bench *b)
{
	enum bench_shape shape;
	unsigned int s, f, bytes;

	for (shape = 0; shape < BS_NR; shape++) {
		if (!(shapes & BIT(shape)))
			continue;
		for (s = 0; s < ARRAY_SIZE(bench_sizes); s++) {
			if (shape == BS_GSO) {
				if (s)
					break;
				bytes = BENCH_GSO_BYTES;
			} else if (sizes & BIT(s)) {
				bytes = bench_sizes[s];
			} else {
				continue;
			}
			for (f = 0; f < ARRAY_SIZE(bench_fanouts); f++)
				if (fanouts & BIT(f))
					bench_case(b, shape, bytes,
						   bench_fanouts[f]);
		}
	}
}

static int bench_all(void)
{
	static const struct nbl_pool_params params = {
		.ctx_size = sizeof(u64),
		.shares = BENCH_MAX_FANOUT,
	};
	struct nbl_pool_stats st;
	struct bench *b;
	int err = 0;

	if (!runs || runs > BENCH_MAX_RUNS || !iters || !batch_ns)
		return -EINVAL;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->samples = kvmalloc_array(iters, sizeof(*b->samples), GFP_KERNEL);
	if (!b->samples) {
		err = -ENOMEM;
		goto out_free;
	}
	b->pool = nbl_pool_create("bench", &params);
	if (IS_ERR(b->pool)) {
		err = PTR_ERR(b->pool);
		goto out_free;
	}

	bench_blob.size = 0;
	bench_emit("info,kernel,%s\n", init_utsname()->release);
	bench_emit("info,hz,%u\n", HZ);
	bench_emit("info,runs,%u\ninfo,iters,%u\ninfo,warmup,%u\n",
		   runs, iters, warmup);
	bench_emit("info,batch_ns,%u\ninfo,alloc_iters,%u\n", batch_ns,
		   alloc_iters);
	bench_emit("info,alloc_counting,%s\n",
		   bench_probes_register() ? "tracepoints" : "unavailable");
	bench_probes_unregister();

	bench_cases(b);

	if (b->parents_done != b->parents_made ||
	    b->children_done != b->children_made) {
		bench_emit("error,completions,parents %llu of %llu, children %llu of %llu\n",
			   b->parents_done, b->parents_made, b->children_done,
			   b->children_made);
		b->failed = true;
	}
	bench_emit("info,completions,%llu parents %llu children\n",
		   b->parents_done, b->children_done);
	nbl_pool_stats(b->pool, &st);
	if (nbl_pool_destroy(b->pool)) {
		bench_emit("error,pool,%llu NBLs outstanding\n", st.outstanding);
		b->failed = true;
	}
	bench_emit("status,%s\n", b->failed ? "failed" : "ok");
	if (b->failed)
		err = -EIO;
out_free:
	kvfree(b->samples);
	kfree(b);
	return err;
}

static ssize_t bench_run_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	int err;

	mutex_lock(&bench_lock);
	err = bench_all();
	mutex_unlock(&bench_lock);
	return err ? err : count;
}

static const struct file_operations bench_run_fops = {
	.owner = THIS_MODULE,
	.write = bench_run_write,
};

static int __init bench_init(void)
{
	int err;

	bench_buf = kvzalloc(BENCH_OUT_SIZE, GFP_KERNEL);
	if (!bench_buf)
		return -ENOMEM;
	bench_blob.data = bench_buf;
	bench_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_blob("results", 0444, bench_dir, &bench_blob);
	debugfs_create_file("run", 0200, bench_dir, NULL, &bench_run_fops);
	if (run_on_load) {
		mutex_lock(&bench_lock);
		err = bench_all();
		mutex_unlock(&bench_lock);
		pr_info("run on load: %d\n", err);
	}
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove(bench_dir);
	kvfree(bench_buf);
}

module_init(bench_init);
module_exit(bench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nblclone micro benchmark: NBL clones against skb_clone and copies");
MODULE_AUTHOR("nblclone developers");
