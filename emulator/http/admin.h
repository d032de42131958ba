/* The admin API under /_dynalake/, answered to loopback clients only:
 * health (GET), reset (POST) and the virtual clock (GET to read, POST
 * {"advance_ms": N} to move it forward). Not AWS: plain JSON in and out. */
#ifndef DYNALAKE_ADMIN_H
#define DYNALAKE_ADMIN_H

struct call;

int admin_health(struct call *c);
int admin_reset(struct call *c);
int admin_clock(struct call *c);

#endif
