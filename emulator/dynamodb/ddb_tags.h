/* Table tags (TagResource, UntagResource, ListTagsOfResource), kept with
 * the table's stored description, and the account-level questions
 * DescribeLimits and DescribeEndpoints. */
#ifndef DYNALAKE_DDB_TAGS_H
#define DYNALAKE_DDB_TAGS_H

struct call;

int ddb_tag_resource(struct call *c);
int ddb_untag_resource(struct call *c);
int ddb_list_tags_of_resource(struct call *c);
int ddb_describe_limits(struct call *c);
int ddb_describe_endpoints(struct call *c);

#endif
