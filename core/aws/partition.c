#include "partition.h"

#include <ctype.h>
#include <string.h>

static const struct ew_region_info aws_regions[] = {
    {"us-east-1", "US East (N. Virginia)", false},
    {"us-east-2", "US East (Ohio)", false},
    {"us-west-1", "US West (N. California)", false},
    {"us-west-2", "US West (Oregon)", false},
    {"ca-central-1", "Canada (Central)", false},
    {"ca-west-1", "Canada West (Calgary)", true},
    {"mx-central-1", "Mexico (Central)", true},
    {"sa-east-1", "South America (Sao Paulo)", false},
    {"eu-central-1", "Europe (Frankfurt)", false},
    {"eu-central-2", "Europe (Zurich)", true},
    {"eu-west-1", "Europe (Ireland)", false},
    {"eu-west-2", "Europe (London)", false},
    {"eu-west-3", "Europe (Paris)", false},
    {"eu-north-1", "Europe (Stockholm)", false},
    {"eu-south-1", "Europe (Milan)", true},
    {"eu-south-2", "Europe (Spain)", true},
    {"af-south-1", "Africa (Cape Town)", true},
    {"ap-south-1", "Asia Pacific (Mumbai)", false},
    {"ap-south-2", "Asia Pacific (Hyderabad)", true},
    {"ap-northeast-1", "Asia Pacific (Tokyo)", false},
    {"ap-northeast-2", "Asia Pacific (Seoul)", false},
    {"ap-northeast-3", "Asia Pacific (Osaka)", false},
    {"ap-southeast-1", "Asia Pacific (Singapore)", false},
    {"ap-southeast-2", "Asia Pacific (Sydney)", false},
    {"ap-southeast-3", "Asia Pacific (Jakarta)", true},
    {"ap-southeast-4", "Asia Pacific (Melbourne)", true},
    {"ap-southeast-5", "Asia Pacific (Malaysia)", true},
    {"ap-southeast-6", "Asia Pacific (New Zealand)", true},
    {"ap-southeast-7", "Asia Pacific (Thailand)", true},
    {"ap-east-1", "Asia Pacific (Hong Kong)", true},
    {"ap-east-2", "Asia Pacific (Taipei)", true},
    {"me-south-1", "Middle East (Bahrain)", true},
    {"me-central-1", "Middle East (UAE)", true},
    {"il-central-1", "Israel (Tel Aviv)", true},
};

static const struct ew_region_info cn_regions[] = {
    {"cn-north-1", "China (Beijing)", false},
    {"cn-northwest-1", "China (Ningxia)", false},
};

static const struct ew_region_info gov_regions[] = {
    {"us-gov-west-1", "AWS GovCloud (US-West)", false},
    {"us-gov-east-1", "AWS GovCloud (US-East)", false},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct ew_partition partitions[] = {
    {"aws", "AWS Commercial", "amazonaws.com", "iam.amazonaws.com", "us-east-1",
     "sts.amazonaws.com", aws_regions, COUNT(aws_regions)},
    {"aws-cn", "AWS China", "amazonaws.com.cn",
     "iam.cn-north-1.amazonaws.com.cn", "cn-north-1", "sts.amazonaws.com.cn",
     cn_regions, COUNT(cn_regions)},
    {"aws-us-gov", "AWS GovCloud (US)", "amazonaws.com",
     "iam.us-gov.amazonaws.com", "us-gov-west-1", "sts.amazonaws.com",
     gov_regions, COUNT(gov_regions)},
};

/* Matches PREFIX-\w+-\d+ : the shape of AWS's partition region regexes. */
static bool has_shape(const char *region, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p, *dash;

	if (strncmp(region, prefix, n) != 0 || region[n] != '-')
		return false;
	p = region + n + 1;
	dash = strrchr(p, '-');
	if (!dash || dash == p)
		return false;
	for (const char *q = p; q < dash; q++)
		if (!isalnum((unsigned char)*q) && *q != '_')
			return false;
	if (!dash[1])
		return false;
	for (const char *q = dash + 1; *q; q++)
		if (!isdigit((unsigned char)*q))
			return false;
	return true;
}

const struct ew_partition *ew_partition_for_region(const char *region)
{
	static const char *const commercial[] = {"us", "eu", "ap", "sa", "ca",
						 "me", "af", "il", "mx"};

	if (!region)
		return NULL;
	if (has_shape(region, "us-gov"))
		return &partitions[2];
	if (has_shape(region, "cn"))
		return &partitions[1];
	for (size_t i = 0; i < COUNT(commercial); i++)
		if (has_shape(region, commercial[i]))
			return &partitions[0];
	return NULL;
}

const struct ew_partition *ew_partition_by_id(const char *id)
{
	for (size_t i = 0; id && i < COUNT(partitions); i++)
		if (strcmp(partitions[i].id, id) == 0)
			return &partitions[i];
	return NULL;
}

const struct ew_region_info *ew_region_find(const char *region)
{
	for (size_t i = 0; region && i < COUNT(partitions); i++)
		for (size_t j = 0; j < partitions[i].nregions; j++)
			if (strcmp(partitions[i].regions[j].code, region) == 0)
				return &partitions[i].regions[j];
	return NULL;
}

const struct ew_partition *ew_partitions(size_t *count)
{
	*count = COUNT(partitions);
	return partitions;
}
