/* Continuous backups: DescribeContinuousBackups and UpdateContinuousBackups,
 * the point-in-time recovery setting of a table. The setting is kept and
 * answered as AWS answers it (infrastructure tools such as Terraform read
 * it for every table); there is nothing to restore from: RestoreTable* and
 * exports are not emulated. */
#ifndef DYNALAKE_DDB_BACKUPS_H
#define DYNALAKE_DDB_BACKUPS_H

struct call;

int ddb_describe_continuous_backups(struct call *c);
int ddb_update_continuous_backups(struct call *c);

#endif
