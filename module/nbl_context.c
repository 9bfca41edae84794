// SPDX-License-Identifier: GPL-2.0
/*
 * NBL contexts (NET_BUFFER_LIST_CONTEXT): a stack of scratch areas on an
 * NBL, for each driver that handles it to keep state in. Allocations nest:
 * the last one allocated is the first freed, with the same size. The area
 * pre-allocated with the NBL is used first; only when it is exhausted is a
 * new one allocated, and it is freed as soon as it is empty again.
 */
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "nbl_internal.h"

struct nbl_fault nbl_fault_ctx_alloc = NBL_FAULT_INIT("ctx_alloc");

/**
 * nbl_context_alloc() - push @size bytes of context onto an NBL
 * @nbl: the NBL
 * @size: bytes, a non-zero multiple of 8
 *
 * Context: any context (allocates with GFP_ATOMIC when it must allocate).
 * Return: the new area, which nbl_context_data() now returns too; or an
 * ERR_PTR(): -EINVAL for a bad size, -ENOMEM.
 */
void *nbl_context_alloc(struct nbl *nbl, unsigned int size)
{
	struct nbl_context *ctx = nbl->ctx;

	if (!size || !IS_ALIGNED(size, 8))
		return ERR_PTR(nbl_misuse(nbl->pool, -EINVAL, __func__, "bad size"));
	if (ctx && ctx->offset >= size) {
		ctx->offset -= size;
		return ctx->data + ctx->offset;
	}

	ctx = NULL;
	if (!nbl_fault_fail(&nbl_fault_ctx_alloc))
		ctx = kmalloc(struct_size(ctx, data, size), GFP_ATOMIC);
	if (!ctx) {
		this_cpu_inc(nbl->pool->pcpu->failures);
		return ERR_PTR(-ENOMEM);
	}
	ctx->next = nbl->ctx;
	ctx->size = size;
	ctx->offset = 0;
	ctx->preallocated = false;
	nbl->ctx = ctx;
	this_cpu_inc(nbl->pool->pcpu->ctx_allocs);
	return ctx->data;
}
EXPORT_SYMBOL_GPL(nbl_context_alloc);

/**
 * nbl_context_free() - pop the last @size bytes of context pushed
 * @nbl: the NBL
 * @size: what the matching nbl_context_alloc() was given
 *
 * Context: any context.
 * Return: 0, or -EINVAL if @size is not what is on top of the stack.
 */
int nbl_context_free(struct nbl *nbl, unsigned int size)
{
	struct nbl_context *ctx = nbl->ctx;

	if (!ctx || !size || size > ctx->size - ctx->offset)
		return nbl_misuse(nbl->pool, -EINVAL, __func__, "not the top of the stack");
	ctx->offset += size;
	if (ctx->offset == ctx->size && !ctx->preallocated) {
		nbl->ctx = ctx->next;
		kfree(ctx);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(nbl_context_free);

/**
 * nbl_context_data() - the area on top of an NBL's context stack
 * @nbl: the NBL
 *
 * Return: the area last allocated and not yet freed, or NULL if none is.
 */
void *nbl_context_data(const struct nbl *nbl)
{
	const struct nbl_context *ctx = nbl->ctx;

	if (!ctx || ctx->offset == ctx->size)
		return NULL;
	return (void *)(ctx->data + ctx->offset);
}
EXPORT_SYMBOL_GPL(nbl_context_data);

/* An NBL completes: free whatever context its owners left allocated. */
void nbl_contexts_free(struct nbl *nbl)
{
	struct nbl_context *ctx = nbl->ctx, *next;

	for (; ctx; ctx = next) {
		next = ctx->next;
		if (!ctx->preallocated)
			kfree(ctx);
	}
	nbl->ctx = NULL;
}
