/*
 * step_table.c - the step table: one row per resource, in the order the
 * user reads the steps (identity first, outputs last; the per-target rows
 * repeat for each target).  A new resource is one file in this folder and
 * one row here (docs/adding-a-step.md).
 */
#include "step.h"

/* The rows, one per file (each file's only export). */
extern const struct ew_step_ops ew_step_identity;
extern const struct ew_step_ops ew_step_provider;
extern const struct ew_step_ops ew_step_repository;
extern const struct ew_step_ops ew_step_lifecycle;
extern const struct ew_step_ops ew_step_policy;
extern const struct ew_step_ops ew_step_role;
extern const struct ew_step_ops ew_step_attach;
extern const struct ew_step_ops ew_step_outputs;

const struct ew_step_ops *const ew_step_table[] = {
    &ew_step_identity,	&ew_step_provider, &ew_step_repository,
    &ew_step_lifecycle, &ew_step_policy,   &ew_step_role,
    &ew_step_attach,	&ew_step_outputs,
};

const size_t ew_step_table_len =
    sizeof(ew_step_table) / sizeof(ew_step_table[0]);

const struct ew_step_ops *ew_step_ops_of(enum ew_step_kind k)
{
	for (size_t i = 0; i < ew_step_table_len; i++)
		if (ew_step_table[i]->kind == k)
			return ew_step_table[i];
	return NULL;
}
