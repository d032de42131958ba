/* dynalake's version, reported by `dynalake --version` and the health
 * endpoint. */
#ifndef DYNALAKE_VERSION_H
#define DYNALAKE_VERSION_H

#define DYNALAKE_VERSION "0.1.0"

#endif
