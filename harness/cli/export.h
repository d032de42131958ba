/* `dynalake export`: parallel Scan into S3 in the layout of DynamoDB's
 * native export (sync/export.c). */
#ifndef DYNALAKE_CLI_EXPORT_H
#define DYNALAKE_CLI_EXPORT_H

int export_main(int argc, char **argv);

#endif
