// SPDX-License-Identifier: GPL-2.0
/*
 * Which NBL owns a child skb that the stack now holds.
 *
 * A child skb leaves the NBL when it is transmitted, and its destructor must
 * find the NBL again when the stack frees or orphans it. An sk_buff has no
 * field for that: cb[] belongs to whoever holds the skb, a share-mode clone's
 * skb_shared_info (and so destructor_arg) is the parent's, and skb->sk must
 * be a real socket. So the owner is looked up by the skb's address.
 *
 * Each CPU has a table of slots; an entry lives within a small window from
 * its hash. Only the owning CPU, with BHs off, fills an empty slot; any CPU
 * may empty a full one (release). So filling needs no atomic instruction:
 * nobody else writes to a slot that is empty. A lookup searches the local
 * table first, where a child is usually freed, then the others.
 */
#include <linux/bottom_half.h>
#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "nbl_internal.h"

#define NBL_OWNER_WINDOW	16

struct nbl_owner_slot {
	struct sk_buff *skb;	/* NULL: empty; published with release */
	void *owner;
};

struct nbl_owner_table {
	struct nbl_owner_slot *slots;
};

static DEFINE_PER_CPU(struct nbl_owner_table, nbl_owner_tables);
static unsigned int nbl_owner_bits;

static struct nbl_owner_slot *nbl_owner_window(struct nbl_owner_table *t,
					       const struct sk_buff *skb,
					       unsigned int i)
{
	u32 mask = (1U << nbl_owner_bits) - 1;

	return &t->slots[(hash_ptr(skb, nbl_owner_bits) + i) & mask];
}

/**
 * nbl_owner_set() - record the owner of an skb about to leave its NBL
 * @skb: the skb
 * @owner: what nbl_owner_take() returns for it
 *
 * Context: any context but hardirq.
 * Return: 0, or -ENOSPC when this CPU's window for @skb is full.
 */
int nbl_owner_set(struct sk_buff *skb, void *owner)
{
	/*
	 * Only the owning CPU fills a slot, so neither a softirq nor another
	 * task may run on this CPU between our look at a slot and our store
	 * to it. Already true when nbl_bh_off(): data paths call us like
	 * that, once per child, and skip the BH toggle. Hardirqs never call
	 * us.
	 */
	bool bh_on = !nbl_bh_off();
	struct nbl_owner_table *t;
	int i, err = -ENOSPC;

	if (bh_on)
		local_bh_disable();
	t = this_cpu_ptr(&nbl_owner_tables);
	for (i = 0; i < NBL_OWNER_WINDOW; i++) {
		struct nbl_owner_slot *s = nbl_owner_window(t, skb, i);

		if (READ_ONCE(s->skb))
			continue;
		s->owner = owner;
		/* Publish the owner with the key: a taker reads it after. */
		smp_store_release(&s->skb, skb);
		err = 0;
		break;
	}
	if (bh_on)
		local_bh_enable();
	return err;
}

static void *nbl_owner_take_from(struct nbl_owner_table *t,
				 const struct sk_buff *skb)
{
	int i;

	for (i = 0; i < NBL_OWNER_WINDOW; i++) {
		struct nbl_owner_slot *s = nbl_owner_window(t, skb, i);
		void *owner;

		/* Pairs with the release in nbl_owner_set(). */
		if (smp_load_acquire(&s->skb) != skb)
			continue;
		owner = s->owner;
		/* Read the owner before the slot can be refilled. */
		smp_store_release(&s->skb, NULL);
		return owner;
	}
	return NULL;
}

/**
 * nbl_owner_take() - find and forget the owner of an skb
 * @skb: an skb given to nbl_owner_set()
 *
 * Context: any context but hardirq; at most once per nbl_owner_set().
 * Return: the owner, or NULL if @skb has none.
 */
void *nbl_owner_take(const struct sk_buff *skb)
{
	void *owner;
	int cpu;

	owner = nbl_owner_take_from(raw_cpu_ptr(&nbl_owner_tables), skb);
	if (likely(owner))
		return owner;
	/* Freed on another CPU than it was sent from: search them all. */
	for_each_possible_cpu(cpu) {
		owner = nbl_owner_take_from(per_cpu_ptr(&nbl_owner_tables, cpu), skb);
		if (owner)
			return owner;
	}
	return NULL;
}

/**
 * nbl_owner_init() - allocate every CPU's table
 * @bits: log2 of the slots per CPU
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int nbl_owner_init(unsigned int bits)
{
	int cpu;

	nbl_owner_bits = bits;
	for_each_possible_cpu(cpu) {
		struct nbl_owner_table *t = per_cpu_ptr(&nbl_owner_tables, cpu);

		t->slots = kvcalloc(1U << bits, sizeof(*t->slots), GFP_KERNEL);
		if (!t->slots)
			goto err_free;
	}
	return 0;

err_free:
	nbl_owner_exit();
	return -ENOMEM;
}

/**
 * nbl_owner_exit() - free the tables
 *
 * Context: process context, once no skb can be given to or taken from them.
 */
void nbl_owner_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct nbl_owner_table *t = per_cpu_ptr(&nbl_owner_tables, cpu);

		kvfree(t->slots);
		t->slots = NULL;
	}
}
