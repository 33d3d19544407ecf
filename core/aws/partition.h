/*
 * partition.h - AWS partitions and their regions (docs/aws-wire.md 9).
 *
 * Static data: nothing to free.  ARNs, endpoints, the OIDC audience and the
 * registry host suffix all follow the partition of the region.
 */
#ifndef EW_PARTITION_H
#define EW_PARTITION_H

#include <stdbool.h>
#include <stddef.h>

struct ew_region_info {
	const char *code; /* "eu-west-1" */
	const char *name; /* "Ireland" */
	bool opt_in;	  /* disabled until the account enables it */
};

struct ew_partition {
	const char *id;			/* "aws", "aws-cn", "aws-us-gov" */
	const char *name;		/* "AWS Commercial" */
	const char *dns_suffix;		/* "amazonaws.com" */
	const char *iam_host;		/* "iam.amazonaws.com" */
	const char *iam_signing_region; /* "us-east-1" */
	const char *audience;		/* "sts.amazonaws.com" */
	const struct ew_region_info *regions;
	size_t nregions;
};

/* The partition a region belongs to, by AWS's region patterns; NULL when
 * the name fits no partition (for example "mars-1"). */
const struct ew_partition *ew_partition_for_region(const char *region);
/* "aws", "aws-cn", "aws-us-gov"; NULL otherwise. */
const struct ew_partition *ew_partition_by_id(const char *id);
/* The region's entry in the known list, or NULL. */
const struct ew_region_info *ew_region_find(const char *region);
/* All partitions, for listing (the region picker). */
const struct ew_partition *ew_partitions(size_t *count);

#endif
